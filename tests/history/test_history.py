"""Posture history on real SQLite files: aggregates, recording, migration, crashes, damage."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from neckline.commands.cli import main
from neckline.errors import NecklineError
from neckline.history.aggregate import MinuteAggregator
from neckline.history.db import (
    SCHEMA_VERSION,
    HistoryDB,
    HistoryError,
    create_v1,
    default_db_path,
)
from neckline.history.recorder import HistoryRecorder
from neckline.history.stats import DayStats, Stats, compute_stats
from neckline.posture.alerts import Alert
from recorded import NINE, morning, record, sample


def test_minute_aggregates_by_hand() -> None:
    aggregator = MinuteAggregator()
    minutes = []
    for s, t in morning():
        minutes += aggregator.add(s, t)
    minutes += aggregator.finish()
    assert [m.minute - NINE for m in minutes] == [0, 60, 120]
    first = minutes[0].row(1)
    assert first["present_s"] == pytest.approx(60.0)
    assert first["good_s"] == pytest.approx(30.0)
    assert first["strained_s"] == pytest.approx(30.0)
    assert first["strained_head_tilt_s"] == pytest.approx(30.0)
    assert first["mean_head_tilt"] == pytest.approx((2 * 300 + 15 * 300) / 600)
    assert first["p90_head_tilt"] == pytest.approx(15.0)
    assert first["mean_head_down"] is None
    second = minutes[1].row(1)
    assert (second["present_s"], second["good_s"]) == (pytest.approx(30.0), pytest.approx(30.0))
    assert second["mean_head_tilt"] == pytest.approx(1.0)
    assert (first["day"], first["hour"]) == ("2026-03-02", 9)


def test_stats_by_hand(tmp_path: Path) -> None:
    db_path = tmp_path / "h.db"
    record(db_path, morning(), [Alert(70.0, "head_tilt", 60.0, 15.0)])
    with HistoryDB.open(db_path) as db:
        stats = compute_stats(db.connection, date(2026, 3, 1), date(2026, 3, 7))
    monday = stats.days[1]
    assert monday.day == date(2026, 3, 2)
    assert monday.present_s == pytest.approx(150.0)
    assert monday.good_s == pytest.approx(120.0)
    assert monday.strained_s == pytest.approx(30.0)
    assert monday.good_share == pytest.approx(0.8)
    assert monday.alerts["snoozed"] == 1 and monday.stretches == 1
    # head_tilt mean weighted by presence: (8.5*60 + 1*30 + 1*60) / 150
    assert monday.means["head_tilt"] == pytest.approx((8.5 * 60 + 90) / 150)
    assert stats.heatmap[1][9] == pytest.approx(0.5)  # 30 s strained at 9 o'clock
    assert sum(map(sum, stats.heatmap)) == pytest.approx(0.5)
    # 9:01 (30 s in view, nothing strained) and 9:02; 9:00 had strain.
    assert stats.longest_good_streak_min == 2
    assert stats.problem_minutes()["head_tilt"] == pytest.approx(0.5)
    assert stats.days[0].present_s == 0 and not stats.empty


def test_record_matches_what_analyze_reported(videos: dict[str, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "h.db"
    assert main(["analyze", str(videos["held_tilt"]), "--calibrate", "5", "--record",
                 "--db", str(db_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    states = report["summary"]["seconds_in_state"]
    with HistoryDB.open(db_path) as db:
        c = db.connection
        present, good, strained = c.execute(
            "SELECT SUM(present_s), SUM(good_s), SUM(strained_s) FROM minutes").fetchone()
        alerts = c.execute("SELECT problem, held_s, value FROM alerts").fetchall()
        kind, calibration = c.execute("SELECT kind, calibration_id FROM sessions").fetchone()
        minutes = c.execute("SELECT COUNT(*) FROM minutes").fetchone()[0]
    assert good == pytest.approx(states["good"], abs=0.2)
    assert strained == pytest.approx(states["strained"], abs=0.2)
    assert present == pytest.approx(90.0 - states["away"], abs=0.2)
    assert [(a, round(h, 1), round(v, 2)) for a, h, v in alerts] == [
        (a["problem"], a["held_s"], a["value"]) for a in report["alerts"]]
    assert kind == "analyze" and calibration is not None
    assert minutes in (2, 3)  # 90 s of source time over two or three clock minutes


def test_migration_from_the_first_schema(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    create_v1(path)
    old = sqlite3.connect(path)
    with old:
        old.execute("INSERT INTO sessions (id, started, ended, camera, model) "
                    "VALUES (1, ?, ?, 'camera 0', 'lite')", (NINE, NINE + 60))
        old.execute("INSERT INTO minutes (session_id, minute, day, hour, present_s, good_s, "
                    "strained_s) VALUES (1, ?, '2026-03-02', 9, 60, 50, 10)", (NINE,))
        old.execute("INSERT INTO alerts (session_id, t, day, problem, held_s, value) "
                    "VALUES (1, ?, '2026-03-02', 'head_down', 60, 25)", (NINE,))
    old.close()
    with HistoryDB.open(path) as db:
        c = db.connection
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        assert c.execute("SELECT kind FROM sessions").fetchone()[0] == "app"
        assert c.execute("SELECT COUNT(*) FROM stretches").fetchone()[0] == 0
        assert c.execute("SELECT COUNT(*) FROM desk_stretches").fetchone()[0] == 0
        assert c.execute("SELECT COUNT(*) FROM lent").fetchone()[0] == 0  # version 5
        stats = compute_stats(c, date(2026, 3, 2), date(2026, 3, 2))  # from the new rollups
    assert stats.days[0].good_s == 50 and stats.days[0].alerts["no_response"] == 1
    assert stats.heatmap[0][9] == pytest.approx(10 / 60)


def test_a_good_streak_across_midnight(tmp_path: Path) -> None:
    """23:50-23:59 good, 00:00-00:19 good, 00:20 strained: one 30-minute streak."""
    evening = datetime(2026, 3, 2, 23, 50).timestamp()
    samples = []
    for i in range(31 * 60 * 10):
        state = "strained" if i >= 30 * 60 * 10 else "good"
        samples.append((sample(state, 15.0 if state == "strained" else 1.0), evening + i / 10))
    record(tmp_path / "h.db", samples)
    with HistoryDB.open(tmp_path / "h.db") as db:
        stats = compute_stats(db.connection, date(2026, 3, 2), date(2026, 3, 3))
        one_day = compute_stats(db.connection, date(2026, 3, 3), date(2026, 3, 3))
    assert stats.longest_good_streak_min == 30
    assert one_day.longest_good_streak_min == 20


def test_newer_database_is_refused_untouched(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    HistoryDB.open(path).close()
    c = sqlite3.connect(path)
    c.execute("PRAGMA user_version = 99")
    c.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer neckline"):
        HistoryDB.open(path)
    assert main(["stats", "--db", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "newer neckline (schema 99" in err[0]
    assert path.read_bytes() == before


def test_locked_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    HistoryDB.open(path).close()
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")  # held until the connection closes
    holder.execute("CREATE TABLE other_program (x)")
    try:
        with pytest.raises(HistoryError, match="in use by another program"):
            HistoryDB.open(path, timeout=0.2)
    finally:
        holder.close()


def test_unopenable_or_foreign_files_are_reported_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(HistoryError, match="cannot be opened"):
        HistoryDB.open(folder)
    assert folder.is_dir()
    foreign = tmp_path / "other.db"
    other = sqlite3.connect(foreign)
    other.execute("CREATE TABLE notes (text)")
    other.commit()
    other.close()
    before = foreign.read_bytes()
    with pytest.raises(HistoryError, match="database of another program"):
        HistoryDB.open(foreign)
    assert foreign.read_bytes() == before and not list(tmp_path.glob("*.damaged-*"))


def test_damaged_database_is_moved_aside_and_a_new_one_started(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # neckline's own database (in its data folder): moved aside, never deleted.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = default_db_path()
    path.parent.mkdir(parents=True)
    tmp_path = path.parent
    junk = os.urandom(8192)
    path.write_bytes(junk)
    neighbour = tmp_path / "calibrations.json"
    neighbour.write_text("{}")
    assert main(["stats"]) == 0
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "was damaged; it was moved to history.db.damaged-" in err[0]
    assert "Nothing recorded" in captured.out
    moved = list(tmp_path.glob("history.db.damaged-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == junk  # kept, never deleted
    assert neighbour.read_text() == "{}"
    with HistoryDB.open(path) as db:
        assert db.notice is None


def test_a_file_the_user_named_is_never_moved_or_changed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("my notes\n" * 500)
    foreign = tmp_path / "other.sqlite"
    other = sqlite3.connect(foreign)
    with other:
        other.execute("CREATE TABLE contacts (name TEXT)")
        other.execute("INSERT INTO contacts VALUES ('Ada')")
        other.execute("PRAGMA user_version = 2")  # a version neckline also uses
    other.close()
    for path, fragment in ((text, "not a neckline history database"),
                           (foreign, "database of another program")):
        before = path.read_bytes()
        for args in (["stats"], ["export", "--format", "csv"], ["history", "delete", "--all",
                                                                "--yes"]):
            assert main([*args, "--db", str(path)]) == 2
            err = capsys.readouterr().err
            assert fragment in err and "left as it is" in err, err
            assert path.read_bytes() == before  # not renamed, not switched to WAL, no tables
        assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "other.sqlite"]


def test_a_version_neckline_never_wrote_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for version, tables in ((-1, ["sessions"]), (3, ["sessions", "calibrations", "minutes",
                                                     "alerts", "stretches"])):
        path = tmp_path / f"v{version}.db"
        connection = sqlite3.connect(path)
        with connection:
            for table in tables:
                connection.execute(f"CREATE TABLE {table} (x)")
            connection.execute(f"PRAGMA user_version = {version}")
        connection.close()
        assert main(["stats", "--db", str(path)]) == 2
        assert "another program" in capsys.readouterr().err


def test_sigkill_loses_at_most_the_last_batch(videos: dict[str, Path], tmp_path: Path) -> None:
    db_path = tmp_path / "h.db"
    config = tmp_path / "c.toml"
    config.write_text("[history]\nflush_s = 1.0\n")
    proc = subprocess.Popen([sys.executable, "-m", "neckline", "analyze",
                             str(videos["glances"]), "--record", "--db", str(db_path),
                             "--config", str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    seen: list[tuple[float, float]] = []  # (wall time, session end as written)
    try:
        deadline = time.monotonic() + 90
        while len({end for _, end in seen}) < 4:
            assert time.monotonic() < deadline and proc.poll() is None
            if db_path.exists():
                try:
                    row = sqlite3.connect(db_path, timeout=1).execute(
                        "SELECT started, ended FROM sessions").fetchone()
                except sqlite3.OperationalError:
                    row = None
                if row is not None:
                    seen.append((time.monotonic(), row[1] - row[0]))
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    last_change = max(t for t, end in seen if end == seen[-1][1])
    with HistoryDB.open(db_path) as db:
        c = db.connection
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        started, ended = c.execute("SELECT started, ended FROM sessions").fetchone()
        present = c.execute("SELECT SUM(present_s) FROM minutes").fetchone()[0]
    assert ended - started >= seen[-1][1]  # nothing that was written is lost
    # Everything up to the last written moment is there, minute rows included.
    assert present == pytest.approx(ended - started, abs=0.5)
    # And the last batch was at most one flush interval old when the process died.
    assert time.monotonic() - last_change < 1.0 + 2.0


def test_export_and_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    db_path = tmp_path / "h.db"
    record(db_path, morning(), [Alert(70.0, "head_tilt", 60.0, 15.0)])
    assert main(["export", "--format", "json", "--db", str(db_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["time"] for m in data["minutes"]] == ["2026-03-02T09:00:00",
                                                    "2026-03-02T09:01:00",
                                                    "2026-03-02T09:02:00"]
    assert data["alerts"][0]["response"] == "snoozed"
    out = tmp_path / "h.csv"
    assert main(["export", "--format", "csv", "--db", str(db_path), "--output", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("record,time,day,hour,present_s")
    assert [line.split(",")[0] for line in lines[1:]] == ["minute"] * 3 + ["alert", "stretch"]
    # Numbers as neckline reports them, not 16 decimals.
    numbers = [cell for line in lines[1:] for cell in line.split(",")
               if cell.replace(".", "", 1).replace("-", "", 1).isdigit()]
    assert numbers and all(len(cell.partition(".")[2]) <= 2 for cell in numbers)
    # Not a terminal and no --yes: refused, nothing deleted.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["history", "delete", "--all", "--db", str(db_path)]) == 2
    assert "confirm deleting all recorded history with --yes" in capsys.readouterr().err
    assert main(["history", "delete", "--before", "2026-03-02", "--yes", "--db",
                 str(db_path)]) == 0
    assert "Nothing recorded before 2026-03-02" in capsys.readouterr().out
    assert main(["history", "delete", "--all", "--yes", "--db", str(db_path)]) == 0
    assert "3 minutes, 1 alert and 1 stretch" in capsys.readouterr().out
    with HistoryDB.open(db_path) as db:
        assert db.connection.execute("SELECT COUNT(*) FROM minutes").fetchone()[0] == 0
    assert b"camera 0" not in db_path.read_bytes()  # gone from the file, not just unlinked


def test_stats_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "h.db"
    record(db_path, morning())
    assert main(["stats", "--from", "2026-03-01", "--to", "2026-03-07", "--db",
                 str(db_path)]) == 0
    text = capsys.readouterr().out
    assert "Good posture: 2 min of 2 min at the desk (80%)" in text
    assert "Mon 2026-03-02" in text
    assert main(["stats", "--from", "2026-03-02", "--to", "2026-03-02", "--json", "--db",
                 str(db_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["good_share"] == 0.8 and data["stretches"] == 1
    assert main(["stats", "--from", "2026-13-01", "--db", str(db_path)]) == 2
    assert "takes a date as YYYY-MM-DD" in capsys.readouterr().err
    with pytest.raises(NecklineError):
        HistoryRecorder(tmp_path, camera="x", model="full")  # a folder is not a database


def test_a_lock_held_for_a_while_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    record(path, [])  # the database exists (and is neckline's)
    recorder = HistoryRecorder(path, camera="camera 0", model="full", started=NINE,
                               flush_s=0.2)
    samples = morning()
    for s, t in samples[:900]:
        recorder.add_sample(s, t)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the database for ~6 s
    for s, t in samples[900:]:
        recorder.add_sample(s, t)
    recorder.add_alert(Alert(70.0, "head_tilt", 60.0, 15.0), NINE + 70.0)
    deadline = time.monotonic() + 15
    while recorder.notice is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert recorder.notice is not None and "waiting" in recorder.notice
    assert recorder.error is None  # not stopped for good
    time.sleep(1.0)
    holder.execute("ROLLBACK")
    holder.close()
    recorder.close()
    assert recorder.error is None and recorder.notice is None
    connection = sqlite3.connect(path)
    present = connection.execute("SELECT SUM(present_s) FROM minutes").fetchone()[0]
    alerts = connection.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]
    assert present == pytest.approx(150.0, abs=0.5) and alerts == 1  # every second kept


def test_the_daily_goal_and_its_streak(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    # Three desk days: 100% good, 50% good, 100% good; a day off between the last two.
    days = [DayStats(date(2026, 3, 2), good_s=3600, strained_s=0, present_s=3600),
            DayStats(date(2026, 3, 3), good_s=1800, strained_s=1800, present_s=3600),
            DayStats(date(2026, 3, 4)),
            DayStats(date(2026, 3, 5), good_s=2000, strained_s=100, present_s=2100),
            DayStats(date(2026, 3, 6), good_s=60, strained_s=0, present_s=60)]  # not a desk day
    stats = Stats(date(2026, 3, 2), date(2026, 3, 6), days, [], [], 0)
    goal = stats.goal(80.0)
    assert (goal.met_days, goal.desk_days, goal.streak_days) == (2, 3, 1)
    assert goal.words() == "Daily goal (80% good): met on 2 of 3 desk days; 1 day in a row now."
    assert stats.goal(40.0).streak_days == 3
    # The CLI says the same, from the user's configured goal.
    path = tmp_path / "h.db"
    record(path, morning())
    assert main(["stats", "--db", str(path), "--from", "2026-03-02", "--to", "2026-03-02",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["goal"] == {"percent": 80.0, "met_days": 0, "desk_days": 0, "streak_days": 0}
