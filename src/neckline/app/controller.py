"""Ties the worker, the main window, the tray and the alert toasts together.

The controller holds the app's small amount of state (paused until when, snoozed until when,
today's tally) and decides, through the core's AlertGate, whether an alert is shown. Every
user response to an alert leaves through ``alert_response`` so statistics can record it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import platformdirs
from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from neckline.app.appstate import AppState
from neckline.app.camera_names import camera_labels
from neckline.app.desktop_entry import set_autostart
from neckline.app.guide import GuideWindow
from neckline.app.icons import state_icon
from neckline.app.notifier import DesktopNotifications
from neckline.app.placement import place, remember
from neckline.app.session_watch import SessionWatch
from neckline.app.settings_dialog import SettingsDialog
from neckline.app.sound import Chime
from neckline.app.stats_window import StatsWindow
from neckline.app.theme import Theme
from neckline.app.toast import Toast
from neckline.app.window import MainWindow
from neckline.app.wizard import CalibrationWizard
from neckline.capture.cameras import list_cameras
from neckline.capture.sources import is_camera
from neckline.config import PROBLEMS, Config, apply_overrides, save_user_config
from neckline.errors import ConfigError, NecklineError
from neckline.history.recorder import HistoryRecorder
from neckline.live.monitor import Status
from neckline.live.schedule import AlertGate, pause_until
from neckline.live.tally import DayTally
from neckline.posture.alerts import Alert
from neckline.posture.breaks import DeskEvent, DeskEventKind
from neckline.posture.calibration import Calibration
from neckline.posture.engine import PostureEngine, Sample
from neckline.posture.messages import (
    BREAK_TITLE,
    PROBLEM_WORDS,
    STATE_WORDS,
    alert_text,
    break_text,
    clock_words,
)
from neckline.stretches.catalogue import catalogue, stretch_for_break, stretches_for

from .worker import MonitorThread


@dataclass(frozen=True)
class BreakOffer:
    """A break reminder as shown: the stretch it offers, for which of today's strains."""

    event: DeskEvent
    problem: str | None
    stretch_id: str


NO_TRAY = ("No system tray was found, so neckline lives in this window: closing it quits. "
           "Alerts appear as cards near the corner of the screen.")


class AppController(QObject):
    alert_response = pyqtSignal(object, str)  # Alert; stretched/snoozed/dismissed/no_response
    display_changed = pyqtSignal(str)

    def __init__(self, config: Config, source: str, *, speed: float = 1.0,
                 tray: bool | None = None, state: AppState | None = None,
                 now: Callable[[], datetime] = datetime.now,
                 history_path: Path | None = None) -> None:
        super().__init__()
        self.config = config
        self.now = now
        self.state = state if state is not None else AppState.load()
        self.worker = MonitorThread(config, source, speed=speed)
        self.worker.monitor.preview_enabled = config.app.show_preview
        self.window = MainWindow(show_preview=config.app.show_preview,
                                 mirror=is_camera(source))
        self.gate = AlertGate(config.app.quiet_hours_start, config.app.quiet_hours_end)
        self.tally = DayTally(now().date())
        self.chime = Chime()
        self.theme = Theme(config.app.theme)
        self.status = Status("starting")
        self.sample: Sample | None = None
        self.calibration: Calibration | None = None
        self.paused = False
        self.display = "starting"
        self.toasts: list[Toast] = []
        self.use_notifier(DesktopNotifications(
            icon_folder=Path(platformdirs.user_cache_dir("neckline")) / "icons"))
        self.use_session_watch(SessionWatch())
        self.responses: list[tuple[Alert, str]] = []
        self.wizard: CalibrationWizard | None = None
        self.settings: SettingsDialog | None = None
        self.guide: GuideWindow | None = None
        self.stats_window: StatsWindow | None = None
        self._stats_read_at = -1  # the recorder's write count the statistics last read at
        self._recorder_notice: str | None = None
        self.history_path = history_path
        self.recorder: HistoryRecorder | None = None
        self._source = source
        self._quitting = False
        self._resume_timer = QTimer(self)
        self._resume_timer.setSingleShot(True)
        self._resume_timer.timeout.connect(self.resume)
        self._history_check = QTimer(self)  # a failed history write is shown when it happens
        self._history_check.setInterval(5000)
        self._history_check.timeout.connect(self._check_recorder)

        use_tray = QSystemTrayIcon.isSystemTrayAvailable() if tray is None else tray
        self.tray = self._make_tray() if use_tray else None
        if self.tray is None:
            self.window.quit_on_close = True
            self.window.show_notice(NO_TRAY)

        w = self.window
        w.pause_requested.connect(self.pause)
        w.resume_requested.connect(self.resume)
        w.recalibrate_requested.connect(lambda: self.open_wizard(onboarding=False))
        w.stretches_requested.connect(lambda: self.open_stretches(None))
        w.settings_requested.connect(self.open_settings)
        w.statistics_requested.connect(self.open_statistics)
        w.preview_toggled.connect(self._set_preview)
        w.closing.connect(self.quit)
        w.quit_requested.connect(self.quit)
        self.worker.sample_ready.connect(self._on_sample)
        self.worker.sample_ready.connect(self._settings_picture)
        self.worker.status_changed.connect(self._on_status)
        self.worker.alert_raised.connect(self._on_alert)
        self.worker.calibration_done.connect(self._on_calibration)
        self._update_thresholds()

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self.config.history.record:
            self._start_recording()
        until = self.state.paused_until
        if until is not None and until > self.now():
            self._enter_pause(until)
        elif until is not None:
            self.state.paused_until = None
            self._save_state()
        self.worker.start()
        place(self.window, "main", self.state)
        self.window.show()
        self._update_view()
        if not self.state.onboarded:
            self.open_wizard(onboarding=True)

    def _start_recording(self) -> None:
        try:
            self.recorder = HistoryRecorder(
                self.history_path, camera=self._source, model=self.config.processing.model,
                kind="app", flush_s=self.config.history.flush_s)
        except NecklineError as e:
            self.window.show_notice(f"Posture history is not being recorded: {e}")
            return
        if self.recorder.notice:
            self.window.show_notice(self.recorder.notice)
        self._recorder_notice = self.recorder.notice
        self._history_check.start()

    def _check_recorder(self) -> None:
        if self.recorder is not None and self.recorder.error:
            self.window.show_notice(self.recorder.error)
            self._history_check.stop()
            return
        if self.recorder is not None and self.recorder.notice != self._recorder_notice:
            # A lock or a full disk the recorder is waiting out, and its end.
            self._recorder_notice = self.recorder.notice
            self.window.show_notice(self._recorder_notice or "")
        # The statistics window follows what has been written since it last read.
        window = self.stats_window
        if self.recorder is not None and window is not None and window.isVisible() \
                and self.recorder.writes != self._stats_read_at:
            self._stats_read_at = self.recorder.writes
            window.refresh()

    def shutdown(self) -> None:
        """Stops the worker (releasing the camera), writes the last history, and closes every
        window of ours."""
        self._resume_timer.stop()
        self._history_check.stop()
        for toast in list(self.toasts):
            toast.respond("no_response")
        for name, window in (("main", self.window), ("guide", self.guide),
                             ("statistics", self.stats_window)):
            remember(window, name, self.state)
        self._save_state()  # unwritable: said, and the windows open centred next time
        for dialog in (self.wizard, self.settings, self.guide, self.stats_window):
            if dialog is not None:
                dialog.close()
        self.worker.shutdown()
        if self.recorder is not None:
            self.recorder.close()
            self.recorder = None
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

    def show_window(self) -> None:
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    # -- tray --------------------------------------------------------------------------------

    def _make_tray(self) -> QSystemTrayIcon:
        tray = QSystemTrayIcon(state_icon("starting"), self)
        menu = QMenu()
        self._tray_menu = menu
        self.menu_actions: dict[str, QAction] = {}

        def add(key: str, text: str, slot: Callable[[], object], parent: QMenu = menu) -> None:
            action = parent.addAction(text)
            assert action is not None
            action.triggered.connect(lambda _=False: slot())
            self.menu_actions[key] = action

        add("show", "Show neckline", self.show_window)
        pause_menu = menu.addMenu("Pause")
        assert pause_menu is not None
        for key, text in (("15min", "For 15 minutes"), ("1h", "For 1 hour"),
                          ("tomorrow", "Until tomorrow")):
            add(f"pause_{key}", text, lambda k=key: self.pause(k), pause_menu)  # type: ignore[misc]
        add("resume", "Resume", self.resume)
        menu.addSeparator()
        add("recalibrate", "Recalibrate…", lambda: self.open_wizard(onboarding=False))
        add("stretches", "Stretch guide…", lambda: self.open_stretches(None))
        add("statistics", "Statistics…", self.open_statistics)
        add("settings", "Settings…", self.open_settings)
        menu.addSeparator()
        add("quit", "Quit neckline", self.quit)
        tray.setContextMenu(menu)
        tray.activated.connect(self._tray_activated)
        tray.setToolTip("neckline")
        tray.show()
        return tray

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_window()

    # -- from the worker ---------------------------------------------------------------------

    def _on_sample(self, sample: Sample, preview: np.ndarray | None) -> None:
        previous, self.sample = self.sample, sample
        if previous is not None:
            self.tally.add(previous, min(max(sample.t - previous.t, 0.0), 2.0),
                           self.now().date())
        self.window.set_sample(sample, preview)
        if self.recorder is not None:
            self.recorder.add_sample(sample, time.time())
        for event in sample.desk_events:
            if event.kind is DeskEventKind.REMINDER:
                self._remind_break(event)
        self._update_view()

    def _on_status(self, status: Status) -> None:
        self.status = status
        self._update_view()

    def _on_calibration(self, calibration: Calibration | None, error: str | None) -> None:
        if calibration is not None:
            self.calibration = calibration
            self._update_thresholds()
            if self.recorder is not None:
                self.recorder.set_calibration(calibration)
        if error is not None and self.wizard is None:
            self.window.show_notice(error)

    def _on_alert(self, alert: Alert) -> None:
        if self.recorder is not None:
            self.recorder.add_alert(alert, time.time())
        if self.paused or not self.gate.allows(self.now()):
            self._record(alert, "no_response")  # quiet hours or snoozed: not shown
            return
        title, text = alert_text(alert, self.config.camera.view)
        offered = catalogue().stretches.get(alert.stretches[0]) if alert.stretches else None
        if not self._tell(alert, title, text, offered.title if offered else None, "strained"):
            self._record(alert, "no_response")

    def _remind_break(self, event: DeskEvent) -> None:
        """A break is due: said as an alert is, offering a stretch for today's strains."""
        if self.paused or self.held_for or not self.gate.allows(self.now()):
            return
        problem, stretch_id = stretch_for_break(self.tally.strained_by_problem)
        stretch = catalogue().stretches[stretch_id]
        text = break_text(event.at_desk_s, self.config.breaks.length_min, stretch.title, problem)
        self._tell(BreakOffer(event, problem, stretch_id), BREAK_TITLE, text, stretch.title,
                   "away")

    def _tell(self, subject: Alert | BreakOffer, title: str, text: str,
              stretch_title: str | None, icon: str) -> bool:
        """Shows an alert or a break reminder the way the settings say; False when nothing
        will answer (only a tray message was shown)."""
        style = self.config.app.alert_style
        if self.config.app.sound:
            self.chime.play()
        if style == "notification" and self.notifier.show(
                subject, title, text, stretch=stretch_title is not None, icon=icon):
            return True  # the answer comes by signal
        if style in ("tray", "both") and self.tray is not None:
            self.tray.showMessage(title, text, state_icon(icon), 15000)
        if style in ("notification", "toast", "both") or self.tray is None:
            self._show_card(subject, title, text, stretch_title, icon)
            return True
        return False

    def _show_toast(self, subject: Alert | BreakOffer, title: str, text: str,
                    stretch_title: str | None, icon: str = "strained") -> Toast:
        """The card for an alert or a break reminder, naming the stretch it offers, shown in
        the corner."""
        toast = Toast(subject, title, text, stretch_title, icon)
        self.toasts.append(toast)
        toast.show_in_corner()
        return toast

    def _show_card(self, subject: Alert | BreakOffer, title: str, text: str,
                   stretch_title: str | None, icon: str) -> None:
        toast = self._show_toast(subject, title, text, stretch_title, icon)
        toast.responded.connect(lambda response, t=toast: self._toast_answered(t, response))

    def _toast_answered(self, toast: Toast, response: str) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)
        self._answered(toast.subject, response)

    def _answered(self, subject: object, response: str) -> None:
        """The user's answer to an alert or a break reminder, from the card or a desktop
        notification."""
        if response == "snoozed":
            self.gate.snooze(self.now(), 15)
        if isinstance(subject, BreakOffer):
            if response == "stretched":
                self.open_stretches(subject.problem, subject.stretch_id)
            return
        assert isinstance(subject, Alert)
        if response == "stretched":
            self.open_stretches(subject.problem)
        self._record(subject, response)

    def _save_state(self) -> None:
        problem = self.state.save()
        if problem is not None:
            self.window.show_notice(problem)

    def use_session_watch(self, watch: SessionWatch) -> None:
        """Monitoring holds while the screen is locked or the machine sleeps (tests give a
        watch on their own bus)."""
        self.session_watch = watch
        watch.changed.connect(self._hold_for)

    @property
    def held_for(self) -> str:
        """"locked" or "asleep" while monitoring is held for it (the camera off), else ""."""
        return self.session_watch.reason

    def _hold_for(self, reason: str) -> None:
        if reason:
            self.worker.monitor.pause(by_user=False)  # the camera is released
        elif not self.paused:
            self.worker.monitor.resume()
        self._update_view()

    def use_notifier(self, notifier: DesktopNotifications) -> None:
        """Alerts in the desktop's notifications go through ``notifier`` (tests give one on
        their own session bus)."""
        self.notifier = notifier
        notifier.responded.connect(self._answered)

    def _record(self, alert: Alert, response: str) -> None:
        self.responses.append((alert, response))
        if self.recorder is not None:
            self.recorder.set_response(alert, response)
        self.alert_response.emit(alert, response)

    # -- what the window and the tray show ---------------------------------------------------

    def display_state(self) -> str:
        if self.paused or self.held_for:
            return "paused"
        if self.status.is_problem:
            return "problem"
        if self.sample is None:
            return "starting"
        return self.sample.state

    def _detail(self, display: str) -> str:
        if display == "paused" and self.held_for and not self.paused:
            why = "the screen is locked" if self.held_for == "locked" else "the computer sleeps"
            return f"Paused while {why}; the camera is off."
        if display == "paused" and self.state.paused_until is not None:
            until = self.state.paused_until
            day = " tomorrow" if until.date() > self.now().date() else ""
            return f"Paused until {until:%H:%M}{day}; the camera is off."
        if display == "problem":
            return self.status.message
        if display == "calibrating":
            return "Sit comfortably upright and look at the screen."
        if display == "away":
            return "Nobody in view: this is not counted as bad posture."
        if display in ("good", "strained") and self.calibration is None:
            return ("Not calibrated yet: judged against a level head. Calibrate for your own "
                    "neutral posture.")
        return ""

    def _update_view(self) -> None:
        display = self.display_state()
        headline = PROBLEM_WORDS.get(self.status.kind, "") if display == "problem" else ""
        self.window.set_state(display, self._detail(display), headline)
        share = self.tally.good_share
        self.window.set_today(
            f"Today: {clock_words(self.tally.good_s)} in good posture"
            + (f" ({share:.0%} of your desk time)" if share is not None else ""))
        if display != self.display:
            self.display = display
            if self.tray is not None:
                self.tray.setIcon(state_icon(display))
                self.tray.setToolTip(f"neckline: {STATE_WORDS.get(display, display)}")
                self.menu_actions["resume"].setVisible(self.paused)
            self.display_changed.emit(display)

    def _update_thresholds(self) -> None:
        engine = PostureEngine(self.config, self.calibration)
        self.window.set_thresholds({p: engine.threshold(p) for p in PROBLEMS},
                                   self.config.camera.view)

    # -- user actions ------------------------------------------------------------------------

    def pause(self, choice: str) -> None:
        self._enter_pause(pause_until(self.now(), choice))

    def _enter_pause(self, until: datetime) -> None:
        self.paused = True
        self.state.paused_until = until
        self._save_state()
        self.worker.monitor.pause()
        seconds = max((until - self.now()).total_seconds(), 0.0)
        self._resume_timer.start(int(min(seconds, 2**31 / 1000 - 1) * 1000))
        self._update_view()

    def resume(self) -> None:
        self._resume_timer.stop()
        self.paused = False
        self.state.paused_until = None
        self._save_state()
        if not self.held_for:  # still locked or asleep: monitoring waits for the desk
            self.worker.monitor.resume()
        self._update_view()

    def open_wizard(self, *, onboarding: bool) -> CalibrationWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        if self.paused:
            self.resume()
        wizard = CalibrationWizard(self.worker, onboarding=onboarding,
                                   seconds=self.config.calibration.seconds,
                                   view=self.config.camera.view, parent=self.window,
                                   mirror=self.window.mirror)
        # The wizard shows the camera's picture to frame by, whatever "Show preview" says.
        self.worker.monitor.preview_enabled = True
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
            self.worker.monitor.preview_enabled = self.window.preview_box.isChecked()
        if onboarding and not self.state.onboarded:
            self.state.onboarded = True
            self._save_state()

    def _choose_view(self, view: str) -> None:
        self.apply_config(apply_overrides(self.config, {"camera": {"view": view}}))

    def open_stretches(self, problem: str | None, stretch_id: str | None = None) -> GuideWindow:
        """The stretch guide, at ``stretch_id`` or the first stretch for ``problem`` (or all
        stretches)."""
        if self.guide is None:
            self.guide = GuideWindow()
            place(self.guide, "guide", self.state, near=self.window)
            self.guide.stretch_done.connect(self._stretch_done)
            self.worker.sample_ready.connect(self.guide.on_sample)
        self.guide.show_problem(problem, stretch_id)
        self.guide.show()
        self.guide.raise_()
        return self.guide

    def _stretch_done(self, stretch_id: str, problem: str | None) -> None:
        if self.recorder is not None:
            self.recorder.add_stretch(stretch_id, problem, time.time())

    def open_statistics(self) -> StatsWindow:
        """The statistics window, on this week; what is still pending in the recorder (the last
        stretch, the current minute) is written at once and the window reads it again when it
        lands, so it agrees with `neckline stats`."""
        if self.recorder is not None:
            self._stats_read_at = self.recorder.writes
            self.recorder.flush_soon()
            QTimer.singleShot(1000, self._check_recorder)
        if self.stats_window is None:
            self.stats_window = StatsWindow(
                self.history_path, goal_percent=self.config.history.daily_goal_percent)
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

    def show_example_alert(self) -> Toast:
        """The alert card as it will look (from Settings); not recorded, no effect."""
        example = Alert(self.now().timestamp(), "head_tilt", 60.0, 14.0,
                        stretches_for("head_tilt"))
        toast = self._show_toast(example, *alert_text(example, self.config.camera.view),
                                 catalogue().stretches[example.stretches[0]].title)
        toast.responded.connect(lambda _r, t=toast: self.toasts.remove(t)
                                if t in self.toasts else None)
        if self.settings is not None and self.settings.values()["app"]["sound"]:
            self.chime.play()
        return toast

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
        self.worker.monitor.set_config(config)
        self.theme.set_choice(config.app.theme)
        self.gate.quiet_start = config.app.quiet_hours_start
        self.gate.quiet_end = config.app.quiet_hours_end
        if self.calibration is not None and self.calibration.view != config.camera.view:
            self.calibration = None
        self.window.preview_box.setChecked(config.app.show_preview)
        self._update_thresholds()
        self._update_view()

    def _set_preview(self, on: bool) -> None:
        self.worker.monitor.preview_enabled = on
