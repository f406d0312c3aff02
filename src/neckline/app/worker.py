"""The one worker thread: it runs the core ``Monitor``, which owns the camera and the pose
model, and turns the monitor's listener calls into Qt signals for the GUI thread. The rest of
the app asks the monitor for things only through the methods here, which queue them to the
worker thread; nothing else touches the monitor."""

from __future__ import annotations

import weakref

import numpy as np
from PyQt6.QtCore import QObject, QThread, pyqtSignal

from neckline.capture.sources import open_source
from neckline.config import Config
from neckline.live.monitor import Monitor, SourceOpener, Status
from neckline.posture.engine import Sample

RUNNING: weakref.WeakSet[MonitorThread] = weakref.WeakSet()
"""Every monitor thread ever started and not yet collected: tests check none is left running."""


class MonitorThread(QThread):
    sample_ready = pyqtSignal(object, object)  # Sample, preview image (BGR) or None
    status_changed = pyqtSignal(object)  # Status

    def __init__(self, config: Config, source: str, *, speed: float = 1.0,
                 open_source: SourceOpener = open_source,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.monitor = Monitor(config, source, self, speed=speed, open_source=open_source)

    # MonitorListener, called in the worker thread; signals cross to the GUI thread queued.
    def on_sample(self, sample: Sample, preview: np.ndarray | None) -> None:
        self.sample_ready.emit(sample, preview)

    def on_status(self, status: Status) -> None:
        self.status_changed.emit(status)

    # From the GUI thread: each is queued to the monitor, which acts on it between frames.
    def pause(self, *, by_user: bool = True) -> None:
        self.monitor.pause(by_user=by_user)

    def resume(self) -> None:
        self.monitor.resume()

    def recalibrate(self, seconds: float | None = None) -> None:
        self.monitor.recalibrate(seconds)

    def cancel_calibration(self) -> None:
        self.monitor.cancel_calibration()

    def set_config(self, config: Config) -> None:
        self.monitor.set_config(config)

    def set_preview(self, on: bool) -> None:
        """Whether samples carry the picture (a flag the monitor reads at each frame)."""
        self.monitor.preview_enabled = on

    @property
    def status(self) -> Status:
        """The monitor's latest status (also sent by ``status_changed``)."""
        return self.monitor.status

    def run(self) -> None:
        RUNNING.add(self)
        self.monitor.run()

    def shutdown(self) -> None:
        """Stops the monitor and waits for the thread, which releases camera and model."""
        self.monitor.stop()
        self.wait(15000)
