"""Recording a session: per-minute aggregates of the engine's samples (``aggregate``), alerts,
responses, stretches and stretches at the desk, written in batches by one background thread.

The thread owns the database connection. Every ``flush_s`` seconds (wall clock) it writes the
finished minutes, the current minute so far (an upsert), new alerts and the session's end, in
one transaction; a ``kill -9`` therefore loses at most the last batch.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from neckline.errors import NecklineError
from neckline.history.aggregate import DeskLog, Minute, MinuteAggregator
from neckline.history.db import HistoryDB, is_locked
from neckline.history.schema import refresh_rollups
from neckline.history.stats import DayStats, compute_stats
from neckline.posture.alerts import Alert, Response
from neckline.posture.calibration import Calibration
from neckline.posture.engine import Sample

START_WAIT_S = 20.0  # how long a new session waits for a database another program holds
CLOSE_WAIT_S = 20.0  # how long the last batch waits for one at the end


def _passing(error: sqlite3.OperationalError) -> bool:
    """A lock or a full disk: conditions that pass, worth waiting for."""
    return is_locked(error) or "full" in str(error)


class HistoryRecorder:
    """Call from any thread; the writing happens in the recorder's own thread.

    ``on_change`` is called, in the writer thread, whenever ``notice``, ``error`` or ``writes``
    changed: the app turns it into a signal instead of asking. With ``wait=False`` the database
    is opened in the background and a failure to start arrives the same way (as ``error``)
    instead of being raised, so a locked database never holds up the caller.
    """

    def __init__(self, path: Path | None, *, camera: str, model: str, kind: str = "app",
                 flush_s: float = 5.0, started: float | None = None,
                 on_change: Callable[[], None] | None = None, wait: bool = True) -> None:
        self.path = path
        self.flush_s = flush_s
        self.notice: str | None = None  # a damaged database moved aside, for the user
        self.error: str | None = None  # recording stopped: the reason, for the user
        self.writes = 0  # batches written so far: a reader that saw fewer can look again
        self.earlier_today: DayStats | None = None  # today's totals before this session
        self.started = started if started is not None else time.time()
        self._on_change = on_change
        self._session = {"camera": camera, "model": model, "kind": kind}
        self._queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="neckline-history", daemon=True)
        self._thread.start()
        if not wait:
            return
        if not self._ready.wait(START_WAIT_S + 10.0):
            self.error = "Recording did not start: the history database did not answer."
        if self.error is not None:
            raise NecklineError(self.error)

    # -- from the app or the analysis loop --------------------------------------------------

    def add_sample(self, sample: Sample, epoch: float) -> None:
        self._queue.put(("sample", (sample, epoch)))

    def add_alert(self, alert: Alert, epoch: float) -> None:
        self._queue.put(("alert", (alert, epoch)))

    def set_response(self, alert: Alert, response: Response) -> None:
        self._queue.put(("response", (alert, response)))

    def add_stretch(self, stretch: str, problem: str | None, epoch: float) -> None:
        self._queue.put(("stretch", (stretch, problem, epoch)))

    def set_calibration(self, calibration: Calibration) -> None:
        self._queue.put(("calibration", calibration))

    def flush_soon(self) -> None:
        """Write what is pending now rather than at the next batch (a window is about to read
        the history); returns at once."""
        self._queue.put(("flush", None))

    def close(self) -> None:
        """Writes everything still pending and ends the session."""
        if self._thread.is_alive():
            self._queue.put(("close", None))
            self._thread.join(30)

    # -- the writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            db = HistoryDB.open(self.path, wait=START_WAIT_S)
        except NecklineError as e:
            self.error = str(e)
            self._ready.set()
            self._changed()
            return
        self.notice = db.notice
        connection = db.connection
        deadline = time.monotonic() + START_WAIT_S
        while True:  # another program may hold the database for a while: wait, then say so
            try:
                with connection:
                    cursor = connection.execute(
                        "INSERT INTO sessions (started, ended, camera, model, kind) "
                        "VALUES (?,?,?,?,?)",
                        (self.started, self.started, self._session["camera"],
                         self._session["model"], self._session["kind"]))
                break
            except sqlite3.OperationalError as e:
                if not _passing(e) or time.monotonic() > deadline:
                    self.error = (f"Recording did not start: the history database {self.path} "
                                  f"could not be written ({e}).")
                    db.close()
                    self._ready.set()
                    self._changed()
                    return
        session_id = int(cursor.lastrowid or 0)
        try:  # what earlier sessions recorded today, for the app's "Today" line
            day = datetime.fromtimestamp(self.started).date()
            self.earlier_today = compute_stats(connection, day, day).days[0]
        except sqlite3.Error:
            pass
        self._ready.set()
        self._changed()
        aggregator = MinuteAggregator()
        desk = DeskLog()
        finished: list[Minute] = []
        alert_ids: dict[tuple[str, float], int] = {}
        pending: list[tuple[str, Any]] = []
        last_epoch = self.started
        next_flush = time.monotonic() + self.flush_s
        close_deadline: float | None = None  # set once the session is asked to end
        waiting = False  # a batch is waiting out a lock or a full disk
        try:
            while True:
                try:
                    kind, item = self._queue.get(timeout=max(0.0, next_flush - time.monotonic()))
                    if kind == "sample":
                        sample, epoch = item
                        finished += aggregator.add(sample, epoch)
                        desk.add(sample, epoch)
                        last_epoch = max(last_epoch, epoch)
                    elif kind == "close":
                        close_deadline = time.monotonic() + CLOSE_WAIT_S
                        finished += aggregator.finish()
                    elif kind == "flush":
                        next_flush = time.monotonic()
                    else:
                        pending.append((kind, item))
                except queue.Empty:
                    pass
                closing = close_deadline is not None
                if closing or time.monotonic() >= next_flush:
                    rows = [m.row(session_id) for m in finished]
                    if aggregator.current is not None:
                        rows.append(aggregator.current.row(session_id))
                    try:
                        self._write(connection, session_id, rows, pending, alert_ids,
                                    last_epoch, desk.rows(session_id))
                    except sqlite3.OperationalError as e:
                        # A lock held by another program, or a full disk: keep everything and
                        # try again shortly; nothing is lost once it clears.
                        if not _passing(e) or (close_deadline is not None
                                               and time.monotonic() > close_deadline):
                            raise
                        if not waiting:
                            self.notice = (f"History is waiting to be written ({e}); nothing "
                                           "is lost while neckline keeps running.")
                            self._changed()
                        waiting = True
                        next_flush = time.monotonic() + min(self.flush_s, 1.0)
                        continue
                    if waiting:
                        waiting, self.notice = False, None
                    self.writes += 1
                    self._changed()
                    finished, pending, desk.ended = [], [], []
                    next_flush = time.monotonic() + self.flush_s
                    if closing:
                        break
        except Exception as e:  # a full disk or a vanished file: stop recording, say why
            self.error = f"Recording stopped: the history database could not be written ({e})."
            self._changed()
        finally:
            db.close()

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    @staticmethod
    def _write(connection: Any, session_id: int, rows: list[dict[str, Any]],
               pending: list[tuple[str, Any]], alert_ids: dict[tuple[str, float], int],
               last_epoch: float, desk_rows: list[tuple[object, ...]]) -> None:
        with connection:
            connection.executemany(
                "INSERT OR REPLACE INTO desk_stretches (session_id, start, day, seconds, "
                "reminders, ended_by, away_s) VALUES (?,?,?,?,?,?,?)", desk_rows)
            if rows:
                columns = list(rows[0])
                connection.executemany(
                    f"INSERT OR REPLACE INTO minutes ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' for _ in columns)})",
                    [tuple(r[c] for c in columns) for r in rows])
            for kind, item in pending:
                if kind == "alert":
                    alert, epoch = item
                    cursor = connection.execute(
                        "INSERT INTO alerts (session_id, t, day, problem, held_s, value) "
                        "VALUES (?,?,?,?,?,?)",
                        (session_id, epoch, f"{datetime.fromtimestamp(epoch):%Y-%m-%d}",
                         alert.problem, alert.held_s, alert.value))
                    alert_ids[(alert.problem, alert.t)] = int(cursor.lastrowid or 0)
                elif kind == "response":
                    alert, response = item
                    row_id = alert_ids.get((alert.problem, alert.t))
                    if row_id is not None:
                        connection.execute("UPDATE alerts SET response = ? WHERE id = ?",
                                           (response, row_id))
                elif kind == "stretch":
                    stretch, problem, epoch = item
                    connection.execute(
                        "INSERT INTO stretches (t, day, stretch, problem) VALUES (?,?,?,?)",
                        (epoch, f"{datetime.fromtimestamp(epoch):%Y-%m-%d}", stretch, problem))
                elif kind == "calibration":
                    calibration: Calibration = item
                    cursor = connection.execute(
                        "INSERT INTO calibrations (created, camera, view, data) VALUES (?,?,?,?)",
                        (time.time(), calibration.camera, calibration.view,
                         json.dumps(calibration.to_json())))
                    connection.execute("UPDATE sessions SET calibration_id = ? WHERE id = ?",
                                       (cursor.lastrowid, session_id))
            refresh_rollups(connection, {r["day"] for r in rows})
            connection.execute("UPDATE sessions SET ended = ? WHERE id = ?",
                               (last_epoch, session_id))


class SessionRecording:
    """Records an analysis run as a session; its clock is the session start plus source time."""

    def __init__(self, recorder: HistoryRecorder, started: float) -> None:
        self.recorder = recorder
        self.started = started
        self._calibration: Calibration | None = None

    @classmethod
    def start(cls, path: Path | None, camera: str, model: str, kind: str,
              flush_s: float = 5.0) -> SessionRecording:
        started = time.time()
        recorder = HistoryRecorder(path, camera=camera, model=model, kind=kind, started=started,
                                   flush_s=flush_s)
        if recorder.notice:
            print(f"neckline: {recorder.notice}", file=sys.stderr)
        return cls(recorder, started)

    def observe(self, sample: Sample, engine: Any) -> None:
        if engine.calibration is not None and engine.calibration is not self._calibration:
            self._calibration = engine.calibration
            self.recorder.set_calibration(engine.calibration)
        self.recorder.add_sample(sample, self.started + sample.t)
        for alert in sample.alerts:
            self.recorder.add_alert(alert, self.started + alert.t)

    def finish(self) -> None:
        self.recorder.close()
        if self.recorder.error:
            print(f"neckline: {self.recorder.error}", file=sys.stderr)
