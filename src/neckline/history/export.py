"""Export of per-minute rows, alerts, stretches done and stretches at the desk as CSV (one
table, a ``record`` column) or JSON (four lists). A file is written in one step, never onto the
database itself."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from neckline.config import PROBLEMS
from neckline.config.files import same_file, short, write_atomically
from neckline.history.db import HistoryError
from neckline.history.schema import METRICS

MINUTE_COLUMNS = (["minute", "day", "hour", "present_s", "good_s", "strained_s"]
                  + [f"strained_{p}_s" for p in PROBLEMS]
                  + [f"{kind}_{m}" for m in METRICS for kind in ("mean", "p90")])
ALERT_COLUMNS = ["t", "day", "problem", "held_s", "value", "response"]
STRETCH_COLUMNS = ["t", "day", "stretch", "problem"]
DESK_COLUMNS = ["start", "day", "seconds", "reminders", "ended_by", "away_s"]


def _rows(connection: sqlite3.Connection, table: str, columns: list[str], time_column: str,
          start: date, end: date) -> list[dict[str, Any]]:
    cursor = connection.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE day BETWEEN ? AND ? "
        f"ORDER BY {time_column}", (start.isoformat(), end.isoformat()))
    rows = []
    for values in cursor:
        # Seconds and degrees to 2 decimals, as the rest of neckline reports them (the
        # database keeps full precision).
        row = {c: round(v, 2) if isinstance(v, float) else v
               for c, v in zip(columns, values, strict=True)}
        row["time"] = datetime.fromtimestamp(row.pop(time_column)).isoformat(timespec="seconds")
        rows.append(row)
    return rows


def export(connection: sqlite3.Connection, out: TextIO, fmt: str, start: date,
           end: date) -> int:
    """Writes the range to ``out``; returns the number of records."""
    minutes = _rows(connection, "minutes", MINUTE_COLUMNS, "minute", start, end)
    alerts = _rows(connection, "alerts", ALERT_COLUMNS, "t", start, end)
    stretches = _rows(connection, "stretches", STRETCH_COLUMNS, "t", start, end)
    at_desk = _rows(connection, "desk_stretches", DESK_COLUMNS, "start", start, end)
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
    return len(minutes) + len(alerts) + len(stretches) + len(at_desk)


def export_file(connection: sqlite3.Connection, database: Path, path: Path, fmt: str,
                start: date, end: date) -> int:
    """Writes the range to the file ``path`` in one step (``write_atomically``), so a failure
    part-way leaves what was there; returns the number of records. Raises OSError (its
    ``strerror`` in words) for a place that is not a file, and HistoryError for the database's
    own files: writing there emptied the history, or killed the reading process (the -shm is
    mapped into its memory)."""
    if is_database_file(path, database):
        raise HistoryError(f"{short(str(path))} is a file of the history database itself; "
                           "exporting there would destroy the history; choose another file.")
    written: list[int] = []
    write_atomically(path, lambda out: written.append(export(connection, out, fmt, start, end)),
                     newline="")
    return written[0]


def is_database_file(path: Path, database: Path) -> bool:
    """Whether ``path`` reaches the database or its -wal, -shm or -journal, through links or
    another spelling, or names one of them that is not there at the moment."""
    parts = [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    where = os.path.realpath(path)
    return any(same_file(path, part) or where == os.path.realpath(part) for part in parts)
