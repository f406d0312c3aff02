"""Knowing when the user cannot be at the desk: the screen locked (the freedesktop.org screen
saver's ``ActiveChanged``, and GNOME's, MATE's and Cinnamon's own, on the session bus) or the
machine going to sleep (logind's ``PrepareForSleep`` on the system bus), or logind saying
this login session is locked (``Lock``/``Unlock`` and ``LockedHint``: sway and other wlroots
desktops, which have no screen saver service). The app pauses
monitoring and releases the camera meanwhile; the time counts neither as desk time nor as time
away (nothing is recorded for it).

Signals are taken from any sender on those paths, so a desktop whose screen locker owns the
interface under another bus name is heard too (the worst another program can do by sending one
is pause monitoring). Without a bus nothing is heard and monitoring simply goes on.
"""

from __future__ import annotations

import os

from PyQt6.QtCore import QObject, pyqtSignal, pyqtSlot
from PyQt6.QtDBus import QDBusConnection, QDBusMessage

SCREEN_SAVERS = (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                 ("org.freedesktop.ScreenSaver", "/ScreenSaver"),  # KDE
                 ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
                 ("org.mate.ScreenSaver", "/org/mate/ScreenSaver"),
                 ("org.cinnamon.ScreenSaver", "/org/cinnamon/ScreenSaver"))
LOGIN = ("/org/freedesktop/login1", "org.freedesktop.login1.Manager")
SESSION = "org.freedesktop.login1.Session"


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
            session_id = os.environ.get("XDG_SESSION_ID")
            if session_id:
                self._hear_session(system, f"{LOGIN[0]}/session/{_label(session_id)}")

    def _hear_session(self, system: QDBusConnection, path: str) -> None:
        """logind's word on this login session: ``Lock`` and ``Unlock`` (what sway, Hyprland
        and other wlroots desktops lock by, with swayidle and swaylock: they have no screen
        saver service) and its ``LockedHint`` (set by lockers that say they locked)."""
        for member, slot in (("Lock", self._on_session_lock),
                             ("Unlock", self._on_session_unlock)):
            self.listening |= system.connect("", path, SESSION, member, slot)
        self.listening |= system.connect("", path, "org.freedesktop.DBus.Properties",
                                         "PropertiesChanged", self._on_session_properties)

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

    @pyqtSlot(QDBusMessage)
    def _on_session_lock(self, _message: QDBusMessage) -> None:
        self._set(locked=True, asleep=self.asleep)

    @pyqtSlot(QDBusMessage)
    def _on_session_unlock(self, _message: QDBusMessage) -> None:
        self._set(locked=False, asleep=self.asleep)

    @pyqtSlot(QDBusMessage)
    def _on_session_properties(self, message: QDBusMessage) -> None:
        arguments = message.arguments()
        if len(arguments) >= 2 and arguments[0] == SESSION and isinstance(arguments[1], dict):
            hint = arguments[1].get("LockedHint")
            if isinstance(hint, bool):
                self._set(locked=hint, asleep=self.asleep)

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


def _label(text: str) -> str:
    """``text`` as logind writes it into an object path (sd-bus's label escaping): every
    character but a letter, or a digit after the first place, as ``_`` and two hex digits
    (session "3" is ``_33``)."""
    out = []
    for i, ch in enumerate(text):
        if ch.isascii() and (ch.isalpha() or (i > 0 and ch.isdigit())):
            out.append(ch)
        else:
            out.extend(f"_{b:02x}" for b in ch.encode("utf-8"))
    return "".join(out) or "_"
