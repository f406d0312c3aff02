"""Posture alerts and break reminders through the desktop's own notifications (the
freedesktop.org notification service on the session bus: GNOME, KDE, Xfce, dunst, mako...),
with the actions "Show stretch" and "Snooze"; the user's answer comes back with what was shown.

Without a service on the bus (or without a bus) ``available()`` is False and the app shows its
own alert card instead.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QMetaType, QObject, pyqtSignal, pyqtSlot
from PyQt6.QtDBus import QDBus, QDBusArgument, QDBusConnection, QDBusInterface, QDBusMessage

from neckline.app.icons import state_pixmap
from neckline.app.session import DisplayState
from neckline.posture.alerts import Response

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
UINT = QMetaType.fromName(b"uint").id()  # D-Bus types the call's signature needs
STRINGS = QMetaType.fromName(b"QStringList").id()
SHOWN_MS = 15000  # as the alert card: long enough to read, gone without a click

# Actions: key, label. "default" is what a click on the notification itself does.
ACTIONS = (("default", "Show stretch"), ("stretch", "Show stretch"),
           ("snooze", "Snooze 15 min"))
RESPONSES: dict[str, Response] = {"default": "stretched", "stretch": "stretched",
                                  "snooze": "snoozed"}
# NotificationClosed reasons (the specification's numbers): 1 expired, 2 dismissed by the
# user, 3 closed by a CloseNotification call, 4 undefined.
CLOSED_RESPONSES: dict[int, Response] = {1: "no_response", 2: "dismissed"}


class DesktopNotifications(QObject):
    """Emits ``responded(subject, response)`` once per notification shown (``subject`` is what
    ``show`` was given: an alert or a break reminder): "stretched", "snoozed", "dismissed" or
    "no_response" (it expired, or the service closed it)."""

    responded = pyqtSignal(object, str)

    def __init__(self, icon_folder: Path | None = None,
                 bus: QDBusConnection | None = None) -> None:
        super().__init__()
        self.bus = bus if bus is not None else QDBusConnection.sessionBus()
        self.shown: dict[int, object] = {}
        self._icon_folder = icon_folder
        self._icons: dict[str, str] = {}  # state -> its PNG, written once
        if self.bus.isConnected():
            for signal, slot in (("ActionInvoked", self._on_action),
                                 ("NotificationClosed", self._on_closed)):
                self.bus.connect(SERVICE, PATH, SERVICE, signal, slot)

    def available(self) -> bool:
        """A notification service runs on the session bus (checked each time: it may start or
        stop while neckline runs)."""
        if not self.bus.isConnected():
            return False
        interface = self.bus.interface()
        if interface is None:
            return False
        reply = interface.isServiceRegistered(SERVICE)
        return bool(reply.isValid() and reply.value())

    def show(self, subject: object, title: str, text: str, *, stretch: bool,
             icon: DisplayState = "strained") -> bool:
        """Shows a notification for ``subject`` with the state icon ``icon``, offering "Show
        stretch" if ``stretch``; False when the service did not take it (the caller shows the
        card)."""
        if not self.available():
            return False
        notifications = QDBusInterface(SERVICE, PATH, SERVICE, self.bus)
        offered = ACTIONS if stretch else ACTIONS[2:]  # no stretch: only Snooze
        actions = [part for action in offered for part in action]
        hints = {"desktop-entry": "neckline", "category": "presence"}
        if icon not in self._icons:
            self._icons[icon] = _icon_file(self._icon_folder, icon) if self._icon_folder else ""
        reply = notifications.call(
            QDBus.CallMode.Block, "Notify", "neckline",
            QDBusArgument(0, UINT), self._icons[icon], title, text,
            QDBusArgument(actions, STRINGS), hints, SHOWN_MS)
        if reply.type() != QDBusMessage.MessageType.ReplyMessage or not reply.arguments():
            return False
        self.shown[int(reply.arguments()[0])] = subject
        return True

    @pyqtSlot(QDBusMessage)
    def _on_action(self, message: QDBusMessage) -> None:
        number, key = message.arguments()[:2]
        if self._answer(int(number), RESPONSES.get(str(key), "dismissed")):
            notifications = QDBusInterface(SERVICE, PATH, SERVICE, self.bus)
            notifications.call(QDBus.CallMode.NoBlock, "CloseNotification",
                               QDBusArgument(int(number), UINT))

    @pyqtSlot(QDBusMessage)
    def _on_closed(self, message: QDBusMessage) -> None:
        number, reason = message.arguments()[:2]
        self._answer(int(number), CLOSED_RESPONSES.get(int(reason), "no_response"))

    def _answer(self, number: int, response: Response) -> bool:
        """Emits the response to notification ``number`` if it is one of ours, once."""
        subject = self.shown.pop(number, None)
        if subject is not None:
            self.responded.emit(subject, response)
        return subject is not None


def _icon_file(folder: Path, state: DisplayState) -> str:
    """The state's icon as a PNG the service can read (it cannot take a picture drawn in
    code); empty (the service's own icon) when the folder cannot be written."""
    path = folder / f"neckline-{state}.png"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists() and not state_pixmap(state, 64).save(str(path), "PNG"):
            return ""
    except OSError:
        return ""
    return str(path)
