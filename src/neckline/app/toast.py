"""A small, movable alert card near a screen corner (inside neckline's window on Wayland, where
a window of its own would take the keyboard). It never takes focus or keyboard input: typing
goes on in whatever window had it."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QGuiApplication, QMouseEvent
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from neckline.app.icons import state_pixmap
from neckline.app.session import DisplayState
from neckline.app.theme import is_dark
from neckline.posture.alerts import Response

AUTO_HIDE_MS = 90_000


class Toast(QWidget):
    """Emits ``responded`` once with "stretched", "snoozed", "dismissed" or "no_response"."""

    responded = pyqtSignal(str)

    def __init__(self, subject: object, title: str, text: str,
                 stretch_title: str | None = None, icon: DisplayState = "strained", *,
                 inside: QWidget | None = None, stays: bool = False) -> None:
        """``subject``: what the card is about (an alert or a break reminder), handed back
        with the response; ``icon``: the state icon it shows; ``inside``: a window to show
        it in (where a window of its own would take the keyboard) instead of on its own."""
        if inside is not None:
            super().__init__(inside)
        else:
            super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                             | Qt.WindowType.WindowStaysOnTopHint
                             | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.subject = subject
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("toast")
        frame = QFrame(self)
        frame.setObjectName("card")
        ground, edge, ink = ("#2b2d31", "#4a4d53", "#e6e8eb") if is_dark() \
            else ("#fdfaf3", "#d9cdb5", "#2b2b2b")
        frame.setStyleSheet(f"#card {{ background: {ground}; border: 1px solid {edge};"
                            f" border-radius: 10px; }} QLabel {{ color: {ink}; }}")
        self.icon_label = QLabel()
        self.icon_label.setPixmap(state_pixmap(icon, 28))
        self.title_label = QLabel(f"<b>{title}</b>")
        self.close_button = QPushButton("\u00d7")  # a close cross
        self.close_button.setFlat(True)
        self.close_button.setFixedSize(24, 24)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss")
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        # The stretch on offer, by name: what "Show stretch" will open.
        self.offer_label = QLabel(f"Try: {stretch_title}" if stretch_title else "")
        self.offer_label.setWordWrap(True)
        self.offer_label.setVisible(bool(stretch_title))
        self.stretch_button = QPushButton("Show stretch")
        self.snooze_button = QPushButton("Snooze 15 min")
        self.dismiss_button = QPushButton("Dismiss")
        for button, response in ((self.stretch_button, "stretched"),
                                 (self.snooze_button, "snoozed"),
                                 (self.dismiss_button, "dismissed"),
                                 (self.close_button, "dismissed")):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, r=response: self.respond(r))
        buttons = QHBoxLayout()
        buttons.addWidget(self.stretch_button)
        buttons.addWidget(self.snooze_button)
        buttons.addStretch(1)
        buttons.addWidget(self.dismiss_button)
        header = QHBoxLayout()
        header.addWidget(self.icon_label)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        inner = QVBoxLayout(frame)
        inner.addLayout(header)
        inner.addWidget(self.text_label)
        inner.addWidget(self.offer_label)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.setFixedWidth(380)
        self._answered = False
        self._drag_from: QPoint | None = None
        if not stays:  # (one kept on screen waits for its answer)
            # A timer of the card's own: it goes with the card (a window closed, or the
            # window it is shown in), rather than answering for a card no longer there.
            self._auto_hide = QTimer(self)
            self._auto_hide.setSingleShot(True)
            self._auto_hide.timeout.connect(lambda: self.respond("no_response"))
            self._auto_hide.start(AUTO_HIDE_MS)

    def show_in_corner(self) -> None:
        self.adjustSize()
        inside = self.parentWidget()
        screen = QGuiApplication.primaryScreen()
        if inside is not None:
            self.setFixedWidth(min(self.width(), inside.width() - 32))
            self.adjustSize()
            self.move(inside.width() - self.width() - 16, inside.height() - self.height() - 16)
            self.raise_()
        elif screen is not None:
            area = screen.availableGeometry()
            self.move(area.right() - self.width() - 16, area.bottom() - self.height() - 16)
        self.show()

    def respond(self, response: Response) -> None:
        if self._answered:
            return
        self._answered = True
        self.responded.emit(response)
        self.close()

    # Movable: drag it anywhere. The desktop moves a card of its own (on Wayland only the
    # compositor can; on X11 the window manager does it as for a title bar); a card inside a
    # window, or where the desktop declines, is moved here.
    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        if event is None or event.button() != Qt.MouseButton.LeftButton:
            return
        handle = self.windowHandle() if self.isWindow() else None
        if handle is not None and handle.startSystemMove():
            return
        self._drag_from = event.globalPosition().toPoint() - self.pos()

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:
        if event is not None and self._drag_from is not None:
            where = event.globalPosition().toPoint() - self._drag_from
            inside = self.parentWidget()
            if inside is not None:  # kept within its window
                where = QPoint(min(max(where.x(), 0), inside.width() - self.width()),
                               min(max(where.y(), 0), inside.height() - self.height()))
            self.move(where)

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        self._drag_from = None
