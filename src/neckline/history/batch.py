"""What the recorder holds that is not written yet, and its writing in one transaction.

The recorder's thread adds samples and events as they come (``Batch.add``) and writes them
every few seconds (``Batch.write``). A write that fails (a lock, a full disk) leaves the batch
as it was, to be written again; a session whose row was deleted meanwhile (``neckline history
delete --all`` while recording) raises ``SessionGone``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime
from typing import Any

from neckline.config.files import as_text
from neckline.history.aggregate import DeskLog, Minute, MinuteAggregator
from neckline.history.schema import refresh_rollups
from neckline.posture.calibration import Calibration


class SessionGone(Exception):
    """The session's row is no longer in the database: the user deleted the history."""


class Batch:
    def __init__(self, started: float) -> None:
        self.alert_ids: dict[tuple[str, float], int] = {}
        self.calibration: Calibration | None = None  # the one in use
        self._begin(started)

    def _begin(self, started: float) -> None:
        self.started = started  # when the session being written began (epoch seconds)
        self.last_epoch = started  # the newest sample's time
        self.written_until = started  # the session's end as last written
        self.aggregator = MinuteAggregator()
        self.desk = DeskLog()
        self.finished: list[Minute] = []
        self.events: list[tuple[str, Any]] = []  # alerts, responses, stretches, calibrations

    def add(self, kind: str, item: Any) -> None:
        if kind == "sample":
            sample, epoch = item
            self.finished += self.aggregator.add(sample, epoch)
            self.desk.add(sample, epoch)
            self.last_epoch = max(self.last_epoch, epoch)
        else:
            if kind == "calibration":
                self.calibration = item
            self.events.append((kind, item))

    def finish(self) -> None:
        """The session ends: the last sample counts, and the open minute is finished."""
        self.finished += self.aggregator.finish()

    @property
    def empty(self) -> bool:
        return not (self.finished or self.events or self.aggregator.current is not None
                    or self.desk.current is not None or self.desk.ended)

    @property
    def unwritten_s(self) -> float:
        return max(0.0, self.last_epoch - self.written_until)

    def drop(self) -> None:
        """Forgets what was held: the user deleted all history up to now, and this was part
        of it. What comes next goes into a new session; the calibration in use stays with it."""
        self.alert_ids.clear()
        self._begin(self.last_epoch)
        if self.calibration is not None:
            self.add("calibration", self.calibration)

    def write(self, connection: sqlite3.Connection, session_id: int | None,
              session: dict[str, str], *, start: bool = False) -> int | None:
        """Writes everything held in one transaction, into ``session_id`` (None: a new session
        row, made in the same transaction, unless there is nothing to write and the session
        does not ``start`` now); returns the session's id. The session's row is touched first:
        that takes the write lock, so the row cannot go between the check and the rows that
        refer to it."""
        with connection:
            if session_id is None:
                if self.empty and not start:
                    return None
                session_id = int(connection.execute(
                    "INSERT INTO sessions (started, ended, camera, model, kind) "
                    "VALUES (?,?,?,?,?)", (self.started, self.last_epoch, session["camera"],
                                           session["model"], session["kind"])).lastrowid or 0)
            elif connection.execute("UPDATE sessions SET ended = ? WHERE id = ?",
                                    (self.last_epoch, session_id)).rowcount == 0:
                raise SessionGone
            self._write_rows(connection, session_id)
        self.written_until = self.last_epoch
        self.finished, self.events, self.desk.ended = [], [], []
        return session_id

    def _write_rows(self, connection: sqlite3.Connection, session_id: int) -> None:
        rows = [m.row(session_id) for m in self.finished]
        if self.aggregator.current is not None:
            rows.append(self.aggregator.current.row(session_id))
        connection.executemany(
            "INSERT OR REPLACE INTO desk_stretches (session_id, start, day, seconds, "
            "reminders, ended_by, away_s) VALUES (?,?,?,?,?,?,?)", self.desk.rows(session_id))
        if rows:
            columns = list(rows[0])
            connection.executemany(
                f"INSERT OR REPLACE INTO minutes ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                [tuple(r[c] for c in columns) for r in rows])
        for kind, item in self.events:
            if kind == "alert":
                alert, epoch = item
                cursor = connection.execute(
                    "INSERT INTO alerts (session_id, t, day, problem, held_s, value) "
                    "VALUES (?,?,?,?,?,?)",
                    (session_id, epoch, f"{datetime.fromtimestamp(epoch):%Y-%m-%d}",
                     alert.problem, alert.held_s, alert.value))
                self.alert_ids[(alert.problem, alert.t)] = int(cursor.lastrowid or 0)
            elif kind == "response":
                alert, response = item
                row_id = self.alert_ids.get((alert.problem, alert.t))
                if row_id is not None:
                    connection.execute("UPDATE alerts SET response = ? WHERE id = ?",
                                       (response, row_id))
            elif kind == "lent":
                start, seconds, holder = item
                connection.execute(
                    "INSERT OR REPLACE INTO lent (session_id, start, day, seconds, holder) "
                    "VALUES (?,?,?,?,?)", (session_id, start,
                                           f"{datetime.fromtimestamp(start):%Y-%m-%d}",
                                           seconds, as_text(holder)))
            elif kind == "stretch":
                stretch, problem, epoch = item
                connection.execute(
                    "INSERT INTO stretches (t, day, stretch, problem) VALUES (?,?,?,?)",
                    (epoch, f"{datetime.fromtimestamp(epoch):%Y-%m-%d}", stretch, problem))
            elif kind == "calibration":
                calibration: Calibration = item
                cursor = connection.execute(
                    "INSERT INTO calibrations (created, camera, view, data) VALUES (?,?,?,?)",
                    (time.time(), as_text(calibration.camera), calibration.view,
                     json.dumps(calibration.to_json())))
                connection.execute("UPDATE sessions SET calibration_id = ? WHERE id = ?",
                                   (cursor.lastrowid, session_id))
        refresh_rollups(connection, {r["day"] for r in rows})
