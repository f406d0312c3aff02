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

import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from neckline.config import user_data_dir
from neckline.config.files import file_kind, short
from neckline.errors import NecklineError
from neckline.history.schema import (
    APPLICATION_ID,
    METRICS,
    MIGRATIONS,
    SCHEMA_V1,
    SCHEMA_VERSION,
    TABLES_AT,
    columns_at,
    create_v1,
    first_tables,
    refresh_rollups,
)

# What the rest of neckline (and its benchmarks and tests) take from here.
__all__ = ["APPLICATION_ID", "METRICS", "SCHEMA_V1", "SCHEMA_VERSION", "HistoryDB", "HistoryError",
           "create_v1", "default_db_path", "is_full", "is_locked", "local_day", "refresh_rollups"]


class HistoryError(NecklineError):
    """The history database cannot be used now (locked, or from a newer neckline)."""


def default_db_path() -> Path:
    return user_data_dir() / "history.db"


def local_day(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%Y-%m-%d")


class HistoryDB:
    """One connection. Open with ``HistoryDB.open(path)``; ``notice`` holds a sentence for the
    user when a damaged file had to be moved aside. ``private``: the temporary folder of a
    copy read instead of the file (see ``_read``), removed by ``close``."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notice: str | None,
                 private: Path | None = None) -> None:
        self.connection = connection
        self.path = path
        self.notice = notice
        self.private = private

    @classmethod
    def open(cls, path: Path | None = None, *, timeout: float = 5.0, wait: float | None = None,
             write: bool = True, now: Callable[[], datetime] = datetime.now) -> HistoryDB:
        """``timeout``: how long each statement waits for another writer; ``wait`` (default the
        same): how long opening keeps trying while the file is locked (SQLite does not always
        wait by itself, e.g. to switch a new file to WAL while another process reads it).
        ``write=False`` (statistics, export) also reads a file on a read-only or full disk.
        While the disk is full, opening to write waits as for a lock."""
        own = path is None or path == default_db_path()
        path = path or default_db_path()
        kind = file_kind(path)  # a name too long, a folder that may not be entered, a pipe
        if kind not in ("file", "missing"):
            words = kind if kind.startswith("cannot") else \
                f"cannot be opened: it {'is a folder, not a file' if kind == 'folder' else kind}"
            raise HistoryError(f"The history database {short(str(path))} {words}.")
        why = _read_only(path, kind)
        if why is not None:
            if write:
                raise HistoryError(f"The history database {path} is read-only ({why}); "
                                   "neckline can show its statistics but cannot record into "
                                   "it or delete from it.")
            return cls._read(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:  # a file where a folder should be, no permission, a read-only disk
            raise HistoryError(f"The folder for the history database, {path.parent}, cannot be "
                               f"made ({e.strerror}).") from None
        notice = None
        wait = timeout if wait is None else wait
        try:
            connection = _connect_waiting(path, timeout, wait, full_waits=write)
        except sqlite3.DatabaseError as e:
            if is_locked(e):
                raise HistoryError(f"The history database {path} is in use by another "
                                   "program; try again when it has finished.") from None
            if is_full(e, path):
                if not write:  # reading needs no room: what SQLite would add (-shm) is not made
                    return cls._read(path)
                raise HistoryError(f"The history database {path} cannot be written: its disk "
                                   "is full; free some space and try again.") from None
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
            try:
                connection = _connect_waiting(path, timeout, wait, full_waits=write)
            except sqlite3.DatabaseError as again:
                raise HistoryError(f"{notice[:-1]}, but the new one cannot be made "
                                   f"({again}).") from None
        return cls(connection, path, notice)

    @classmethod
    def _read(cls, path: Path) -> HistoryDB:
        """Reads a database that cannot be written here (a read-only or full disk) without
        writing a byte beside it. SQLite reads such a file ``immutable``, which ignores its
        -wal: what a recorder wrote last (killed, or the disk turned read-only under it) was
        not shown. With a -wal, a private copy of both is read instead."""
        wal = Path(f"{path}-wal")
        try:
            has_wal = wal.stat().st_size > 0
        except OSError:
            has_wal = False
        if not has_wal:
            return cls(_connect_read_only(path), path, None)
        try:
            connection, folder = _private_copy(path)
        except OSError as e:
            return cls(_connect_read_only(path), path,
                       f"The newest records of {path} (in {wal.name}) cannot be read here "
                       f"({e.strerror or e}); they are left out.")
        except sqlite3.DatabaseError as e:
            raise HistoryError(f"{path} is not a neckline history database ({e}); it was "
                               "left as it is.") from None
        return cls(connection, path, None, private=folder)

    def close(self) -> None:
        self.connection.close()
        if self.private is not None:
            shutil.rmtree(self.private, ignore_errors=True)

    def __enter__(self) -> HistoryDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_only(path: Path, kind: str) -> str | None:
    """Why an existing database cannot be written (None when it can, or does not exist yet)."""
    if kind != "file":
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


def _private_copy(path: Path) -> tuple[sqlite3.Connection, Path]:
    """The database and its -wal copied into a temporary folder of their own and opened there
    (SQLite rebuilds the -shm from the -wal); the folder is the caller's to remove."""
    folder = Path(tempfile.mkdtemp(prefix="neckline-history-"))
    try:
        copy = folder / "history.db"
        shutil.copyfile(path, copy)
        shutil.copyfile(f"{path}-wal", f"{copy}-wal")
        return _connect(copy, 5.0, name=path), folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _connect_waiting(path: Path, timeout: float, wait: float, *,
                     full_waits: bool) -> sqlite3.Connection:
    deadline = time.monotonic() + wait
    while True:
        try:
            return _connect(path, timeout)
        except sqlite3.DatabaseError as e:
            locked = is_locked(e)
            if not (locked or (full_waits and is_full(e, path))) or \
                    time.monotonic() > deadline:
                raise
        time.sleep(0.05 if locked else 0.5)


def _connect(path: Path, timeout: float, name: Path | None = None) -> sqlite3.Connection:
    """``name``: the file as the user knows it, for the sentences (a private copy's own)."""
    connection = sqlite3.connect(path, timeout=timeout, check_same_thread=False)
    try:
        # Read-only checks first: a file that is not ours is left exactly as it was.
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _QuickCheckFailed("quick_check failed")
        _check_owner(connection, name or path)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        _migrate(connection, name or path)
    except BaseException:
        connection.close()
        raise
    return connection


def _check_owner(connection: sqlite3.Connection, path: Path) -> None:
    """Refuses, before anything is written, a database that is not neckline's: another
    program's application id, or (for files from before the id) a version or a set of tables
    neckline never wrote."""
    # One read transaction, one snapshot: read statement by statement, the id and version of a
    # brand-new file could come from before another neckline made its schema and the tables
    # from after, which looked like another program's database (three necklines starting at
    # once, 1 in ~20).
    if connection.in_transaction:  # (in _migrate's write transaction)
        _check_tables(connection, path)
        return
    connection.execute("BEGIN")
    try:
        _check_tables(connection, path)
    finally:
        if connection.in_transaction:  # (SQLite ends it itself on some errors)
            connection.execute("ROLLBACK")  # only read


def _check_tables(connection: sqlite3.Connection, path: Path) -> None:
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
    if version == 0 and app_id == 0 and _new_or_half_made(connection):
        return  # made anew
    if version < 1 or not TABLES_AT[version] <= tables:
        raise foreign
    for table, wanted in columns_at(version).items():  # same names, other columns: not ours
        have = {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
        if not wanted <= have:
            raise foreign


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


def _new_or_half_made(connection: sqlite3.Connection) -> bool:
    """Whether a version-0 file is new, or half-made by a neckline from before the schema was
    made in one transaction that stopped part-way: nothing in it but empty tables of the first
    schema, each with exactly that schema's columns, and their indexes. Anything else (an empty
    ``sessions(x)`` of another program, a view) is someone's, and never rewritten."""
    wanted = first_tables()
    for kind, name in connection.execute("SELECT type, name FROM sqlite_master"):
        if kind == "index" and (name == "minutes_day" or name.startswith("sqlite_autoindex_")):
            continue
        if kind != "table" or name not in wanted:
            return False
        have = frozenset((row[1], row[2])
                         for row in connection.execute(f'PRAGMA table_info("{name}")'))
        if have != wanted[name] or \
                connection.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}")').fetchone()[0]:
            return False
    return True


def _leftover_tables(connection: sqlite3.Connection) -> list[str]:
    """The tables of a version-0 file that ``_new_or_half_made`` let through."""
    return [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]


def is_locked(error: sqlite3.Error) -> bool:
    """Another connection holds the database (SQLite's BUSY and LOCKED, and their kinds)."""
    return _code(error).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


class _QuickCheckFailed(sqlite3.DatabaseError):
    """SQLite's own check found the file damaged."""


def _is_damaged(error: sqlite3.Error) -> bool:
    """Only a file SQLite itself calls damaged is moved aside; a path that cannot be opened
    (a folder, no permission) is reported and left alone."""
    code = _code(error)
    return isinstance(error, _QuickCheckFailed) or code == "SQLITE_NOTADB" or \
        code.startswith("SQLITE_CORRUPT")


def is_full(error: sqlite3.Error, path: Path) -> bool:
    """The disk is full: SQLite says so, or could not write (grow the -shm, say) on a disk with
    next to no room left; a condition that passes, as a lock does."""
    code = _code(error)
    if code == "SQLITE_FULL":
        return True
    try:
        disk = os.statvfs(path.parent)
    except OSError:
        return False
    return code.startswith("SQLITE_IOERR") and disk.f_bavail * disk.f_frsize < 256 * 1024


def _code(error: sqlite3.Error) -> str:
    """SQLite's name for the error ("SQLITE_BUSY_SNAPSHOT"); "" for one raised in Python."""
    return getattr(error, "sqlite_errorname", None) or ""


def _move_aside(path: Path, when: datetime) -> Path:
    target = path.with_name(f"{path.name}.damaged-{when:%Y%m%d-%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(str(path) + suffix)
        if part.exists():
            part.replace(Path(str(target) + suffix))
    return target
