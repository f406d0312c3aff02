"""Ties the worker, the session model, the windows, the tray and the alert delivery together.

The controller runs the app's life: it hands the worker's signals to the session model (which
the main window and the tray follow), decides through the core's AlertGate whether an alert is
said, opens the dialogs, and applies a new config. Every user response to an alert leaves
through ``alert_response`` so statistics can record it. Only the worker touches the monitor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import platformdirs
from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QApplication, QSystemTrayIcon

from neckline.app.activation import bring_forward, use_token
from neckline.app.appstate import AppState
from neckline.app.camera_names import camera_labels
from neckline.app.delivery import AlertDelivery, BreakOffer
from neckline.app.desktop_entry import set_autostart
from neckline.app.guide import GuideWindow
from neckline.app.notifier import DesktopNotifications
from neckline.app.pausing import Pausing
from neckline.app.placement import place, remember
from neckline.app.recording import Recording
from neckline.app.session import DisplayState, Session
from neckline.app.session_watch import SessionWatch
from neckline.app.settings_dialog import SettingsDialog
from neckline.app.stats_window import StatsWindow
from neckline.app.theme import Theme
from neckline.app.tray import Tray
from neckline.app.window import MainWindow
from neckline.app.wizard import CalibrationWizard
from neckline.capture.cameras import list_cameras
from neckline.capture.sources import is_camera, open_source
from neckline.config import Config, View, apply_overrides, save_user_config
from neckline.errors import ConfigError
from neckline.history.recorder import HistoryRecorder
from neckline.live.monitor import SourceOpener
from neckline.live.schedule import AlertGate
from neckline.posture.alerts import Alert, Response
from neckline.posture.breaks import DeskEvent, DeskEventKind
from neckline.posture.calibration import CalibrationOutcome
from neckline.posture.engine import Sample
from neckline.posture.messages import BREAK_TITLE, alert_text, break_text
from neckline.stretches.catalogue import catalogue, stretch_for_break

from .worker import MonitorThread

__all__ = ["AppController", "BreakOffer"]

NO_TRAY = "This desktop shows no tray icons, so neckline lives in this window: closing it quits."


class AppController(QObject):
    alert_response = pyqtSignal(object, str)  # Alert; stretched/snoozed/dismissed/no_response

    def __init__(self, config: Config, source: str, *, speed: float = 1.0,
                 tray: bool | None = None, state: AppState | None = None,
                 now: Callable[[], datetime] = datetime.now,
                 history_path: Path | None = None,
                 open_source: SourceOpener = open_source) -> None:
        super().__init__()
        self.config = config
        self.now = now  # the one clock for "today", pauses and the history
        self.state = state if state is not None else AppState.load()
        self.worker = MonitorThread(config, source, speed=speed, open_source=open_source)
        self.worker.set_preview(config.app.show_preview)
        self.session = Session(config, now, self)
        self.window = MainWindow(show_preview=config.app.show_preview,
                                 mirror=is_camera(source))
        self.gate = AlertGate(config.app.quiet_hours_start, config.app.quiet_hours_end)
        self.theme = Theme(config.app.theme)
        self.responses: list[tuple[Alert, str]] = []
        self.wizard: CalibrationWizard | None = None
        self.settings: SettingsDialog | None = None
        self.guide: GuideWindow | None = None
        self.stats_window: StatsWindow | None = None
        self._stats_read_at = -1  # the recorder's write count the statistics last read at
        self.history_path = history_path
        self.recording = Recording(self)
        self.recording.said.connect(self.window.show_notice)
        self.recording.written.connect(self._history_written)
        self.recording.earlier_today.connect(self.session.add_earlier_today)
        self.pausing = Pausing(self.worker, self.session, self.state, self._save_state,
                               self.gate, self)
        self._source = source
        self._quitting = False

        use_tray = QSystemTrayIcon.isSystemTrayAvailable() if tray is None else tray
        self.tray = Tray(self) if use_tray else None
        self.delivery = AlertDelivery(DesktopNotifications(
            icon_folder=Path(platformdirs.user_cache_dir("neckline")) / "icons"), self.tray,
            self.window, self)
        self.delivery.answered.connect(self._answered)
        self.pausing.use_session_watch(SessionWatch())
        self._connect_windows()

    def _connect_windows(self) -> None:
        w, session, worker = self.window, self.session, self.worker
        asks = {"pause": self.pause, "resume": self.resume,
                "resume_alerts": self.pausing.resume_alerts,
                "recalibrate": lambda: self.open_wizard(onboarding=False),
                "stretches": lambda: self.open_stretches(None), "statistics": self.open_statistics,
                "settings": self.open_settings, "quit": self.quit, "show": self.show_window}
        for asker in (w, self.tray):  # the window and the tray ask for the same things
            for name, act in asks.items():
                if asker is not None and hasattr(asker, f"{name}_requested"):
                    getattr(asker, f"{name}_requested").connect(act)
        w.preview_toggled.connect(worker.set_preview)
        w.closing.connect(self.quit)
        session.view_changed.connect(w.set_state)
        session.today_changed.connect(w.set_today)
        session.snooze_changed.connect(w.set_snooze)
        session.thresholds_changed.connect(w.set_thresholds)
        session.sample_changed.connect(w.set_sample)
        session.sample_changed.connect(self._settings_picture)
        w.set_thresholds(session.thresholds(), self.config.camera.view)
        if self.tray is None:
            w.quit_on_close = True
            w.show_info(NO_TRAY)
        else:
            tray = self.tray
            session.view_changed.connect(
                lambda d, detail, _headline: tray.show_state(d, self.session.paused, detail))
            session.snooze_changed.connect(tray.show_snooze)
            w.hidden_to_tray.connect(lambda: tray.window_hidden(self.state, self._save_state))
        worker.sample_ready.connect(self._on_sample)
        worker.status_changed.connect(session.set_status)
        worker.status_changed.connect(self.recording.on_status)

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self.config.history.record:
            self.recording.start(self.history_path, camera=self._source,
                                 model=self.config.processing.model,
                                 flush_s=self.config.history.flush_s,
                                 started=self.now().timestamp())
        self.pausing.restore()
        self.worker.start()
        place(self.window, "main", self.state)
        self.window.show()
        self.session.changed()
        if not self.state.onboarded:
            self.open_wizard(onboarding=True)

    def _history_written(self, writes: int) -> None:
        """The statistics window follows what has been written since it last read."""
        window = self.stats_window
        if window is not None and window.isVisible() and writes != self._stats_read_at:
            self._stats_read_at = writes
            window.refresh()

    @property
    def recorder(self) -> HistoryRecorder | None:
        return self.recording.recorder

    def shutdown(self) -> None:
        """Stops the worker (releasing the camera), writes the last history, and closes every
        window of ours."""
        self.pausing.stop()
        self.delivery.close_all()
        for name, window in (("main", self.window), ("guide", self.guide),
                             ("statistics", self.stats_window)):
            remember(window, name, self.state)
        self._save_state()  # unwritable: said, and the windows open centred next time
        for dialog in (self.wizard, self.settings, self.guide, self.stats_window):
            if dialog is not None:
                dialog.close()
        if self.stats_window is not None:
            self.stats_window.reader.close()
        self.worker.shutdown()
        self.recording.close()
        if self.tray is not None:
            self.tray.hide()
        self.window.timer.stop()
        self.window.quit_on_close = True
        self.window.close()

    def quit(self) -> None:
        """Quits the app: the tray's Quit, Ctrl-C and SIGTERM all come here.

        Qt 6 asks every window to close before it quits and gives up if one refuses; the main
        window refuses while a tray is present (closing it hides it), so it is told to accept.
        """
        app = QApplication.instance()
        if app is None or self._quitting:
            return  # closing the window below emits ``closing``, which comes back here
        self._quitting = True
        closing_quits = self.window.quit_on_close
        self.window.quit_on_close = True
        try:
            app.quit()
        finally:
            self._quitting = False
            self.window.quit_on_close = closing_quits  # as before, should the quit not happen

    def show_window(self, token: str = "") -> None:
        """The main window, brought forward (``token``: the desktop's activation token for
        the user's action, from a second start)."""
        use_token(token)
        bring_forward(self.window)

    # -- from the worker ---------------------------------------------------------------------

    def _on_sample(self, sample: Sample, preview: np.ndarray | None) -> None:
        """Everything the worker says comes in the sample: the measures, a calibration that
        ended, the alerts and the break reminders of this moment."""
        if sample.calibrated is not None:
            self._on_calibration(sample.calibrated)
        self.session.add_sample(sample, preview)
        # The history counts what the user was shown: a reminder held back is not one.
        told = tuple(e for e in sample.desk_events
                     if e.kind is not DeskEventKind.REMINDER or self._remind_break(e))
        if self.recorder is not None:
            self.recorder.add_sample(replace(sample, desk_events=told), self.now().timestamp())
        for alert in sample.alerts:
            self._on_alert(alert)

    def _on_calibration(self, outcome: CalibrationOutcome) -> None:
        calibration = outcome.calibration
        if calibration is not None:
            self.session.set_calibration(calibration)
            if self.recorder is not None:  # (a loaded one too: the session was judged by it)
                self.recorder.set_calibration(calibration)
        if outcome.error is not None and self.wizard is None:
            self.window.show_notice(outcome.error)

    def _on_alert(self, alert: Alert) -> None:
        if self.session.paused or self.wizard is not None or not self.gate.allows(self.now()):
            return  # paused, calibrating, quiet hours, snoozed: not shown, so not counted
        if self.recorder is not None:
            self.recorder.add_alert(alert, self.now().timestamp())
        title, text = alert_text(alert, self.config.camera.view)
        offered = catalogue().stretches.get(alert.stretches[0]) if alert.stretches else None
        if not self._tell(alert, title, text, offered.title if offered else None, "strained"):
            self._record(alert, "no_response")

    def _remind_break(self, event: DeskEvent) -> bool:
        """A break is due: said as an alert is, offering a stretch for today's strains;
        whether it was (not in a pause, quiet hours or a snooze)."""
        if self.session.paused or self.session.held_for or not self.gate.allows(self.now()):
            return False
        problem, stretch_id = stretch_for_break(self.session.tally.strained_by_problem)
        stretch = catalogue().stretches[stretch_id]
        text = break_text(event.at_desk_s, self.config.breaks.length_min, stretch.title, problem)
        self._tell(BreakOffer(event, problem, stretch_id, self.config.breaks.keep_on_screen),
                   BREAK_TITLE, text, stretch.title, "away")
        return True

    def _tell(self, subject: Alert | BreakOffer, title: str, text: str,
              stretch_title: str | None, icon: DisplayState) -> bool:
        app = self.config.app
        return self.delivery.tell(subject, title, text, stretch_title, icon,
                                  style=app.alert_style, sound=app.sound)

    def _answered(self, subject: object, response: Response) -> None:
        """The user's answer to an alert or a break reminder, from the card or a desktop
        notification."""
        if response == "snoozed":
            self.pausing.snooze(15)
        if isinstance(subject, BreakOffer):
            if response == "stretched":
                self.open_stretches(subject.problem, subject.stretch_id)
            return
        assert isinstance(subject, Alert)
        if response == "stretched":
            self.open_stretches(subject.problem)
        self._record(subject, response)

    def _record(self, alert: Alert, response: Response) -> None:
        self.responses.append((alert, response))
        if self.recorder is not None:
            self.recorder.set_response(alert, response)
        self.alert_response.emit(alert, response)

    def _save_state(self) -> None:
        failure = self.state.save()
        if failure is not None:
            self.window.show_notice(failure)

    def pause(self, choice: str) -> None:
        self.pausing.pause(choice)

    def resume(self) -> None:
        self.pausing.resume()

    def open_wizard(self, *, onboarding: bool) -> CalibrationWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        if self.session.paused:
            self.pausing.resume()
        wizard = CalibrationWizard(self.worker, onboarding=onboarding,
                                   seconds=self.config.calibration.seconds,
                                   view=self.config.camera.view, parent=self.window,
                                   mirror=self.window.mirror)
        # The wizard shows the camera's picture to frame by, whatever "Show preview" says.
        self.worker.set_preview(True)
        wizard.view_chosen.connect(self._choose_view)
        wizard.finished.connect(lambda _result: self._wizard_closed(onboarding))
        if onboarding:  # seen through to calibration: not shown again at the next start
            wizard.reached_end.connect(lambda: self._wizard_closed(True, keep=True))
        self.wizard = wizard
        wizard.show()
        return wizard

    def _wizard_closed(self, onboarding: bool, *, keep: bool = False) -> None:
        if not keep:
            self.wizard = None
            self.worker.set_preview(self.window.preview_box.isChecked())
        if onboarding and not self.state.onboarded:
            self.state.onboarded = True
            self._save_state()

    def _choose_view(self, view: View) -> None:
        self.apply_config(apply_overrides(self.config, {"camera": {"view": view}}))

    def open_stretches(self, problem: str | None, stretch_id: str | None = None) -> GuideWindow:
        """The stretch guide, at ``stretch_id`` or the first stretch for ``problem`` (or all
        stretches)."""
        if self.guide is None:
            self.guide = GuideWindow()
            place(self.guide, "guide", self.state, near=self.window)
            self.guide.stretch_done.connect(self._stretch_done)
            self.session.sample_changed.connect(self.guide.on_sample)
        self.guide.show_problem(problem, stretch_id)
        bring_forward(self.guide)
        return self.guide

    def _stretch_done(self, stretch_id: str, problem: str | None) -> None:
        if self.recorder is not None:
            self.recorder.add_stretch(stretch_id, problem, self.now().timestamp())

    def open_statistics(self) -> StatsWindow:
        """The statistics window, on this week; what is still pending in the recorder (the last
        stretch, the current minute) is written at once and the window reads it again when it
        lands, so it agrees with `neckline stats`."""
        if self.recorder is not None:
            self._stats_read_at = self.recorder.writes
            self.recorder.flush_soon()
        if self.stats_window is None:
            self.stats_window = StatsWindow(
                self.history_path, goal_percent=self.config.history.daily_goal_percent,
                today=lambda: self.now().date())
            place(self.stats_window, "statistics", self.state, near=self.window)
        else:
            self.stats_window.show_period("week")
        self.stats_window.show()
        self.stats_window.raise_()
        return self.stats_window

    def open_settings(self) -> SettingsDialog:
        if self.settings is None:
            cameras = list_cameras()
            self.settings = SettingsDialog(self.config, cameras, self.window,
                                           camera_labels(cameras))
            self.settings.applied.connect(self.apply_config)
            self.settings.preview_requested.connect(self.show_example_alert)
            self.settings.finished.connect(lambda _r: setattr(self, "settings", None))
        self.settings.show()
        return self.settings

    def _settings_picture(self, _sample: Sample, preview: np.ndarray | None) -> None:
        if self.settings is not None:
            self.settings.show_picture(preview, self.window.mirror)

    def show_example_alert(self) -> None:
        """An alert as real ones will come (from Settings, in the style chosen there)."""
        values = self.settings.values()["app"] if self.settings is not None else {}
        self.delivery.example(self.now().timestamp(), self.config.camera.view,
                              style=values.get("alert_style", self.config.app.alert_style),
                              sound=values.get("sound", False))

    def apply_config(self, config: Config) -> None:
        """A new config, live: saved for next time, handed to the worker, shown."""
        self.config = config
        if self.stats_window is not None:
            self.stats_window.goal_percent = config.history.daily_goal_percent
        try:
            save_user_config(config)
            set_autostart(config.app.start_on_login)
        except (ConfigError, OSError) as e:
            self.window.show_notice(f"Settings apply now but could not be saved ({e}).")
        self.worker.set_config(config)
        self.theme.set_choice(config.app.theme)
        self.gate.quiet_start, self.gate.quiet_end = (config.app.quiet_hours_start,
                                                      config.app.quiet_hours_end)
        self.window.preview_box.setChecked(config.app.show_preview)
        self.session.set_config(config)
