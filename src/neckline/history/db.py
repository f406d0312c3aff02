"""The posture history database: SQLite (standard library), WAL, a versioned schema.

Never an image: only per-minute aggregates, alerts, stretches, sessions and calibrations.

Opening it handles the three ways it can be unusable, each in one sentence:
- damaged: neckline's own file (in its data folder) is moved aside
  (``history.db.damaged-<time>``, never deleted) and a new one is started; ``HistoryDB.notice``
  says so and where the old one went. A file the user named (``--db``) is refused and left as
  it is: it may be anything of theirs;
- another program's database (its application id, or a version or tables neckline never
  wrote): refused before anything is written, the file left byte for byte as it was;
- locked by another process for longer than the timeout: HistoryError;
- written by a newer neckline (schema version above ours): HistoryError; the file is not touched.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from neckline.config import PROBLEMS, user_data_dir
from neckline.errors import NecklineError

METRICS = ("head_tilt", "neck_side_bend", "head_down", "forward_head", "shoulders_uneven",
           "too_close", "cva")

SCHEMA_V1 = [
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY, started REAL NOT NULL, ended REAL, camera TEXT NOT NULL,
        model TEXT NOT NULL, calibration_id INTEGER REFERENCES calibrations(id))""",
    """CREATE TABLE calibrations (
        id INTEGER PRIMARY KEY, created REAL NOT NULL, camera TEXT NOT NULL, view TEXT NOT NULL,
        data TEXT NOT NULL)""",
    """CREATE TABLE minutes (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        minute REAL NOT NULL, day TEXT NOT NULL, hour INTEGER NOT NULL,
        present_s REAL NOT NULL, good_s REAL NOT NULL, strained_s REAL NOT NULL, """
    + "".join(f"strained_{p}_s REAL NOT NULL DEFAULT 0, " for p in PROBLEMS)
    + "".join(f"mean_{m} REAL, p90_{m} REAL, " for m in METRICS)
    + "PRIMARY KEY (session_id, minute))",
    "CREATE INDEX minutes_day ON minutes(day)",
    """CREATE TABLE alerts (
        id INTEGER PRIMARY KEY, session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
        t REAL NOT NULL, day TEXT NOT NULL, problem TEXT NOT NULL, held_s REAL NOT NULL,
        value REAL NOT NULL, response TEXT NOT NULL DEFAULT 'no_response')""",
]

# Version 2: stretches done (from the stretch guide and alert cards), and the session's source
# kind, so history built by `neckline analyze --record` can be told from live monitoring.
MIGRATIONS: dict[int, list[str]] = {
    2: [
        """CREATE TABLE stretches (
            id INTEGER PRIMARY KEY, t REAL NOT NULL, day TEXT NOT NULL, stretch TEXT NOT NULL,
            problem TEXT)""",
        "CREATE INDEX stretches_day ON stretches(day)",
        "CREATE INDEX alerts_day ON alerts(day)",
        "ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'app'",
    ],
}
# Version 3: per-day and per-hour rollups kept up to date by the recorder, so a year of
# statistics reads 365 + 8,760 rows instead of every minute. Built from the minutes on upgrade.
_DAY_SUMS = ("present_s", "good_s", "strained_s", *(f"strained_{p}_s" for p in PROBLEMS))
MIGRATIONS[3] = [
    "CREATE TABLE days (day TEXT PRIMARY KEY, "
    + "".join(f"{c} REAL NOT NULL, " for c in _DAY_SUMS)
    + "".join(f"sum_{m} REAL NOT NULL, weight_{m} REAL NOT NULL, " for m in METRICS)
    + "streak_max INTEGER NOT NULL, first_run_start REAL, first_run_len INTEGER NOT NULL, "
    "last_run_end REAL, last_run_len INTEGER NOT NULL)",
    "CREATE TABLE hours (day TEXT NOT NULL, hour INTEGER NOT NULL, strained_s REAL NOT NULL, "
    "PRIMARY KEY (day, hour))",
    "INSERT INTO hours SELECT day, hour, SUM(strained_s) FROM minutes GROUP BY day, hour",
]
# Version 4: stretches at the desk (posture.breaks): when each began, how long it lasted, the
# break reminders it brought, and what ended it (a break, a pause; NULL while it runs or when the
# session ended), so statistics can count breaks and the longest stretch per day.
MIGRATIONS[4] = [
    """CREATE TABLE desk_stretches (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        start REAL NOT NULL, day TEXT NOT NULL, seconds REAL NOT NULL,
        reminders INTEGER NOT NULL DEFAULT 0, ended_by TEXT, away_s REAL,
        PRIMARY KEY (session_id, start))""",
    "CREATE INDEX desk_stretches_day ON desk_stretches(day)",
]
SCHEMA_VERSION = max(MIGRATIONS)
# Written into the file's header (PRAGMA application_id): "NECK". Files from before it are
# recognised by their version and tables.
APPLICATION_ID = 0x4E45434B
TABLES_AT = {1: {"sessions", "calibrations", "minutes", "alerts"}}
TABLES_AT[2] = TABLES_AT[1] | {"stretches"}
TABLES_AT[3] = TABLES_AT[2] | {"days", "hours"}
TABLES_AT[4] = TABLES_AT[3] | {"desk_stretches"}
GOOD_MINUTE = "present_s >= 30 AND strained_s = 0"  # a minute that counts for a good streak


def refresh_rollups(connection: sqlite3.Connection, days: set[str]) -> None:
    """Recomputes the ``days`` and ``hours`` rows of ``days`` from their minutes."""
    sums = ", ".join(f"SUM({c})" for c in _DAY_SUMS)
    weighted = ", ".join(f"COALESCE(SUM(mean_{m} * present_s), 0), "
                         f"COALESCE(SUM(CASE WHEN mean_{m} IS NOT NULL THEN present_s END), 0)"
                         for m in METRICS)
    for day in days:
        connection.execute("DELETE FROM days WHERE day = ?", (day,))
        connection.execute("DELETE FROM hours WHERE day = ?", (day,))
        row = connection.execute(f"SELECT COUNT(*), {sums}, {weighted} FROM minutes "
                                 "WHERE day = ?", (day,)).fetchone()
        if not row[0]:
            continue
        good = [m for (m,) in connection.execute(
            f"SELECT minute FROM minutes WHERE day = ? AND {GOOD_MINUTE} ORDER BY minute",
            (day,))]
        runs = _runs(good)
        first = runs[0] if runs else (None, 0)
        last = runs[-1] if runs else (None, 0)
        streak = max((n for _, n in runs), default=0)
        connection.execute(
            f"INSERT INTO days VALUES ({', '.join('?' * (len(row) + 5))})",
            (day, *row[1:], streak, first[0], first[1],
             None if last[0] is None else last[0] + 60.0 * (last[1] - 1), last[1]))
        connection.execute("INSERT INTO hours SELECT day, hour, SUM(strained_s) FROM minutes "
                           "WHERE day = ? GROUP BY day, hour", (day,))


def _runs(minutes: list[float]) -> list[tuple[float, int]]:
    """Runs of consecutive minutes: (first minute, length)."""
    runs: list[tuple[float, int]] = []
    for minute in minutes:
        if runs and abs(minute - (runs[-1][0] + 60.0 * runs[-1][1])) < 1.0:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((minute, 1))
    return runs


class HistoryError(NecklineError):
    """The history database cannot be used now (locked, or from a newer neckline)."""


def default_db_path() -> Path:
    return user_data_dir() / "history.db"


def local_day(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%Y-%m-%d")


class HistoryDB:
    """One connection. Open with ``HistoryDB.open(path)``; ``notice`` holds a sentence for the
    user when a damaged file had to be moved aside."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notice: str | None) -> None:
        self.connection = connection
        self.path = path
        self.notice = notice

    @classmethod
    def open(cls, path: Path | None = None, *, timeout: float = 5.0, wait: float | None = None,
             write: bool = True, now: Callable[[], datetime] = datetime.now) -> HistoryDB:
        """``timeout``: how long each statement waits for another writer; ``wait`` (default the
        same): how long opening keeps trying while the file is locked (SQLite does not always
        wait by itself, e.g. to switch a new file to WAL while another process reads it).
        ``write=False`` (statistics, export) also reads a file on a read-only disk or folder."""
        own = path is None or path == default_db_path()
        path = path or default_db_path()
        why = _read_only(path)
        if why is not None:
            if write:
                raise HistoryError(f"The history database {path} is read-only ({why}); "
                                   "neckline can show its statistics but cannot record into "
                                   "it or delete from it.")
            return cls(_connect_read_only(path), path, None)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:  # a file where a folder should be, no permission, a read-only disk
            raise HistoryError(f"The folder for the history database, {path.parent}, cannot be "
                               f"made ({e.strerror}).") from None
        notice = None
        wait = timeout if wait is None else wait
        try:
            connection = _connect_waiting(path, timeout, wait)
        except sqlite3.DatabaseError as e:
            if is_locked(e):
                raise HistoryError(f"The history database {path} is in use by another "
                                   "program; try again when it has finished.") from None
            if not _is_damaged(e):
                raise HistoryError(f"The history database {path} cannot be opened "
                                   f"({e}).") from None
            if not own:  # a file the user named may be anything of theirs: never moved
                raise HistoryError(f"{path} is not a neckline history database (damaged, or "
                                   "another kind of file); it was left as it is; give another "
                                   "path.") from None
            moved = _move_aside(path, now())
            notice = (f"The history database was damaged; it was moved to {moved.name} and a "
                      "new one started.")
            connection = _connect_waiting(path, timeout, wait)
        return cls(connection, path, notice)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> HistoryDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_only(path: Path) -> str | None:
    """Why an existing database cannot be written (None when it can, or does not exist yet)."""
    if not path.is_file():
        return None
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK):  # SQLite needs its -wal and -shm files beside it
        return f"its folder {path.parent} is read-only"
    return None


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Reads a database nobody can write (``immutable``: SQLite then needs no -shm file)."""
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1",
                                     uri=True, check_same_thread=False)
    except sqlite3.DatabaseError as e:
        raise HistoryError(f"The history database {path} cannot be opened ({e}).") from None
    try:
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise HistoryError(f"{path} is not a neckline history database (damaged); it "
                               "was left as it is.")
        _check_owner(connection, path)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise HistoryError(f"The history database {path} is read-only and was written "
                               "by an older neckline; copy it somewhere writable to read it.")
    except sqlite3.DatabaseError as e:
        connection.close()
        raise HistoryError(f"{path} is not a neckline history database ({e}); it was left "
                           "as it is.") from None
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_waiting(path: Path, timeout: float, wait: float) -> sqlite3.Connection:
    deadline = time.monotonic() + wait
    while True:
        try:
            return _connect(path, timeout)
        except sqlite3.DatabaseError as e:
            if not is_locked(e) or time.monotonic() > deadline:
                raise
        time.sleep(0.05)


def _connect(path: Path, timeout: float) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
    try:
        # Read-only checks first: a file that is not ours is left exactly as it was.
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
        _check_owner(connection, path)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        _migrate(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


def _check_owner(connection: sqlite3.Connection, path: Path) -> None:
    """Refuses, before anything is written, a database that is not neckline's: another
    program's application id, or (for files from before the id) a version or a set of tables
    neckline never wrote."""
    # One statement, one snapshot: read one by one, the id and version of a brand-new file
    # could come from before another neckline made its schema and the tables from after, which
    # looked like another program's database (three necklines starting at once, 1 in ~20).
    app_id, version, names = connection.execute(
        "SELECT (SELECT application_id FROM pragma_application_id), "
        "(SELECT user_version FROM pragma_user_version), "
        "(SELECT group_concat(name, char(31)) FROM sqlite_master WHERE type = 'table')"
    ).fetchone()
    tables = set(names.split("\x1f")) if names else set()
    foreign = HistoryError(f"{path} is a database of another program, not neckline's "
                           "history; it was left as it is; choose another file.")
    if app_id not in (0, APPLICATION_ID):
        raise foreign
    if version > SCHEMA_VERSION:
        raise HistoryError(f"The history database {path} was written by a newer neckline "
                           f"(schema {version}, this one knows {SCHEMA_VERSION}); update "
                           "neckline to read it.")
    if version == 0 and app_id == 0 and tables <= TABLES_AT[1] and all(
            connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] == 0
            for name in tables):
        return  # new, or half-made by an older neckline that stopped part-way: made anew
    if version < 1 or not TABLES_AT[version] <= tables:
        raise foreign
    for table, wanted in _columns_at(version).items():  # same names, other columns: not ours
        have = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        if not wanted <= have:
            raise foreign


@functools.cache
def _columns_at(version: int) -> dict[str, frozenset[str]]:
    """The columns of each table neckline writes at schema ``version``, as built by the schema
    itself (in memory)."""
    memory = sqlite3.connect(":memory:")
    try:
        for statement in SCHEMA_V1:
            memory.execute(statement)
        for target in range(2, version + 1):
            for statement in MIGRATIONS[target]:
                if not statement.startswith("INSERT"):
                    memory.execute(statement)
        return {table: frozenset(row[1] for row in memory.execute(
                    f'PRAGMA table_info("{table}")')) for table in TABLES_AT[version]}
    finally:
        memory.close()


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Brings the file to the current schema in one write transaction (``BEGIN IMMEDIATE``):
    SQLite runs DDL outside Python's implicit transactions, so without it a full disk or a kill
    part-way left a half-made file. Another neckline starting at the same moment waits for the
    lock, then finds the work done."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION and \
            connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        _check_owner(connection, path)  # as it is now that the file is ours to write
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            for table in _leftover_tables(connection):
                connection.execute(f"DROP TABLE {table}")
            for statement in SCHEMA_V1:
                connection.execute(statement)
            version = 1
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                connection.execute(statement)
            if target == 3:
                refresh_rollups(connection, {d for (d,) in connection.execute(
                    "SELECT DISTINCT day FROM minutes")})
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.commit()
    except BaseException:
        connection.rollback()  # a failed migration leaves the file as it was
        raise


def _leftover_tables(connection: sqlite3.Connection) -> list[str]:
    """The (empty, first-schema: see ``_check_owner``) tables of a version-0 file, left by a
    neckline from before the schema was made in one transaction that stopped part-way."""
    return [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]


def create_v1(path: Path) -> None:
    """A database in the first schema (for testing the migrations)."""
    connection = sqlite3.connect(path)
    with connection:
        for statement in SCHEMA_V1:
            connection.execute(statement)
        connection.execute("PRAGMA user_version = 1")
    connection.close()


def is_locked(error: sqlite3.DatabaseError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _is_damaged(error: sqlite3.DatabaseError) -> bool:
    """Only a file SQLite itself calls damaged is moved aside; a path that cannot be opened
    (a folder, no permission) is reported and left alone."""
    text = str(error)
    return any(words in text for words in ("not a database", "malformed", "quick_check"))


def _move_aside(path: Path, when: datetime) -> Path:
    target = path.with_name(f"{path.name}.damaged-{when:%Y%m%d-%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(path) + suffix)
        if part.exists():
            part.replace(Path(str(target) + suffix))
    return target
