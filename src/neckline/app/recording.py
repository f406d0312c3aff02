"""The posture history as the app keeps it: the core's HistoryRecorder, opened in its own
thread so a locked database never holds up a window, whose notices, errors and writes arrive as
Qt signals instead of being polled."""

from __future__ import annotations

import time
from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal

from neckline.history.recorder import HistoryRecorder
from neckline.live.status import Status


class Recording(QObject):
    said = pyqtSignal(str)  # a sentence for the main window's notice; "" clears it
    written = pyqtSignal(int)  # batches written so far: the statistics can read again
    earlier_today = pyqtSignal(object)  # DayStats: today's totals before this session, once
    _news = pyqtSignal()  # from the recorder's thread, queued to this object's

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recorder: HistoryRecorder | None = None
        self._notice: str | None = None  # the recorder's notice last shown
        self._told_today = False
        self._lent: tuple[float, tuple[str, ...]] | None = None  # since, by whom
        self._news.connect(self._on_news)

    def start(self, path: Path | None, *, camera: str, model: str, flush_s: float,
              started: float) -> None:
        """Returns at once; a failure to start comes back as ``said``."""
        self.recorder = HistoryRecorder(path, camera=camera, model=model, kind="app",
                                        flush_s=flush_s, started=started,
                                        on_change=self._news.emit, wait=False)

    def on_status(self, status: Status) -> None:
        """Keeps the time the camera is lent to another program (a video call): from when it
        was lent to the first status of another kind."""
        if status.kind == "lent" and status.since is not None:
            if self._lent is None:
                self._lent = (status.since, status.holders)
            elif status.holders:
                self._lent = (self._lent[0], status.holders)
        elif self._lent is not None:
            self._end_lending()

    def _end_lending(self) -> None:
        assert self._lent is not None
        since, holders = self._lent
        self._lent = None
        if self.recorder is not None:
            self.recorder.add_lent(since, max(time.time() - since, 0.0),
                                   ", ".join(holders) or "another program")

    def close(self) -> None:
        """Writes what is pending and ends the session (waits for the writer thread)."""
        if self._lent is not None:
            self._end_lending()
        if self.recorder is not None:
            self.recorder.close()
            self.recorder = None

    def _on_news(self) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        if recorder.error is not None:
            # Recording did not start or stopped: said, and the recorder let go, so nothing
            # more is queued for a writer thread that has ended.
            error = recorder.error
            if not error.startswith("Recording"):  # the database could not be opened
                error = f"Posture history is not being recorded: {error}"
            self.recorder = None
            self.said.emit(error)
            return
        if recorder.earlier_today is not None and not self._told_today:
            self._told_today = True
            self.earlier_today.emit(recorder.earlier_today)
        if recorder.notice != self._notice:
            # A damaged file moved aside, a lock or a full disk being waited out, and its end.
            self._notice = recorder.notice
            self.said.emit(recorder.notice or "")
        self.written.emit(recorder.writes)
