"""Knowing when the user cannot be at the desk: the screen locked (the freedesktop.org screen
saver's ``ActiveChanged``, and GNOME's, MATE's and Cinnamon's own, on the session bus) or the
machine going to sleep (logind's ``PrepareForSleep`` on the system bus). The app pauses
monitoring and releases the camera meanwhile; the time counts neither as desk time nor as time
away (nothing is recorded for it).

Signals are taken from any sender on those paths, so a desktop whose screen locker owns the
interface under another bus name is heard too (the worst another program can do by sending one
is pause monitoring). Without a bus nothing is heard and monitoring simply goes on.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot
from PyQt6.QtDBus import QDBusConnection, QDBusMessage

SCREEN_SAVERS = (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                 ("org.freedesktop.ScreenSaver", "/ScreenSaver"),  # KDE
                 ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
                 ("org.mate.ScreenSaver", "/org/mate/ScreenSaver"),
                 ("org.cinnamon.ScreenSaver", "/org/cinnamon/ScreenSaver"))
LOGIN = ("/org/freedesktop/login1", "org.freedesktop.login1.Manager")


class SessionWatch(QObject):
    """Emits ``changed(reason)`` with "locked", "asleep" or "" (back at the desk's session)."""

    changed = pyqtSignal(str)

    def __init__(self, session_bus: QDBusConnection | None = None,
                 system_bus: QDBusConnection | None = None) -> None:
        super().__init__()
        self.locked = False
        self.asleep = False
        session = session_bus if session_bus is not None else QDBusConnection.sessionBus()
        system = system_bus if system_bus is not None else QDBusConnection.systemBus()
        self.listening = False  # some bus answered: lock or sleep can be heard
        if session.isConnected():
            for interface, path in SCREEN_SAVERS:
                self.listening |= session.connect("", path, interface, "ActiveChanged",
                                                  self._on_lock)
        if system.isConnected():
            path, interface = LOGIN
            self.listening |= system.connect("", path, interface, "PrepareForSleep",
                                             self._on_sleep)

    @property
    def reason(self) -> str:
        """Why monitoring is held: "asleep", "locked", or "" when it is not."""
        return "asleep" if self.asleep else "locked" if self.locked else ""

    @pyqtSlot(QDBusMessage)
    def _on_lock(self, message: QDBusMessage) -> None:
        active = _flag(message)
        if active is not None:
            self._set(locked=active, asleep=self.asleep)

    @pyqtSlot(QDBusMessage)
    def _on_sleep(self, message: QDBusMessage) -> None:
        asleep = _flag(message)
        if asleep is not None:
            self._set(locked=self.locked, asleep=asleep)

    def _set(self, *, locked: bool, asleep: bool) -> None:
        before = self.reason
        self.locked, self.asleep = locked, asleep
        if self.reason != before:
            self.changed.emit(self.reason)


def _flag(message: QDBusMessage) -> bool | None:
    """The signal's one true/false argument; None for a signal that carries none (any program
    can send one on these paths: it is ignored, not obeyed)."""
    arguments = message.arguments()
    if len(arguments) != 1 or not isinstance(arguments[0], bool):
        return None
    return arguments[0]
