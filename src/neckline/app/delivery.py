"""Saying an alert or a break reminder to the user, the way the settings ask: the desktop's
notification (with Show stretch and Snooze), the card near the corner, a tray message, a chime.
Whichever way it went, the user's answer comes back once, by ``answered``."""

from __future__ import annotations

from dataclasses import dataclass

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QWidget

from neckline.app.activation import on_wayland
from neckline.app.notifier import DesktopNotifications
from neckline.app.session import DisplayState
from neckline.app.sound import Chime
from neckline.app.toast import Toast
from neckline.app.tray import Tray
from neckline.config import View
from neckline.posture.alerts import Alert, Response
from neckline.posture.breaks import DeskEvent
from neckline.posture.messages import alert_text
from neckline.stretches.catalogue import catalogue, stretches_for


@dataclass(frozen=True)
class BreakOffer:
    """A break reminder as shown: the stretch it offers, for which of today's strains;
    ``keep``: it stays on screen until answered (breaks.keep_on_screen)."""

    event: DeskEvent
    problem: str | None
    stretch_id: str
    keep: bool = False


class AlertDelivery(QObject):
    answered = pyqtSignal(object, str)  # Alert or BreakOffer; stretched/snoozed/dismissed/...

    def __init__(self, notifier: DesktopNotifications, tray: Tray | None, window: QWidget,
                 parent: QObject | None = None) -> None:
        """``window``: neckline's main window, where a card goes on Wayland."""
        super().__init__(parent)
        self.tray = tray
        self.window = window
        self._examples: set[int] = set()  # subjects shown as examples: answers go nowhere
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

    def style(self, chosen: str) -> str:
        """The way alerts go now, for the style chosen. On Wayland a card can be neither
        placed nor kept on top, and GNOME and sway give every new window the keyboard, so
        alerts go to the desktop's notifications whatever the choice, where it has them."""
        if on_wayland() and self.notifier.available():
            return "notification"
        return chosen

    def tell(self, subject: Alert | BreakOffer, title: str, text: str,
             stretch_title: str | None, icon: DisplayState, *, style: str, sound: bool) -> bool:
        """Shows ``subject`` in ``style`` (app.alert_style); False when nothing will answer
        (only a tray message was shown)."""
        if sound:
            self.chime.play()
        style = self.style(style)
        offer = f"\nTry: {stretch_title}." if stretch_title and stretch_title not in text else ""
        if style == "notification" and self.notifier.show(
                subject, title, text + offer, stretch=stretch_title is not None, icon=icon,
                keep=_kept(subject)):
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
        self._emit(subject, response)

    def _emit(self, subject: Alert | BreakOffer, response: Response) -> None:
        if id(subject) in self._examples:
            self._examples.discard(id(subject))
            return
        self.answered.emit(subject, response)

    def _refused(self, subject: Alert | BreakOffer) -> None:
        """The notification service did not take it (it stopped or hangs): the card instead."""
        sent = self._sent.pop(id(subject), None)
        if sent is not None:
            self._answered_card(*sent)

    def example(self, when: float, view: View, *, style: str, sound: bool) -> None:
        """An alert as real ones will come, the way they will come (from Settings, in the
        ``style`` shown there); its answer goes nowhere: not recorded, no effect."""
        subject = Alert(when, "head_tilt", 60.0, 14.0, stretches_for("head_tilt"))
        self._examples.add(id(subject))
        self.tell(subject, *alert_text(subject, view),
                  catalogue().stretches[subject.stretches[0]].title, "strained", style=style,
                  sound=sound)

    def card(self, subject: Alert | BreakOffer, title: str, text: str,
             stretch_title: str | None, icon: DisplayState = "strained") -> Toast:
        """The card for ``subject``, naming the stretch it offers, shown in the corner; its
        answer is the caller's to connect. On Wayland (with no notification service, or it
        would not be asked) it is shown inside neckline's own window: a window of its own
        would take the keyboard there."""
        inside = self.window if on_wayland() else None
        toast = Toast(subject, title, text, stretch_title, icon, inside=inside,
                      stays=_kept(subject))
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
        subject = toast.subject
        assert isinstance(subject, Alert | BreakOffer)
        self._emit(subject, response)


def _kept(subject: object) -> bool:
    """Whether ``subject`` stays on screen until answered (a break reminder, if chosen)."""
    return isinstance(subject, BreakOffer) and subject.keep
