"""A listener for the live monitor that records everything and lets a test wait for it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from neckline.live.monitor import Monitor, Status
from neckline.posture.alerts import Alert
from neckline.posture.calibration import Calibration
from neckline.posture.engine import Sample

RunMonitor = Callable[..., tuple[Monitor, "Recorder"]]
"""The ``run_monitor`` fixture (tests/live/conftest.py): starts a monitor in a thread."""


class Recorder:
    """A listener that records everything and lets a test wait for a condition."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.statuses: list[Status] = []
        self.status_times: list[float] = []  # time.monotonic() as each status came
        self.alerts: list[Alert] = []
        self.calibrations: list[tuple[Calibration | None, str | None]] = []
        self.previews = 0
        self._changed = threading.Condition()

    def _note(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def on_sample(self, sample: Sample, preview: np.ndarray | None) -> None:
        """Everything comes in the sample: alerts and the end of a calibration too."""
        self.samples.append(sample)
        self.previews += preview is not None
        self.alerts.extend(sample.alerts)
        if sample.calibrated is not None:
            self.calibrations.append((sample.calibrated.calibration, sample.calibrated.error))
        self._note()

    def on_status(self, status: Status) -> None:
        self.statuses.append(status)
        self.status_times.append(time.monotonic())
        self._note()

    def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                assert left > 0, "timed out"
                self._changed.wait(left)
