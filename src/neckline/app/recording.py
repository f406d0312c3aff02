"""The posture history as the app keeps it: the core's HistoryRecorder, opened in its own
thread so a locked database never holds up a window, whose notices, errors and writes arrive as
Qt signals instead of being polled."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal

from neckline.errors import NecklineError
from neckline.history.recorder import HistoryRecorder


class Recording(QObject):
    said = pyqtSignal(str)  # a sentence for the main window's notice; "" clears it
    written = pyqtSignal(int)  # batches written so far: the statistics can read again
    _news = pyqtSignal()  # from the recorder's thread, queued to this object's

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.recorder: HistoryRecorder | None = None
        self._said: tuple[str | None, str | None] = (None, None)  # (notice, error) shown
        self._news.connect(self._on_news)

    def start(self, path: Path | None, *, camera: str, model: str, flush_s: float) -> None:
        try:
            self.recorder = HistoryRecorder(path, camera=camera, model=model, kind="app",
                                            flush_s=flush_s, on_change=self._news.emit,
                                            wait=False)
        except NecklineError as e:
            self.said.emit(f"Posture history is not being recorded: {e}")

    def close(self) -> None:
        """Writes what is pending and ends the session (waits for the writer thread)."""
        if self.recorder is not None:
            self.recorder.close()
            self.recorder = None

    def _on_news(self) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        said = (recorder.notice, recorder.error)
        if said != self._said:
            # A damaged file moved aside, a lock or a full disk being waited out and its end,
            # or the end of recording.
            self._said = said
            self.said.emit(recorder.error or recorder.notice or "")
        if recorder.error is None:
            self.written.emit(recorder.writes)
