"""The session as the windows see it: one observable model.

It holds what the app knows this moment: the latest sample, the monitor's status, the
calibration in use, the thresholds, today's tally, and whether monitoring is paused (by the user,
or held while the screen is locked or the machine sleeps). It changes only when the
controller hands it the worker's signals or the user's pause, and it tells every change by a
signal the windows and the tray subscribe to (napari's ``model.events.x.connect``), so no window
asks the worker or the monitor for anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal

from neckline.config import Config
from neckline.history.stats import DayStats
from neckline.live.monitor import Status
from neckline.live.tally import DayTally
from neckline.posture.calibration import Calibration
from neckline.posture.engine import PostureState, Sample, sample_span
from neckline.posture.messages import FAULT_WORDS, clock_words
from neckline.posture.thresholds import thresholds, usable

DisplayState = PostureState | Literal["paused", "fault", "starting"]
"""What the window and the tray show: the posture, or why there is none."""

class Session(QObject):
    display_changed = pyqtSignal(str)  # the state word: good, strained, away, paused, ...
    view_changed = pyqtSignal(str, str, str)  # the state word, its detail, a headline
    sample_changed = pyqtSignal(object, object)  # Sample, preview image (BGR) or None
    thresholds_changed = pyqtSignal(object, str)  # {problem: threshold}, the camera's view
    today_changed = pyqtSignal(str)  # "Today: 2 h 05 min in good posture (81% …)"
    snooze_changed = pyqtSignal(str)  # "Alerts snoozed until 15:40." or "" (not snoozed)

    def __init__(self, config: Config, now: Callable[[], datetime],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.now = now
        self.tally = DayTally(now().date())
        self.status = Status("starting")
        self.sample: Sample | None = None
        self.calibration: Calibration | None = None
        self.paused = False  # by the user
        self.paused_until: datetime | None = None
        self.held_for = ""  # "locked" or "asleep" while monitoring is held for it
        self.snoozed_until: datetime | None = None  # alerts and reminders held back until
        self.display: DisplayState = "starting"

    # -- changes ----------------------------------------------------------------------------

    def add_sample(self, sample: Sample, preview: np.ndarray | None) -> None:
        previous, self.sample = self.sample, sample
        if previous is not None:
            self.tally.add(previous, sample_span(previous.t, sample.t), self.now().date())
        self.sample_changed.emit(sample, preview)
        self.changed()

    def add_earlier_today(self, day: DayStats) -> None:
        """Today's totals from the history, so "Today" counts the whole day, not this run."""
        self.tally.add_earlier(day.day, day.good_s, day.strained_s,
                               {p: s for p, s in day.problem_s.items() if s > 0})
        self.changed()

    def set_status(self, status: Status) -> None:
        self.status = status
        self.changed()

    def set_calibration(self, calibration: Calibration | None) -> None:
        self.calibration = usable(calibration, self.config)
        self.thresholds_changed.emit(self.thresholds(), self.config.camera.view)
        self.changed()

    def set_config(self, config: Config) -> None:
        self.config = config
        self.calibration = usable(self.calibration, config)
        self.thresholds_changed.emit(self.thresholds(), config.camera.view)
        self.changed()

    def set_paused(self, until: datetime | None) -> None:
        """Paused by the user until ``until``; None resumes."""
        self.paused, self.paused_until = until is not None, until
        self.changed()

    def set_snoozed(self, until: datetime | None) -> None:
        self.snoozed_until = until
        self.changed()

    def set_held_for(self, reason: str) -> None:
        self.held_for = reason
        self.changed()

    # -- what it shows -----------------------------------------------------------------------

    def thresholds(self) -> dict[str, float]:
        return thresholds(self.config, self.calibration)

    def display_state(self) -> DisplayState:
        if self.paused or self.held_for or self.status.kind == "lent":
            return "paused"
        if self.status.is_fault:
            return "fault"
        if self.sample is None:
            return "starting"
        return self.sample.state

    def detail(self, display: DisplayState) -> str:
        if display == "paused" and self.status.kind == "lent" and not self.paused \
                and not self.held_for:
            return self.status.message  # "Paused while Zoom uses the camera."
        if display == "paused" and self.held_for and not self.paused:
            why = "the screen is locked" if self.held_for == "locked" else "the computer sleeps"
            return f"Paused while {why}; the camera is off."
        if display == "paused" and self.paused_until is not None:
            until = self.paused_until
            day = " tomorrow" if until.date() > self.now().date() else ""
            return f"Paused until {until:%H:%M}{day}; the camera is off."
        if display == "fault":
            return self.status.message
        if display == "calibrating":
            return "Sit comfortably upright and look at the screen."
        if display == "away":
            return "Nobody in view: this is not counted as bad posture."
        if display in ("good", "strained") and self.calibration is None:
            return ("Not calibrated yet: judged against a level head. Calibrate for your own "
                    "neutral posture.")
        return ""

    def snooze_words(self) -> str:
        until = self.snoozed_until
        if until is None or until <= self.now():
            return ""
        return f"Alerts and break reminders snoozed until {until:%H:%M}."

    def today_words(self) -> str:
        share = self.tally.good_share
        return (f"Today: {clock_words(self.tally.good_s)} in good posture"
                + (f" ({share:.0%} of your desk time)" if share is not None else ""))

    def changed(self) -> None:
        """Tells the subscribers what is shown now; ``display_changed`` only on a new state."""
        display = self.display_state()
        headline = FAULT_WORDS.get(self.status.kind, "") if display == "fault" else ""
        self.view_changed.emit(display, self.detail(display), headline)
        self.today_changed.emit(self.today_words())
        self.snooze_changed.emit(self.snooze_words())
        if display != self.display:
            self.display = display
            self.display_changed.emit(display)
