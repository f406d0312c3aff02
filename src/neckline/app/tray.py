"""The tray icon and its menu: it shows the session's state and asks for actions by signal;
it decides nothing."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QMenu, QSystemTrayIcon

from neckline.app.appstate import AppState
from neckline.app.icons import state_icon
from neckline.app.session import DisplayState
from neckline.posture.messages import STATE_WORDS

PAUSES = (("15min", "For 15 minutes"), ("1h", "For 1 hour"), ("tomorrow", "Until tomorrow"))


class Tray(QObject):
    show_requested = pyqtSignal()
    pause_requested = pyqtSignal(str)  # a choice of PAUSES
    resume_requested = pyqtSignal()
    resume_alerts_requested = pyqtSignal()  # end the snooze now
    recalibrate_requested = pyqtSignal()
    stretches_requested = pyqtSignal()
    statistics_requested = pyqtSignal()
    settings_requested = pyqtSignal()
    quit_requested = pyqtSignal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(state_icon("starting"), self)
        self.menu = QMenu()
        self.actions: dict[str, QAction] = {}

        def add(key: str, text: str, emit: Callable[[], object], parent: QMenu = self.menu
                ) -> None:
            action = parent.addAction(text)
            assert action is not None
            action.triggered.connect(lambda _=False: emit())
            self.actions[key] = action

        add("show", "Show neckline", self.show_requested.emit)
        pause_menu = self.menu.addMenu("Pause")
        assert pause_menu is not None
        for key, text in PAUSES:
            add(f"pause_{key}", text, lambda k=key: self.pause_requested.emit(k),  # type: ignore[misc]
                pause_menu)
        add("resume", "Resume", self.resume_requested.emit)
        add("resume_alerts", "Resume alerts now", self.resume_alerts_requested.emit)
        self.actions["resume_alerts"].setVisible(False)
        self.menu.addSeparator()
        add("recalibrate", "Recalibrate…", self.recalibrate_requested.emit)
        add("stretches", "Stretch guide…", self.stretches_requested.emit)
        add("statistics", "Statistics…", self.statistics_requested.emit)
        add("settings", "Settings…", self.settings_requested.emit)
        self.menu.addSeparator()
        add("quit", "Quit neckline", self.quit_requested.emit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.setToolTip("neckline")
        self.icon.show()

    def show_state(self, display: DisplayState, paused: bool, detail: str = "") -> None:
        """The icon and tooltip of ``display`` (with ``detail`` where it says why monitoring
        waits: "Paused while Zoom uses the camera."); Resume is offered while the user
        paused. Said often (each sample): only a change is drawn."""
        words = STATE_WORDS.get(display, display)
        if display == "paused" and detail:
            words = detail
        if (display, words, paused) == getattr(self, "_shown", None):
            return
        self._shown = (display, words, paused)
        self.icon.setIcon(state_icon(display))
        self._state_words = words
        self._tip()
        self.actions["resume"].setVisible(paused)

    def show_snooze(self, words: str) -> None:
        """The snooze in the tooltip, and "Resume alerts now" while it lasts."""
        self._snooze_words = words
        self._tip()
        self.actions["resume_alerts"].setVisible(bool(words))

    def _tip(self) -> None:
        said = getattr(self, "_snooze_words", "")
        self.icon.setToolTip(f"neckline: {getattr(self, '_state_words', '')}"
                             + (f"\n{said}" if said else ""))

    def window_hidden(self, state: AppState, save: Callable[[], None]) -> None:
        """The window was closed: the first time ever, the tray says where neckline went."""
        if state.told_tray:
            return
        state.told_tray = True
        save()
        self.message("neckline goes on in the tray",
                     "Closing the window keeps neckline running. Click its icon here to "
                     "bring the window back; Quit is in its menu.", "good")

    def message(self, title: str, text: str, icon: DisplayState) -> None:
        self.icon.showMessage(title, text, state_icon(icon), 15000)

    def hide(self) -> None:
        self.icon.hide()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_requested.emit()
