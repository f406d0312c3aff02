"""Recording a session: per-minute aggregates of the engine's samples (``aggregate``), alerts,
responses, stretches and stretches at the desk, written in batches by one background thread.

The thread owns the database connection. Every ``flush_s`` seconds (wall clock) it writes the
finished minutes, the current minute so far (an upsert), new alerts and the session's end, in
one transaction (``batch``); a ``kill -9`` therefore loses at most the last batch. A batch that
meets a lock held by another program or a full disk waits and is written when it clears. When
the user deletes the history while it records, what it held goes with it and recording goes on
in a new session.
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from neckline.config.files import as_text
from neckline.errors import NecklineError
from neckline.history.batch import Batch, SessionGone
from neckline.history.db import HistoryDB, default_db_path, is_full, is_locked
from neckline.history.stats import DayStats, compute_stats
from neckline.posture.alerts import Alert, Response
from neckline.posture.calibration import Calibration
from neckline.posture.engine import Sample
from neckline.posture.messages import clock_words

START_WAIT_S = 20.0  # how long a new session waits for a database another program holds
CLOSE_WAIT_S = 20.0  # how long the app's last batch waits for one when it quits


def _why(error: sqlite3.Error, path: Path) -> str | None:
    """What is passing, in words (another program's lock, a full disk); None for a fault
    that waiting does not mend."""
    if is_locked(error):
        return "another program holds it"
    if is_full(error, path):
        return "the disk is full"
    return None


class HistoryRecorder:
    """Call from any thread; the writing happens in the recorder's own thread.

    ``on_change`` is called, in the writer thread, whenever ``notice``, ``error``, ``waiting``
    or ``writes`` changed: the app turns it into a signal instead of asking. With
    ``wait=False`` the database is opened in the background and a failure to start arrives the
    same way (as ``error``) instead of being raised, so a locked database never holds up the
    caller.
    """

    def __init__(self, path: Path | None, *, camera: str, model: str, kind: str = "app",
                 flush_s: float = 5.0, started: float | None = None,
                 on_change: Callable[[], None] | None = None, wait: bool = True) -> None:
        self.path = path or default_db_path()
        self.flush_s = flush_s
        self.notice: str | None = None  # a damaged database moved aside, for the user
        self.error: str | None = None  # recording stopped: the reason, for the user
        self.waiting: str | None = None  # why a batch waits (a lock, a full disk), in words
        self.writes = 0  # batches written so far: a reader that saw fewer can look again
        self.earlier_today: DayStats | None = None  # today's totals before this session
        self.started = started if started is not None else time.time()
        self._on_change = on_change
        # A file name that is not UTF-8 (kept by Python as lone surrogates) cannot go into
        # SQLite's text: it is stored with its odd bytes replaced.
        self._session = {"camera": as_text(camera), "model": model, "kind": kind}
        self._queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._ready = threading.Event()
        # Set when the writer is done. Waited on instead of Thread.join: Ctrl-C during a join
        # marks the thread as ended in Python 3.11 though it goes on (bpo-45274's fix).
        self._done = threading.Event()
        self._batch = Batch(self.started)  # the writer thread's, read by give-up words
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

    def add_lent(self, start: float, seconds: float, holder: str) -> None:
        """The camera was lent to ``holder`` (a video call) from ``start`` for ``seconds``."""
        self._queue.put(("lent", (start, seconds, holder)))

    def set_calibration(self, calibration: Calibration) -> None:
        self._queue.put(("calibration", calibration))

    def flush_soon(self) -> None:
        """Write what is pending now rather than at the next batch (a window is about to read
        the history); returns at once."""
        self._queue.put(("flush", None))

    def close(self, wait_s: float | None = CLOSE_WAIT_S) -> None:
        """Writes everything still pending and ends the session; the last batch waits for a
        lock or a full disk up to ``wait_s`` (None: until it is written, or ``give_up``).
        Returns when the writer is done, or at once with ``wait_s=None`` (see ``writing``)."""
        if self._done.is_set():
            return
        self._queue.put(("close", wait_s))
        if wait_s is not None:
            self._done.wait(wait_s + 10.0)

    def writing(self, timeout: float) -> bool:
        """Waits up to ``timeout`` for the writer to finish; whether it is still at work."""
        return not self._done.wait(timeout)

    def give_up(self) -> None:
        """Stops waiting for the last batch: it is not written (``error`` says what)."""
        self._queue.put(("give_up", None))
        self._done.wait(30.0)

    def lost_words(self) -> str:
        """What of the ended session is not in the database, for a sentence."""
        batch = self._batch
        kept = batch.written_until - batch.started
        if kept < 1.0:
            return f"none of the {_span(batch.unwritten_s)} of this session was kept"
        return (f"the last {_span(batch.unwritten_s)} of this session were not kept (the "
                f"{_span(kept)} before were)")

    def kept_words(self) -> str:
        """What of a session that goes on unrecorded is in the database, for a sentence."""
        kept = self._batch.written_until - self._batch.started
        return "none of this session was kept" if kept < 1.0 else \
            f"only its first {_span(kept)} were kept"

    # -- the writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._write_session()
        finally:
            self._done.set()

    def _write_session(self) -> None:
        try:
            db = HistoryDB.open(self.path, wait=START_WAIT_S)
        except Exception as e:  # NecklineError, or anything else: said, never a silent thread
            self.error = str(e) if isinstance(e, NecklineError) else \
                f"Recording did not start: the history database {self.path} cannot be " \
                f"opened ({e})."
            self._ready.set()
            self._changed()
            return
        self.path, self.notice = db.path, db.notice
        try:
            session_id = self._start(db.connection)
            if session_id is not None:
                self._record(db.connection, session_id)
        except _GaveUp:
            self.error = (f"Gave up waiting for the history database {self.path} "
                          f"({self.waiting or 'it could not be written'}): "
                          f"{self.lost_words()}.")
        except Exception as e:  # a fault waiting does not mend (a vanished file, I/O)
            self.error = (f"Recording stopped: the history database {self.path} could not be "
                          f"written ({e}); {self.kept_words()}.")
        finally:
            db.close()
            self._ready.set()
            self._changed()

    def _start(self, connection: sqlite3.Connection) -> int | None:
        """The session's row, written at once so a failure to record is said before anything
        is recorded; another program may hold the database a while: waited for, then said."""
        deadline = time.monotonic() + START_WAIT_S
        while True:
            try:
                session_id = self._batch.write(connection, None, self._session, start=True)
                break
            except sqlite3.OperationalError as e:
                if _why(e, self.path) is None or time.monotonic() > deadline:
                    self.error = (f"Recording did not start: the history database {self.path} "
                                  f"could not be written ({e}).")
                    return None
            time.sleep(0.1)
        try:  # what earlier sessions recorded today, for the app's "Today" line
            day = datetime.fromtimestamp(self.started).date()
            self.earlier_today = compute_stats(connection, day, day).days[0]
        except sqlite3.Error:
            pass
        self._ready.set()
        self._changed()
        return session_id

    def _record(self, connection: sqlite3.Connection, session_id: int | None) -> None:
        batch = self._batch
        next_flush = time.monotonic() + self.flush_s
        closing = False
        close_deadline: float | None = None  # when the last batch stops waiting
        while True:
            try:
                kind, item = self._queue.get(timeout=max(0.0, next_flush - time.monotonic()))
                if kind == "close":
                    closing = True
                    close_deadline = None if item is None else time.monotonic() + item
                    batch.finish()
                elif kind == "give_up":
                    raise _GaveUp
                elif kind == "flush":
                    next_flush = time.monotonic()
                else:
                    batch.add(kind, item)
            except queue.Empty:
                pass
            if not closing and time.monotonic() < next_flush:
                continue
            try:
                session_id = batch.write(connection, session_id, self._session)
            except SessionGone:  # deleted by the user: what was held went with it
                batch.drop()
                session_id, next_flush = None, time.monotonic()
                continue
            except sqlite3.OperationalError as e:
                why = _why(e, self.path)
                if why is None or (close_deadline is not None
                                   and time.monotonic() > close_deadline):
                    raise
                # Kept, and tried again shortly: nothing is lost once it clears.
                if self.waiting is None:
                    self.waiting = why
                    self.notice = (f"History is waiting to be written ({e}); nothing is lost "
                                   "while neckline keeps running.")
                    self._changed()
                next_flush = time.monotonic() + min(self.flush_s, 1.0)
                continue
            if self.waiting is not None:
                self.waiting = self.notice = None
            self.writes += 1
            self._changed()
            next_flush = time.monotonic() + self.flush_s
            if closing:
                return

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()


class _GaveUp(Exception):
    """The user gave up waiting for the last batch."""


def _span(seconds: float) -> str:
    """"42 s", "12 min", "1 h 05 min"."""
    return f"{seconds:.0f} s" if seconds < 90 else clock_words(seconds)


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
        """Ends the session once every batch is written. While another program holds the
        database or the disk is full, it says so once and waits (giving up after a fixed time
        lost 71 s of a 96 s session to a 40 s lock, and all of it to a full disk, and ended
        as if all went well); Ctrl-C gives up. A recording that stopped or was given up is a
        NecklineError that says what was not kept: never exit status 0."""
        recorder = self.recorder
        recorder.close(wait_s=None)
        told = False
        try:
            while recorder.writing(0.2):
                if recorder.waiting is not None and not told:
                    print(f"neckline: waiting for the history database: {recorder.waiting}; "
                          "Ctrl-C gives up.", file=sys.stderr, flush=True)
                    told = True
        except KeyboardInterrupt:
            recorder.give_up()
        if recorder.error:
            raise NecklineError(recorder.error)
