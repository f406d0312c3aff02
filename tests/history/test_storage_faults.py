"""The history database under faults of the disk and of other processes: a full disk (a real
tmpfs mounted small), several necklines creating the same new file at once, a half-made file
left by an older neckline, a lock held by another program. Nothing recorded is lost once the
fault clears, and nothing is left that neckline would later refuse."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from conftest import Make
from neckline.commands.cli import main
from neckline.errors import NecklineError
from neckline.history.db import APPLICATION_ID, SCHEMA_V1, SCHEMA_VERSION, HistoryDB
from neckline.history.recorder import HistoryRecorder
from recorded import NINE, morning, record


@contextmanager
def small_disk(folder: Path, kib: int) -> Iterator[Path]:
    """A real file system of ``kib`` KiB (tmpfs) mounted at ``folder``."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root (the CI machine runs the tests as root)")
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kib}k", "tmpfs", str(folder)],
                   check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path) -> list[Path]:
    """Fills the disk with 4 KiB files (so pages can be handed back one at a time)."""
    files: list[Path] = []
    while True:
        path = disk / f"filler-{len(files)}"
        try:
            with open(path, "wb") as f:
                f.write(b"x" * 4096)
        except OSError as e:
            assert e.errno == errno.ENOSPC
            path.unlink(missing_ok=True)
            return files
        files.append(path)


def test_a_full_disk_at_the_first_write_leaves_nothing_half_made(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 256) as disk:
        fillers = fill(disk)
        for spare in fillers[:3]:  # room for the file's first pages, not for the whole schema
            spare.unlink()
        path = disk / "history.db"
        with pytest.raises(NecklineError, match="full"):
            HistoryDB.open(path)
        for filler in fillers[3:]:
            filler.unlink()
        if path.exists():  # whatever is there is an empty file, not a half-made schema
            connection = sqlite3.connect(path)
            assert connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
            connection.close()
        with HistoryDB.open(path) as db:  # the disk has room again: the file is neckline's
            version = db.connection.execute("PRAGMA user_version").fetchone()[0]
            assert version == SCHEMA_VERSION


def test_recording_rides_out_a_full_disk_and_loses_nothing(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", 1024) as disk:
        path = disk / "history.db"
        recorder = HistoryRecorder(path, camera="camera 0", model="full", started=NINE,
                                   flush_s=0.2)
        samples = morning()
        for s, t in samples[:300]:
            recorder.add_sample(s, t)
        recorder.flush_soon()
        time.sleep(1.0)
        fillers = fill(disk)
        for s, t in samples[300:]:
            recorder.add_sample(s, t)
        deadline = time.monotonic() + 15
        while recorder.notice is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert recorder.notice is not None and "waiting" in recorder.notice, recorder.error
        assert recorder.error is None  # not stopped for good
        for filler in fillers:
            filler.unlink()
        recorder.close()
        assert recorder.error is None and recorder.notice is None
        connection = sqlite3.connect(path)
        present = connection.execute("SELECT SUM(present_s) FROM minutes").fetchone()[0]
        connection.close()
        assert present == pytest.approx(150.0, abs=0.5)  # every second kept


WRITER = """
import sys, time
from pathlib import Path
from neckline.history.recorder import HistoryRecorder
start = float(sys.argv[2])
while time.time() < start:
    pass
recorder = HistoryRecorder(Path(sys.argv[1]), camera="camera 0", model="full", kind="test")
recorder.close()
print(recorder.error)
"""


def test_three_necklines_creating_the_same_new_database_at_once(tmp_path: Path) -> None:
    for round_ in range(3):
        path = tmp_path / f"history-{round_}.db"
        start = time.time() + 2.0  # all three past their imports, then off together
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(start)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(3)]
        # Every writer is waited for (and its pipes closed) before any is judged.
        results = [(w, *w.communicate(timeout=60)) for w in writers]
        for writer, out, err in results:
            assert writer.returncode == 0 and out.strip() == "None", err
        connection = sqlite3.connect(path)
        assert connection.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 3
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        connection.close()


def test_a_half_made_file_from_an_older_neckline_is_made_anew(tmp_path: Path) -> None:
    # Before the schema was made in one transaction, a kill or a full disk part-way left some
    # of the first tables, empty, at version 0.
    path = tmp_path / "history.db"
    connection = sqlite3.connect(path)
    for statement in SCHEMA_V1[:2]:
        connection.execute(statement)
    connection.commit()
    connection.close()
    record(path, morning())
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT SUM(present_s) FROM minutes").fetchone()[0] == \
        pytest.approx(150.0, abs=0.5)
    connection.close()


def test_a_version_0_file_with_data_is_still_refused(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "theirs.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE sessions (name TEXT)")
    connection.execute("INSERT INTO sessions VALUES ('theirs')")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    assert main(["stats", "--db", str(path)]) == 2
    assert "another program" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_history_delete_on_a_locked_database_is_one_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "history.db"
    record(path, morning())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        code = main(["history", "delete", "--all", "--yes", "--db", str(path)])
        err = capsys.readouterr().err
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Nothing deleted" in err \
        and "in use" in err, err
    assert time.monotonic() - started < 30
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT COUNT(*) FROM minutes").fetchone()[0] > 0  # nothing lost
    connection.close()


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` made read-only for real: a read-only bind mount (root ignores permissions)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("command", [["analyze", "VIDEO", "--record"], ["stats"],
                                     ["history", "delete", "--all", "--yes"]])
def test_a_read_only_database_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      videos: dict[str, Path], command: list[str]) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "history.db"
    record(path, morning())
    before = path.read_bytes()
    with read_only(folder):
        code = main([str(videos["nobody"]) if word == "VIDEO" else word for word in command]
                    + ["--db", str(path)])
    err = capsys.readouterr().err
    if command == ["stats"]:
        assert code == 0, err  # reading needs no writing
    else:
        assert code == 2 and "read-only" in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err
    assert path.read_bytes() == before


def test_recording_into_a_read_only_data_folder_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], videos: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    with read_only(data):
        code = main(["analyze", str(videos["nobody"]), "--record"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert "read-only" in err or "cannot be made" in err, err


def test_the_demo_with_a_read_only_cache_folder(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with read_only(cache):
        assert main(["demo", "--json"]) == 0  # made in a temporary folder instead
        assert json.loads(capsys.readouterr().out)["alerts"]
        with read_only(temp):  # and when that cannot be written either: one sentence
            assert main(["demo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("neckline: The demo video cannot be made") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_neckline_table_names_with_other_columns_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "odd.db"
    connection = sqlite3.connect(path)
    for table in ("sessions", "calibrations", "minutes", "alerts", "stretches", "days", "hours"):
        connection.execute(f"CREATE TABLE {table} (x TEXT)")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    for command in (["stats"], ["history", "delete", "--all", "--yes"]):
        assert main([*command, "--db", str(path)]) == 2
        assert "another program" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_state_folder_that_cannot_be_written_is_said_once_and_the_app_goes_on(
        qtbot: QtBot, make: Make, videos: dict[str, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    with read_only(data):
        c = make(videos["nobody"], onboarded=False)
        c.pause("15min")  # saves the pause: refused by the disk
        assert "cannot save what it remembers" in c.window.notice_label.text()
        assert c.session.paused  # goes on, in memory
