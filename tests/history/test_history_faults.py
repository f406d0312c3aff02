"""Issue 26, the history's files: what the user owns is never lost, rewritten or bricked. An
export never lands on the database, another program's file is never taken for a new one, a
read-only database is read with what its -wal holds, damaged rows and absurd dates or names end
in one sentence."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from test_storage_faults import fill, read_only, small_disk

from neckline.commands.cli import main
from neckline.posture.alerts import Alert
from recorded import morning, record


def fingerprint(path: Path) -> dict[str, str | None]:
    """The database, its -wal and its -shm, byte for byte (None: not there)."""
    out: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        out[suffix] = hashlib.sha256(part.read_bytes()).hexdigest() if part.exists() else None
    return out


def one_sentence(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neckline: "), err
    assert "Traceback" not in err, err
    return lines[0]


COMMANDS = [["stats"], ["export", "--format", "csv"], ["history", "delete", "--all", "--yes"],
            ["analyze", "VIDEO", "--record"]]


@pytest.mark.parametrize("schema", [
    ["CREATE TABLE sessions(x)"],
    ["CREATE TABLE minutes(t REAL, value REAL)", "CREATE TABLE alerts(t REAL, text TEXT)"],
    ["PRAGMA journal_mode = WAL", "CREATE TABLE sessions(x)"],
    ["CREATE VIEW answer AS SELECT 42"],
], ids=["sessions", "minutes-alerts", "wal", "view"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_another_programs_empty_tables_are_left_byte_for_byte(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], videos: dict[str, Path],
        schema: list[str], command: list[str]) -> None:
    path = tmp_path / "theirs.db"
    connection = sqlite3.connect(path)
    for statement in schema:
        connection.execute(statement)
    connection.commit()
    connection.close()
    before = fingerprint(path)
    args = [str(videos["nobody"]) if word == "VIDEO" else word for word in command]
    sentence = one_sentence(capsys, [*args, "--db", str(path)])
    assert "another program" in sentence
    assert fingerprint(path) == before


def test_a_half_made_file_of_an_old_neckline_is_still_taken(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    connection = sqlite3.connect(path)
    connection.execute("""CREATE TABLE sessions (
        id INTEGER PRIMARY KEY, started REAL NOT NULL, ended REAL, camera TEXT NOT NULL,
        model TEXT NOT NULL, calibration_id INTEGER REFERENCES calibrations(id))""")
    connection.commit()
    connection.close()
    record(path, morning())
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT COUNT(*) FROM minutes").fetchone()[0] == 3
    connection.close()


@pytest.mark.parametrize("name", ["db", "link", "wal", "shm", "other-spelling"])
def test_an_export_onto_the_database_itself_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = tmp_path / "history.db"
    record(path, morning())
    output = {"db": path, "link": tmp_path / "link.csv", "wal": Path(f"{path}-wal"),
              "shm": Path(f"{path}-shm"), "other-spelling": tmp_path / "." / "history.db"}[name]
    if name == "link":
        output.symlink_to(path)
    before = fingerprint(path)
    # In a process of its own: writing over the -shm that SQLite maps into memory killed the
    # process with SIGBUS.
    run = subprocess.run([sys.executable, "-m", "neckline", "export", "--format", "csv",
                          "--db", str(path), "--output", str(output)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("neckline: ") and "history database" in run.stderr \
        and "choose another" in run.stderr, run.stderr
    assert fingerprint(path) == before
    assert main(["stats", "--from", "2026-03-02", "--to", "2026-03-02", "--db", str(path)]) == 0
    assert "Good posture: 2 min of 2 min" in capsys.readouterr().out  # nothing lost


@pytest.mark.parametrize("output", ["fifo", "/dev/full", "/dev/null", "folder"])
def test_an_export_to_a_pipe_device_or_folder_is_one_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str) -> None:
    path = tmp_path / "history.db"
    record(path, morning())
    rescue = None
    if output == "fifo":
        output = str(tmp_path / "fifo")
        os.mkfifo(output)
        # Were the pipe opened, this reader would end the wait after 10 s (and the test fail).
        def drain() -> None:
            with open(output, "rb") as pipe:
                pipe.read()

        rescue = threading.Timer(10, drain)
        rescue.start()
    elif output == "folder":
        output = str(tmp_path)
    started = time.monotonic()
    sentence = one_sentence(capsys, ["export", "--format", "csv", "--db", str(path),
                                     "--output", output])
    assert time.monotonic() - started < 10  # a pipe nobody reads is never opened
    if rescue is not None:
        rescue.cancel()
    assert "not a file" in sentence, sentence
    assert {p.name for p in tmp_path.iterdir()} <= {"history.db", "fifo"}  # nothing left


def test_an_export_that_fails_part_way_leaves_the_old_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "history.db"
    record(path, morning())
    with small_disk(tmp_path / "disk", 256) as disk:
        output = disk / "week.csv"
        output.write_text("what was there\n")
        fill(disk)
        sentence = one_sentence(capsys, ["export", "--format", "csv", "--db", str(path),
                                         "--output", str(output)])
        assert "No space left" in sentence, sentence
        assert output.read_text() == "what was there\n"
        assert {p.name for p in disk.iterdir() if not p.name.startswith("filler")} == \
            {"week.csv"}  # no temporary file left behind


def test_the_statistics_windows_export_is_refused_onto_the_database(
        qtbot: QtBot, tmp_path: Path) -> None:
    from neckline.app.stats_reader import StatsReader

    path = tmp_path / "history.db"
    record(path, morning())
    before = fingerprint(path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    reader = StatsReader(path)
    try:
        said = []
        for output in (path, Path(f"{path}-wal"), fifo):
            with qtbot.waitSignal(reader.exported, timeout=15000) as signal:
                reader.export(date(2026, 3, 2), date(2026, 3, 2), output)
            said.append(signal.args[0])
    finally:
        reader.close()
    assert all(s.startswith("Not exported:") for s in said), said
    assert "history database itself" in said[0] and "history database itself" in said[1]
    assert "a pipe, not a file" in said[2]
    assert fingerprint(path) == before


def two_mornings(path: Path) -> None:
    """Monday's and Tuesday's recorded mornings, each with an alert and a stretch."""
    for day in (0, 1):
        record(path, [(s, t + 86400 * day) for s, t in morning()],
               [Alert(70.0 + 86400 * day, "head_tilt", 60.0, 15.0)])


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("damage", [
    "UPDATE days SET present_s = 'lots' WHERE day = '2026-03-03'",
    "UPDATE days SET good_s = 1e308 WHERE day = '2026-03-03'",
    "UPDATE days SET sum_head_tilt = 1e999 WHERE day = '2026-03-03'",
    "UPDATE days SET day = '2026-03-03x' WHERE day = '2026-03-03'",
    "UPDATE hours SET hour = 99 WHERE day = '2026-03-03'",
    "UPDATE hours SET strained_s = 'much' WHERE day = '2026-03-03'",
    "UPDATE alerts SET response = 'shrugged' WHERE day = '2026-03-03'",
    "UPDATE alerts SET day = '2026-03-03x' WHERE day = '2026-03-03'",
    "UPDATE stretches SET day = '2026-03-03x' WHERE id = 2",
])
def test_stats_skips_a_damaged_row_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    path = tmp_path / "history.db"
    two_mornings(path)
    with sqlite3.connect(path) as connection:
        connection.execute(damage)
    connection.close()
    for extra in ([], ["--json"]):
        code = main(["stats", "--from", "2026-03-01", "--to", "2026-03-07", "--db", str(path),
                     *extra])
        out, err = capsys.readouterr()
        assert code == 0 and err == "neckline: 1 damaged row of the history was skipped.\n", err
        if extra:
            assert strict_json(out)
        else:
            assert "Mon 2026-03-02" in out  # the day that is whole is shown


def test_export_skips_damaged_rows_and_says_how_many(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "history.db"
    two_mornings(path)
    with sqlite3.connect(path) as connection:
        first, last = connection.execute("SELECT MIN(minute), MAX(minute) FROM minutes "
                                         "WHERE day = '2026-03-02'").fetchone()
        connection.execute("UPDATE minutes SET day = 'garbage' WHERE minute = ?", (first,))
        connection.execute("UPDATE minutes SET minute = 1e308 WHERE minute = ?", (last,))
        connection.execute("UPDATE minutes SET present_s = 'lots' WHERE day = '2026-03-03' "
                           "AND hour = 9 AND minute % 120 = 0")
        connection.execute("UPDATE alerts SET t = 'soon' WHERE day = '2026-03-02'")
        connection.execute("UPDATE stretches SET t = 'later' WHERE id = 1")
        connection.execute("UPDATE alerts SET value = 1e999 WHERE day = '2026-03-03'")
    connection.close()
    assert main(["export", "--format", "json", "--db", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == "neckline: 5 damaged rows of the history were skipped.\n", err
    data = strict_json(out)
    assert isinstance(data, dict)
    assert len(data["minutes"]) == 1 + 3 and data["alerts"] == [] \
        and len(data["stretches"]) == 1
    assert "lots" in [m["present_s"] for m in data["minutes"]]  # written as it is
    output = tmp_path / "all.csv"
    assert main(["export", "--format", "csv", "--db", str(path), "--output", str(output)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("neckline: ") is False and "5 records" in err \
        and "5 damaged rows skipped" in err, err
    assert main(["export", "--format", "csv", "--from", "2026-03-03", "--db", str(path)]) == 0
    assert capsys.readouterr().err == \
        "neckline: 1 damaged row of the history was skipped.\n"  # only the range's


@pytest.mark.parametrize(("args", "words"), [
    (["stats", "--from", "0001-01-01"], "at most 100 years"),
    (["stats", "--to", "0001-01-01"], "before the year 1"),
    (["stats", "--to", "0001-01-07", "--json"], None),
    (["stats", "--from", "0001-01-01", "--to", "0001-01-02"], None),
    (["stats", "--from", "9999-12-25"], "after it ends"),
    (["export", "--format", "csv", "--from", "0001-01-01"], None),
    (["export", "--format", "json", "--to", "0001-01-01"], "after it ends"),
    (["export", "--format", "json", "--from", "0001-01-01", "--to", "0001-01-01"], None),
])
def test_dates_at_the_year_1(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             args: list[str], words: str | None) -> None:
    path = tmp_path / "history.db"
    record(path, morning())
    if words is None:
        assert main([*args, "--db", str(path)]) == 0
        out, err = capsys.readouterr()
        assert err == "" or err.startswith("Wrote"), err
        if "--json" in args or "json" in args:
            assert strict_json(out)
    else:
        assert words in one_sentence(capsys, [*args, "--db", str(path)])


LONG = "a" * 300  # over the 255 bytes a file name may have


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_database_name_too_long_is_one_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], videos: dict[str, Path],
        command: list[str]) -> None:
    args = [str(videos["nobody"]) if word == "VIDEO" else word for word in command]
    started = time.monotonic()
    sentence = one_sentence(capsys, [*args, "--db", str(tmp_path / f"{LONG}.db")])
    assert "File name too long" in sentence and len(sentence) < 300, sentence
    assert time.monotonic() - started < 15  # no waiting for a thread that died


def as_nobody(args: list[str], home: Path) -> tuple[int, str]:
    """Runs the command line in a child process with the rights of the user nobody: root, as
    the tests run, may enter any folder. (A child of this process, its modules loaded: nobody
    may not read the interpreter's own folders.)"""
    main(["stats", "--db", str(home / "warm-up.db")])  # every module the child needs, loaded
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        with os.fdopen(write, "w") as said:
            try:
                os.close(read)
                sys.stdout = sys.stderr = said
                os.environ.update(XDG_CONFIG_HOME=str(home), XDG_DATA_HOME=str(home))
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                code = main(args)
            except BaseException:
                said.write(traceback.format_exc())
        os._exit(code)
    os.close(write)
    with os.fdopen(read) as heard:
        err = heard.read()
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), err


@pytest.mark.parametrize("command", COMMANDS[:3], ids=lambda c: c[0])
def test_a_database_in_a_folder_the_user_may_not_enter(
        command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() != 0:
        pytest.skip("becoming the user nobody needs root (the CI machine runs the tests as root)")
    home = Path(tempfile.mkdtemp(prefix="neckline-nobody-"))
    try:
        home.chmod(0o777)
        closed = home / "closed"
        closed.mkdir(mode=0o000)
        code, err = as_nobody([*command, "--db", str(closed / "history.db")], home)
        capsys.readouterr()
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert err.startswith("neckline: The history database") and "Permission denied" in err
        assert os.listdir(closed) == []  # nothing made there (root looks)
    finally:
        shutil.rmtree(home)


KILLED_RECORDER = """
import os, sqlite3, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from recorded import morning, record
path = Path(sys.argv[1])
keeper = sqlite3.connect(path)  # the file kept open: the recorder's close checkpoints nothing
keeper.execute("PRAGMA wal_autocheckpoint = 0")
keeper.execute("SELECT COUNT(*) FROM sessions").fetchone()
record(path, [(s, t + 86400) for s, t in morning()])  # Tuesday
os._exit(0)  # as if killed: the -wal is never checkpointed into the file
"""


def test_a_read_only_database_is_read_with_its_wal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "history.db"
    record(path, morning())  # Monday, in the file itself
    subprocess.run([sys.executable, "-c", KILLED_RECORDER, str(path),
                    str(Path(__file__).parents[1])], check=True, timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 0
    before = fingerprint(path)
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with read_only(folder):
        assert main(["stats", "--from", "2026-03-02", "--to", "2026-03-03", "--db",
                     str(path)]) == 0
        out, err = capsys.readouterr()
        assert "Mon 2026-03-02" in out and "Tue 2026-03-03" in out and err == "", (out, err)
        assert main(["export", "--format", "json", "--db", str(path)]) == 0
        assert len(json.loads(capsys.readouterr().out)["minutes"]) == 6
    assert fingerprint(path) == before
    assert list(temp.iterdir()) == []  # the private copy is gone


def test_stats_and_export_read_a_database_on_a_full_disk(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with small_disk(tmp_path / "disk", 512) as disk:
        path = disk / "history.db"
        record(path, morning())
        fill(disk)
        assert main(["stats", "--from", "2026-03-02", "--to", "2026-03-02", "--db",
                     str(path)]) == 0
        assert "Good posture: 2 min of 2 min" in capsys.readouterr().out
        assert main(["export", "--format", "csv", "--db", str(path)]) == 0
        assert capsys.readouterr().out.count("\nminute,") == 3
