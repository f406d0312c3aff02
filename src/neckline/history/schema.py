"""The history's schema: each version's statements as written (never rebuilt from today's code),
the tables and columns each version has, and the per-day and per-hour rollups the recorder keeps.
Pure SQL knowledge: opening, checking and migrating a file is ``neckline.history.db``'s."""

from __future__ import annotations

import functools
import sqlite3
from pathlib import Path

from neckline.config import PROBLEMS

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
# Version 5: time the camera was lent to another program (a video call: capture.lending),
# kept apart from time at the desk and time away.
MIGRATIONS[5] = [
    """CREATE TABLE lent (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        start REAL NOT NULL, day TEXT NOT NULL, seconds REAL NOT NULL, holder TEXT NOT NULL,
        PRIMARY KEY (session_id, start))""",
    "CREATE INDEX lent_day ON lent(day)",
]
SCHEMA_VERSION = max(MIGRATIONS)
# Written into the file's header (PRAGMA application_id): "NECK". Files from before it are
# recognised by their version and tables.
APPLICATION_ID = 0x4E45434B
TABLES_AT = {1: {"sessions", "calibrations", "minutes", "alerts"}}
TABLES_AT[2] = TABLES_AT[1] | {"stretches"}
TABLES_AT[3] = TABLES_AT[2] | {"days", "hours"}
TABLES_AT[4] = TABLES_AT[3] | {"desk_stretches"}
TABLES_AT[5] = TABLES_AT[4] | {"lent"}
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


@functools.cache
def columns_at(version: int) -> dict[str, frozenset[str]]:
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


def create_v1(path: Path) -> None:
    """A database in the first schema (for testing the migrations)."""
    connection = sqlite3.connect(path)
    with connection:
        for statement in SCHEMA_V1:
            connection.execute(statement)
        connection.execute("PRAGMA user_version = 1")
    connection.close()


@functools.cache
def first_tables() -> dict[str, frozenset[tuple[str, str]]]:
    """Each table of the first schema with its columns' names and declared types: all that a
    file half-made by an old neckline can hold (see ``neckline.history.db``)."""
    memory = sqlite3.connect(":memory:")
    try:
        for statement in SCHEMA_V1:
            memory.execute(statement)
        return {table: frozenset((row[1], row[2]) for row in memory.execute(
                    f'PRAGMA table_info("{table}")')) for table in TABLES_AT[1]}
    finally:
        memory.close()
