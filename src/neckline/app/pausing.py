"""Pausing: the user's pause until a time (kept across restarts), the hold while the screen is
locked or the machine sleeps (the camera is off for both; the session model shows which), and
the snooze of alerts and break reminders (monitoring goes on), shown until it ends or the user
ends it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PyQt6.QtCore import QObject, QTimer

from neckline.app.appstate import AppState
from neckline.app.session import Session
from neckline.app.session_watch import SessionWatch
from neckline.app.worker import MonitorThread
from neckline.live.schedule import AlertGate, pause_until


class Pausing(QObject):
    def __init__(self, worker: MonitorThread, session: Session, state: AppState,
                 save_state: Callable[[], None], gate: AlertGate,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker, self.session, self.state, self.gate = worker, session, state, gate
        self._snooze_timer = QTimer(self)  # shows the snooze's end when it comes
        self._snooze_timer.setSingleShot(True)
        self._snooze_timer.timeout.connect(self.resume_alerts)
        self.save_state = save_state  # AppState.save, saying a failure to the user
        self._resume_timer = QTimer(self)
        self._resume_timer.setSingleShot(True)
        self._resume_timer.timeout.connect(self.resume)
        self.watch: SessionWatch | None = None

    def use_session_watch(self, watch: SessionWatch) -> None:
        """Monitoring holds while the screen is locked or the machine sleeps (tests give a
        watch on their own bus)."""
        self.watch = watch
        watch.changed.connect(self._hold_for)

    def restore(self) -> None:
        """At start: a pause chosen before the last quit goes on until its time."""
        until = self.state.paused_until
        if until is not None and until > self.session.now():
            self.pause_till(until)
        elif until is not None:
            self.state.paused_until = None
            self.save_state()

    def pause(self, choice: str) -> None:
        """``choice``: "15min", "1h" or "tomorrow"."""
        self.pause_till(pause_until(self.session.now(), choice))

    def pause_till(self, until: datetime) -> None:
        self.state.paused_until = until
        self.save_state()
        self.worker.pause()
        seconds = max((until - self.session.now()).total_seconds(), 0.0)
        self._resume_timer.start(int(min(seconds, 2**31 / 1000 - 1) * 1000))
        self.session.set_paused(until)

    def resume(self) -> None:
        self._resume_timer.stop()
        self.state.paused_until = None
        self.save_state()
        if not self.session.held_for:  # still locked or asleep: monitoring waits for the desk
            self.worker.resume()
        self.session.set_paused(None)

    def snooze(self, minutes: float = 15.0) -> None:
        """Alerts and break reminders held back for ``minutes`` (monitoring goes on)."""
        self.gate.snooze(self.session.now(), minutes)
        self._snooze_timer.start(int(minutes * 60_000))
        self.session.set_snoozed(self.gate.snoozed_until)

    def resume_alerts(self) -> None:
        """The snooze ends now (chosen, or its time came)."""
        self._snooze_timer.stop()
        self.gate.snoozed_until = None
        self.session.set_snoozed(None)

    def stop(self) -> None:
        self._resume_timer.stop()
        self._snooze_timer.stop()

    def _hold_for(self, reason: str) -> None:
        if reason:
            self.worker.pause(by_user=False)  # the camera is released
        elif not self.session.paused:
            self.worker.resume()
        self.session.set_held_for(reason)
