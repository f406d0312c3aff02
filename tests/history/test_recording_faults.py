"""Issue 26, recording: a session is never lost to a disk that fills for a while, a lock held
past the end of an analysis or a delete of the history while it records; when it cannot be
written, the user is told what was not kept and the command does not end as if all went well.
Real processes throughout: `neckline analyze --record`, a lock holder, a recorder."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from test_storage_faults import fill, small_disk

from neckline.commands.cli import main
from neckline.history import recorder
from neckline.history.db import default_db_path

FLUSH_1_S = "[history]\nflush_s = 1.0\n"
LOCK_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN EXCLUSIVE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


class Analysis:
    """`neckline analyze VIDEO --record` in a process of its own; its stderr read as it
    comes."""

    def __init__(self, video: Path, db: Path, folder: Path) -> None:
        config = folder / "flush.toml"
        config.write_text(FLUSH_1_S)
        self.out = folder / "analysis.txt"  # what it printed: the results
        with self.out.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "neckline", "analyze", str(video), "--record", "--db",
                 str(db), "--config", str(config)],
                stdout=out, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        assert self.process.stderr is not None
        self._reader = threading.Thread(target=self._read, args=(self.process.stderr,))
        self._reader.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, words: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if any(words in line for line in self.lines):
                return True
            time.sleep(0.1)
        return any(words in line for line in self.lines)

    def end(self, timeout: float = 60) -> int:
        try:
            code = self.process.wait(timeout)
        finally:
            self.process.kill()
            self._reader.join(10)
            self.process.communicate()  # its pipe closed
        return code


def wait_for_session(db: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = sqlite3.connect(db, timeout=0.1)
            try:
                if connection.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]:
                    return
            finally:
                connection.close()
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    raise AssertionError("the recording never started")


def hold_lock(db: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(db), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def release(holder: subprocess.Popen[str]) -> None:
    holder.kill()
    holder.communicate()


def kept(db: Path) -> tuple[float, float]:
    """The last session's length as written, and its seconds in view."""
    connection = sqlite3.connect(db)
    try:
        session, length = connection.execute(
            "SELECT id, ended - started FROM sessions ORDER BY id DESC").fetchone()
        present = connection.execute("SELECT TOTAL(present_s) FROM minutes "
                                     "WHERE session_id = ?", (session,)).fetchone()[0]
    finally:
        connection.close()
    return length, present


def test_a_full_disk_at_the_start_of_a_recording_waits_for_room(
        tmp_path: Path, videos: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    with small_disk(tmp_path / "disk", 1024) as disk:
        db = disk / "history.db"
        assert main(["stats", "--db", str(db)]) == 0  # the database is there, and neckline's
        capsys.readouterr()
        fillers = fill(disk)
        analysis = Analysis(videos["upright"], db, tmp_path)
        time.sleep(10)
        for filler in fillers:
            filler.unlink()
        code = analysis.end()
        assert code == 0, analysis.lines
        length, present = kept(db)
    assert length == pytest.approx(39.1, abs=0.2) and present == pytest.approx(40.0, abs=0.2)


def test_a_disk_full_past_the_end_of_an_analysis_loses_nothing(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    with small_disk(tmp_path / "disk", 1024) as disk:
        db = disk / "history.db"
        analysis = Analysis(videos["upright"], db, tmp_path)
        wait_for_session(db)
        fillers = fill(disk)  # the analysis takes ~4 s; the disk is full for 25
        time.sleep(25)
        for filler in fillers:
            filler.unlink()
        code = analysis.end()
        assert code == 0 and analysis.lines == [
            "neckline: waiting for the history database: the disk is full; Ctrl-C gives "
            "up."], analysis.lines
        length, present = kept(db)
    assert length == pytest.approx(39.1, abs=0.2) and present == pytest.approx(40.0, abs=0.2)


def test_the_last_batch_waits_out_a_lock_held_longer_than_20_s(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    db = tmp_path / "history.db"
    analysis = Analysis(videos["upright"], db, tmp_path)
    wait_for_session(db)
    holder = hold_lock(db, 35)  # past the end of the analysis (~4 s) + 20 s + a busy wait
    try:
        code = analysis.end()
    finally:
        release(holder)
    assert code == 0 and analysis.lines == [
        "neckline: waiting for the history database: another program holds it; Ctrl-C gives "
        "up."], analysis.lines
    length, present = kept(db)
    assert length == pytest.approx(39.1, abs=0.2) and present == pytest.approx(40.0, abs=0.2)


def test_ctrl_c_gives_up_waiting_and_says_what_was_not_kept(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    db = tmp_path / "history.db"
    analysis = Analysis(videos["upright"], db, tmp_path)
    wait_for_session(db)
    holder = hold_lock(db, 120)
    try:
        assert analysis.wait_for_line("waiting for the history database", 25), analysis.lines
        analysis.process.send_signal(signal.SIGINT)
        code = analysis.end()
    finally:
        release(holder)
    assert code == 2, analysis.lines
    assert len(analysis.lines) == 2 and analysis.lines[1].startswith(
        "neckline: Gave up waiting for the history database"), analysis.lines
    assert "another program holds it" in analysis.lines[1] \
        and "of this session was kept" in analysis.lines[1], analysis.lines


RECORDER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from neckline.history.recorder import HistoryRecorder
from recorded import NINE, morning
samples = morning()
recorder = HistoryRecorder(Path(sys.argv[1]), camera="camera 0", model="full", started=NINE,
                           flush_s=0.3)
for s, t in samples[:600]:  # 9:00:00 to 9:01:00
    recorder.add_sample(s, t)
recorder.flush_soon()
while recorder.writes < 2:
    time.sleep(0.05)
print("recorded", flush=True)
sys.stdin.readline()  # while the history is deleted
time.sleep(1.0)
for s, t in samples[600:]:  # 9:01:00 to 9:03:00: away 30 s, then 90 s in view
    recorder.add_sample(s, t)
recorder.close()
print(recorder.error, flush=True)
"""


def test_deleting_all_history_while_recording_goes_on_in_a_new_session(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "history.db"
    writer = subprocess.Popen([sys.executable, "-c", RECORDER, str(db),
                               str(Path(__file__).parents[1])],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdin is not None and writer.stdout is not None
    try:
        assert writer.stdout.readline().strip() == "recorded"
        assert main(["history", "delete", "--all", "--yes", "--db", str(db)]) == 0
        assert "1 minute" in capsys.readouterr().out
        writer.stdin.write("go on\n")
        writer.stdin.flush()
        said = writer.stdout.readline().strip()
    finally:
        writer.kill()
        writer.communicate()
    assert said == "None"  # recording went on
    connection = sqlite3.connect(db)
    try:
        sessions = connection.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        first = connection.execute("SELECT MIN(minute) FROM minutes").fetchone()[0]
    finally:
        connection.close()
    # What was deleted stays deleted; everything recorded after the delete is kept.
    assert sessions == 1 and first >= morning_minute(1)
    assert kept(db)[1] == pytest.approx(90.0, abs=0.5)


def morning_minute(n: int) -> float:
    from recorded import NINE

    return NINE + 60.0 * n


def test_a_lock_on_the_default_database_is_said_without_none(
        videos: dict[str, Path], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorder, "START_WAIT_S", 1.0)  # the real wait is 20 s
    assert main(["stats"]) == 0  # the default database is made
    capsys.readouterr()
    holder = hold_lock(default_db_path(), 60)
    try:
        said = {}
        for command in (["stats"], ["export", "--format", "csv"],
                        ["history", "delete", "--all", "--yes"],
                        ["analyze", str(videos["nobody"]), "--record"]):
            code = main(command)
            said[command[0]] = (code, capsys.readouterr().err)
    finally:
        release(holder)
    assert all("None" not in err and "Traceback" not in err for _, err in said.values()), said
    assert said["stats"][0] == said["export"][0] == 0  # readers are not held up by a writer
    for command in ("history", "analyze"):
        code, err = said[command]
        assert code == 2 and err.count("\n") == 1 and str(default_db_path()) in err, err


def test_deleting_the_days_before_today_keeps_a_session_just_begun(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from recorded import NINE, morning, record

    db = tmp_path / "history.db"
    record(db, [(s, t - 86400) for s, t in morning()])  # Sunday
    writer = recorder.HistoryRecorder(db, camera="camera 0", model="full", started=NINE,
                                      flush_s=60)  # Monday: the session's row, nothing yet
    for s, t in morning():
        writer.add_sample(s, t)
    assert main(["history", "delete", "--before", "2026-03-02", "--yes", "--db", str(db)]) == 0
    assert "3 minutes" in capsys.readouterr().out  # Sunday's
    writer.close()
    assert writer.error is None
    assert kept(db)[1] == pytest.approx(150.0, abs=0.5)  # Monday's, all of it


def test_a_recording_that_cannot_be_written_does_not_end_as_if_all_went_well(
        tmp_path: Path, videos: dict[str, Path]) -> None:
    db = tmp_path / "history.db"
    analysis = Analysis(videos["upright"], db, tmp_path)
    wait_for_session(db)
    other = sqlite3.connect(db, timeout=30)  # another program breaks the database
    with other:
        other.execute("DROP TABLE minutes")
    other.close()
    code = analysis.end()
    assert code == 2 and len(analysis.lines) == 1, analysis.lines
    assert analysis.lines[0].startswith("neckline: Recording stopped") \
        and "no such table" in analysis.lines[0] \
        and ("none of this session was kept" in analysis.lines[0]
             or "only its first" in analysis.lines[0]), analysis.lines
    assert "Duration:" in analysis.out.read_text()  # the results are printed all the same
