"""Issue 26, the history's files: what the user owns is never lost, rewritten or bricked. An
export never lands on the database, another program's file is never taken for a new one, a
read-only database is read with what its -wal holds, damaged rows and absurd dates or names end
in one sentence."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from neckline.commands.cli import main
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
