"""Export of per-minute rows, alerts, stretches done and stretches at the desk as CSV (one
table, a ``record`` column) or JSON (four lists). A file is written in one step, never onto the
database itself."""

from __future__ import annotations

import csv
import json
import math
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from neckline.config import PROBLEMS
from neckline.config.files import same_file, short, write_atomically
from neckline.history.db import HistoryError
from neckline.history.schema import METRICS
from neckline.history.stats import parse_day

MINUTE_COLUMNS = (["minute", "day", "hour", "present_s", "good_s", "strained_s"]
                  + [f"strained_{p}_s" for p in PROBLEMS]
                  + [f"{kind}_{m}" for m in METRICS for kind in ("mean", "p90")])
ALERT_COLUMNS = ["t", "day", "problem", "held_s", "value", "response"]
STRETCH_COLUMNS = ["t", "day", "stretch", "problem"]
DESK_COLUMNS = ["start", "day", "seconds", "reminders", "ended_by", "away_s"]


TABLES = {"minutes": (MINUTE_COLUMNS, "minute"), "alerts": (ALERT_COLUMNS, "t"),
          "stretches": (STRETCH_COLUMNS, "t"), "desk_stretches": (DESK_COLUMNS, "start")}
_DAY_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


class Exported(NamedTuple):
    records: int
    skipped: int  # damaged rows left out


def _rows(connection: sqlite3.Connection, table: str, start: date, end: date,
          everything: bool) -> tuple[list[dict[str, Any]], int]:
    """The table's rows of the range, and how many damaged ones were left out: a day that is
    not a date, a time that is none (text, NULL, 1e308), an infinite number or bytes. Other
    values are written as they are. ``everything``: every row, those whose day is no date
    counted as left out."""
    columns, time_column = TABLES[table]
    where = "" if everything else "WHERE day BETWEEN ? AND ? "
    cursor = connection.execute(
        f"SELECT {', '.join(columns)} FROM {table} {where}ORDER BY {time_column}",
        () if everything else (start.isoformat(), end.isoformat()))
    rows, skipped = [], 0
    for values in cursor:
        # Seconds and degrees to 2 decimals, as the rest of neckline reports them (the
        # database keeps full precision).
        row = {c: round(v, 2) if isinstance(v, float) else v
               for c, v in zip(columns, values, strict=True)}
        day = parse_day(row["day"])
        try:
            when = datetime.fromtimestamp(row.pop(time_column))
        except (TypeError, ValueError, OverflowError, OSError):
            when = None
        if when is None or day is None or not start <= day <= end or any(
                isinstance(v, bytes) or (isinstance(v, float) and not math.isfinite(v))
                for v in values):
            skipped += 1
            continue
        row["time"] = when.isoformat(timespec="seconds")
        rows.append(row)
    return rows, skipped


def recorded_days(connection: sqlite3.Connection) -> tuple[date, date] | None:
    """The first and the last day anything was recorded (rows whose day is no date aside)."""
    found: list[date] = []
    for table in TABLES:
        for order in ("ASC", "DESC"):
            for (text,) in connection.execute(
                    f"SELECT DISTINCT day FROM {table} WHERE day GLOB '{_DAY_GLOB}' "
                    f"ORDER BY day {order}"):
                day = parse_day(text)
                if day is not None:
                    found.append(day)
                    break
    return (min(found), max(found)) if found else None


def export(connection: sqlite3.Connection, out: TextIO, fmt: str, start: date, end: date, *,
           everything: bool = False) -> Exported:
    """Writes the range to ``out`` (``everything``: every row; the range then spans them)."""
    found = {table: _rows(connection, table, start, end, everything) for table in TABLES}
    minutes, alerts, stretches, at_desk = (found[table][0] for table in TABLES)
    if fmt == "json":
        json.dump({"from": start.isoformat(), "to": end.isoformat(), "minutes": minutes,
                   "alerts": alerts, "stretches": stretches, "desk_stretches": at_desk},
                  out, indent=1)
        out.write("\n")
    else:
        fields = ["record", "time", *[c for c in MINUTE_COLUMNS if c != "minute"],
                  "problem", "held_s", "value", "response", "stretch", "seconds", "reminders",
                  "ended_by", "away_s"]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for record, rows in (("minute", minutes), ("alert", alerts), ("stretch", stretches),
                             ("desk_stretch", at_desk)):
            for row in rows:
                writer.writerow({"record": record, **row})
    return Exported(sum(len(rows) for rows, _ in found.values()),
                    sum(skipped for _, skipped in found.values()))


def skipped_words(skipped: int) -> str:
    """The sentence for damaged rows left out of statistics or an export."""
    return (f"{skipped} damaged row{'s' * (skipped != 1)} of the history "
            f"{'was' if skipped == 1 else 'were'} skipped.")


def export_file(connection: sqlite3.Connection, database: Path, path: Path, fmt: str,
                start: date, end: date, *, everything: bool = False) -> Exported:
    """Writes the range to the file ``path`` in one step (``write_atomically``), so a failure
    part-way leaves what was there. Raises OSError (its ``strerror`` in words) for a place that
    is not a file, and HistoryError for the database's own files: writing there emptied the
    history, or killed the reading process (the -shm is mapped into its memory)."""
    if is_database_file(path, database):
        raise HistoryError(f"{short(str(path))} is a file of the history database itself; "
                           "exporting there would destroy the history; choose another file.")
    written: list[Exported] = []
    write_atomically(path, lambda out: written.append(
        export(connection, out, fmt, start, end, everything=everything)), newline="")
    return written[0]


def is_database_file(path: Path, database: Path) -> bool:
    """Whether ``path`` reaches the database or its -wal, -shm or -journal, through links or
    another spelling, or names one of them that is not there at the moment."""
    parts = [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    where = os.path.realpath(path)
    return any(same_file(path, part) or where == os.path.realpath(part) for part in parts)
