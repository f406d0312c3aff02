"""Posture alerts and break reminders through the desktop's own notifications (the
freedesktop.org notification service on the session bus: GNOME, KDE, Xfce, dunst, mako...),
with the actions "Show stretch" and "Snooze"; the user's answer comes back with what was shown.

Without a service on the bus (or without a bus) ``available()`` is False and the app shows its
own alert card instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QMetaType, QObject, pyqtSignal, pyqtSlot
from PyQt6.QtDBus import (
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusPendingCallWatcher,
    QDBusPendingReply,
    QDBusServiceWatcher,
)

from neckline.app.activation import use_token
from neckline.app.icons import state_pixmap
from neckline.app.session import DisplayState
from neckline.posture.alerts import Response

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
UINT = QMetaType.fromName(b"uint").id()  # D-Bus types the call's signature needs
STRINGS = QMetaType.fromName(b"QStringList").id()
BYTE = QMetaType.fromName(b"uchar").id()
# Left for the user to answer: where the service honours it (dunst, KDE) it stays until then;
# GNOME keeps it in its message list. (It used to expire after 15 s, counted "no response".)
NEVER_EXPIRES = 0
# Services that list every action, the click's own ("default") included, in a menu: there
# "Show stretch" is offered once, as that default.
MENU_SERVERS = ("dunst", "mako")
REPLY_MS = 5000  # a service started on demand answers within this; a hung one never does

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
    "no_response" (it expired, or the service closed it); or ``refused(subject)`` when the
    service did not take it within ``REPLY_MS`` (stopped, hung, gone), so the card is shown.

    Nothing here waits for another process: calls go out asynchronously and their replies
    come back through the event loop, so a notification service that hangs never freezes the
    window or stops neckline from quitting."""

    responded = pyqtSignal(object, str)
    refused = pyqtSignal(object)

    def __init__(self, icon_folder: Path | None = None,
                 bus: QDBusConnection | None = None) -> None:
        super().__init__()
        self.bus = bus if bus is not None else QDBusConnection.sessionBus()
        self.shown: dict[int, object] = {}
        self._icon_folder = icon_folder
        self._icons: dict[str, str] = {}  # state -> its PNG, written once
        self._pending: set[QDBusPendingCallWatcher] = set()
        self._early: dict[int, Response] = {}  # answers that came before their number
        self._running = False  # the service's name has an owner now
        self._on_demand = False  # the bus starts the service when it is first called
        # The running service's name for itself ("dunst", "gnome-shell"...); None until known.
        self._server: str | None = None
        if self.bus.isConnected():
            for signal, slot in (("ActionInvoked", self._on_action),
                                 ("NotificationClosed", self._on_closed),
                                 ("ActivationToken", self._on_token)):
                self.bus.connect(SERVICE, PATH, SERVICE, signal, slot)
            self._watcher = QDBusServiceWatcher(
                SERVICE, self.bus, QDBusServiceWatcher.WatchModeFlag.WatchForOwnerChange, self)
            self._watcher.serviceOwnerChanged.connect(self._owner_changed)
            self._ask_bus("NameHasOwner", [SERVICE], self._has_owner)
            self._ask_bus("ListActivatableNames", [], self._activatable_names)

    def available(self) -> bool:
        """A notification service runs on the session bus, or the bus starts one on demand
        (mako or dunst under sway and other window managers: the first notification starts
        it), as last heard from the bus: its owner changes are followed as they happen."""
        return self.bus.isConnected() and (self._on_demand or (
            self._running and self._server is not None))

    def show(self, subject: object, title: str, text: str, *, stretch: bool,
             icon: DisplayState = "strained", keep: bool = False) -> bool:
        """Sends a notification for ``subject`` with the state icon ``icon``, offering "Show
        stretch" if ``stretch``; False when no service is there (the caller shows the card).
        A service that then fails to take it is told by ``refused``."""
        if not self.available():
            return False
        offered: tuple[tuple[str, str], ...] = ACTIONS if stretch else ACTIONS[2:]  # no stretch
        if stretch and self._server in MENU_SERVERS:  # the click's own action is listed
            offered = (ACTIONS[0], ACTIONS[2])
        actions = [part for action in offered for part in action]
        # Urgency 2 (critical) stays up until answered on GNOME, KDE and dunst.
        hints = {"desktop-entry": "neckline", "category": "x-neckline.posture",
                 "urgency": QDBusArgument(2 if keep else 1, BYTE)}
        if icon not in self._icons:
            self._icons[icon] = _icon_file(self._icon_folder, icon) if self._icon_folder else ""
        self._call(SERVICE, PATH, SERVICE, "Notify",
                   ["neckline", QDBusArgument(0, UINT), self._icons[icon], title, text,
                    QDBusArgument(actions, STRINGS), hints, NEVER_EXPIRES],
                   lambda reply: self._notified(subject, reply))
        return True

    def _notified(self, subject: object, reply: QDBusMessage) -> None:
        number = reply.arguments()[0] if reply.type() == QDBusMessage.MessageType.ReplyMessage \
            and reply.arguments() else None
        if not isinstance(number, int) or isinstance(number, bool):
            self.refused.emit(subject)
            return
        self.shown[number] = subject
        early = self._early.pop(number, None)
        if early is not None:
            self._answer(number, early)

    # -- the bus, asynchronously -------------------------------------------------------------

    def _call(self, service: str, path: str, interface: str, method: str, args: list[object],
              then: Callable[[QDBusMessage], None]) -> None:
        message = QDBusMessage.createMethodCall(service, path, interface, method)
        message.setArguments(args)
        watcher = QDBusPendingCallWatcher(self.bus.asyncCall(message, REPLY_MS), self)
        self._pending.add(watcher)

        def finished(done: QDBusPendingCallWatcher) -> None:
            self._pending.discard(done)
            done.deleteLater()
            then(QDBusPendingReply(done).reply())

        watcher.finished.connect(finished)

    def _ask_bus(self, method: str, args: list[object],
                 then: Callable[[QDBusMessage], None]) -> None:
        self._call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                   method, args, then)

    def _has_owner(self, reply: QDBusMessage) -> None:
        if reply.type() == QDBusMessage.MessageType.ReplyMessage and reply.arguments() \
                and reply.arguments()[0] and not self._running:
            self._running = True
            self._ask_who()

    def _ask_who(self) -> None:
        """The running service's name for itself (asked of a running one only: the call
        would start one that runs on demand)."""
        self._server = None
        self._call(SERVICE, PATH, SERVICE, "GetServerInformation", [], self._server_info)

    def _activatable_names(self, reply: QDBusMessage) -> None:
        names = reply.arguments()[0] if reply.type() == QDBusMessage.MessageType.ReplyMessage \
            and reply.arguments() else []
        self._on_demand = isinstance(names, list) and SERVICE in names

    def _owner_changed(self, _name: str, _old: str, new: str) -> None:
        self._running = bool(new)
        if new:  # another service now: ask who it is
            self._ask_who()

    def _server_info(self, reply: QDBusMessage) -> None:
        arguments = reply.arguments() if reply.type() == \
            QDBusMessage.MessageType.ReplyMessage else []
        self._server = str(arguments[0]).lower() if arguments else ""

    @pyqtSlot(QDBusMessage)
    def _on_action(self, message: QDBusMessage) -> None:
        number, key = _number_and(message, str)
        if number is not None and self._answer(number, RESPONSES.get(str(key), "dismissed")):
            self._call(SERVICE, PATH, SERVICE, "CloseNotification",
                       [QDBusArgument(number, UINT)], lambda _reply: None)

    @pyqtSlot(QDBusMessage)
    def _on_token(self, message: QDBusMessage) -> None:
        """The desktop's activation token for the action about to come (KDE Plasma; GNOME
        from 45): the window that action opens may come to the front with it."""
        number, token = _number_and(message, str)
        if number is not None and number in self.shown:
            use_token(str(token))

    @pyqtSlot(QDBusMessage)
    def _on_closed(self, message: QDBusMessage) -> None:
        number, reason = _number_and(message, int)
        if number is not None:
            self._answer(number, CLOSED_RESPONSES.get(int(reason or 0), "no_response"))

    def _answer(self, number: int, response: Response) -> bool:
        """Emits the response to notification ``number`` if it is one of ours, once. An
        answer can overtake the reply that tells the number (the two come by different
        routes through Qt): it is kept a moment for the reply to claim."""
        subject = self.shown.pop(number, None)
        if subject is not None:
            self.responded.emit(subject, response)
        elif self._pending:
            self._early[number] = response
            while len(self._early) > 16:
                del self._early[next(iter(self._early))]
        return subject is not None


def _number_and(message: QDBusMessage, kind: type) -> tuple[int | None, Any]:
    """A notification signal's id and its second argument; (None, None) for a signal that
    does not carry them (any program may send one: it is ignored)."""
    arguments = message.arguments()
    if len(arguments) != 2 or not isinstance(arguments[0], int) \
            or not isinstance(arguments[1], kind):
        return None, None
    return arguments[0], arguments[1]


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
