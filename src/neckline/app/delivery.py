"""Saying an alert or a break reminder to the user, the way the settings ask: the desktop's
notification (with Show stretch and Snooze), the card near the corner, a tray message, a chime.
Whichever way it went, the user's answer comes back once, by ``answered``."""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QObject, pyqtSignal

from neckline.app.notifier import DesktopNotifications
from neckline.app.session import DisplayState
from neckline.app.sound import Chime
from neckline.app.toast import Toast
from neckline.app.tray import Tray
from neckline.posture.alerts import Alert, Response
from neckline.posture.breaks import DeskEvent


@dataclass(frozen=True)
class BreakOffer:
    """A break reminder as shown: the stretch it offers, for which of today's strains."""

    event: DeskEvent
    problem: str | None
    stretch_id: str


class AlertDelivery(QObject):
    answered = pyqtSignal(object, str)  # Alert or BreakOffer; stretched/snoozed/dismissed/...

    def __init__(self, notifier: DesktopNotifications, tray: Tray | None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray = tray
        self.chime = Chime()
        self.toasts: list[Toast] = []  # the cards on screen
        # Sent to the notification service, not yet answered: what its card would show.
        self._sent: dict[int, tuple[Alert | BreakOffer, str, str, str | None,
                                    DisplayState]] = {}
        self.use_notifier(notifier)

    def use_notifier(self, notifier: DesktopNotifications) -> None:
        """Desktop notifications go through ``notifier`` (tests give one on their own bus)."""
        self.notifier = notifier
        notifier.responded.connect(self._notification_answered)
        notifier.refused.connect(self._refused)

    def tell(self, subject: Alert | BreakOffer, title: str, text: str,
             stretch_title: str | None, icon: DisplayState, *, style: str, sound: bool) -> bool:
        """Shows ``subject`` in ``style`` (app.alert_style); False when nothing will answer
        (only a tray message was shown)."""
        if sound:
            self.chime.play()
        if style == "notification" and self.notifier.show(
                subject, title, text, stretch=stretch_title is not None, icon=icon):
            self._sent[id(subject)] = (subject, title, text, stretch_title, icon)
            return True  # the answer comes by signal
        if style in ("tray", "both") and self.tray is not None:
            self.tray.message(title, text, icon)
        if style in ("notification", "toast", "both") or self.tray is None:
            self._answered_card(subject, title, text, stretch_title, icon)
            return True
        return False

    def _answered_card(self, subject: Alert | BreakOffer, title: str, text: str,
                       stretch_title: str | None, icon: DisplayState) -> None:
        card = self.card(subject, title, text, stretch_title, icon)
        card.responded.connect(lambda response, c=card: self._card_answered(c, response))

    def _notification_answered(self, subject: Alert | BreakOffer, response: Response) -> None:
        self._sent.pop(id(subject), None)
        self.answered.emit(subject, response)

    def _refused(self, subject: Alert | BreakOffer) -> None:
        """The notification service did not take it (it stopped or hangs): the card instead."""
        sent = self._sent.pop(id(subject), None)
        if sent is not None:
            self._answered_card(*sent)

    def card(self, subject: Alert | BreakOffer, title: str, text: str,
             stretch_title: str | None, icon: DisplayState = "strained") -> Toast:
        """The card for ``subject``, naming the stretch it offers, shown in the corner; its
        answer is the caller's to connect (an example card's goes nowhere)."""
        toast = Toast(subject, title, text, stretch_title, icon)
        self.toasts.append(toast)
        toast.responded.connect(lambda _r, t=toast: self._forget(t))
        toast.show_in_corner()
        return toast

    def close_all(self) -> None:
        """Every card still on screen is closed unanswered (at quit)."""
        for toast in list(self.toasts):
            toast.respond("no_response")

    def _forget(self, toast: Toast) -> None:
        if toast in self.toasts:
            self.toasts.remove(toast)

    def _card_answered(self, toast: Toast, response: Response) -> None:
        self._forget(toast)
        self.answered.emit(toast.subject, response)
