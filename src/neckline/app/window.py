"""The main window: live preview with landmarks, one bar per problem, the state in words and
today's time in good posture. It repaints from the latest data on a timer (5 per second),
never per processed frame."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QPointF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QCloseEvent, QColor, QImage, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from neckline.app.gauges import ProblemGauge
from neckline.app.icons import COLOURS, state_pixmap
from neckline.app.keys import shortcut
from neckline.app.picture import frame_image
from neckline.app.session import DisplayState
from neckline.config import PROBLEMS, REGISTRY, View
from neckline.landmarks.body import (
    LEFT_EAR,
    LEFT_EYE,
    LEFT_SHOULDER,
    NOSE,
    RIGHT_EAR,
    RIGHT_EYE,
    RIGHT_SHOULDER,
    Body,
)
from neckline.posture.engine import Sample
from neckline.posture.messages import STATE_WORDS, gauge_reading

REPAINT_MS = 200
_LINES = ((LEFT_EAR, RIGHT_EAR), (LEFT_SHOULDER, RIGHT_SHOULDER), (LEFT_EYE, RIGHT_EYE))
_POINTS = (NOSE, LEFT_EYE, RIGHT_EYE, LEFT_EAR, RIGHT_EAR, LEFT_SHOULDER, RIGHT_SHOULDER)


class MainWindow(QMainWindow):
    pause_requested = pyqtSignal(str)  # "15min", "1h", "tomorrow"
    resume_requested = pyqtSignal()
    resume_alerts_requested = pyqtSignal()  # end the snooze now
    recalibrate_requested = pyqtSignal()
    stretches_requested = pyqtSignal()
    settings_requested = pyqtSignal()
    statistics_requested = pyqtSignal()
    preview_toggled = pyqtSignal(bool)
    closing = pyqtSignal()
    hidden_to_tray = pyqtSignal()  # closed while a tray holds the app: it goes on there
    quit_requested = pyqtSignal()  # Ctrl+Q

    def __init__(self, show_preview: bool = True, mirror: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("neckline")
        # A camera is shown as a mirror (you move right, the picture moves right); a video
        # file as it was recorded, so its text reads the right way round.
        self.mirror = mirror
        self.quit_on_close = False
        self.display_state: DisplayState = "starting"
        self.detail = ""
        self.headline = ""
        self.today_text = ""
        self._sample: Sample | None = None
        self._preview: np.ndarray | None = None
        self._thresholds: dict[str, float] = {}
        self._view: View = "front"
        self._dirty = True

        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setMinimumSize(400, 300)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet("background: #1d1f23; color: #c9ccd1; border-radius: 6px;")
        self.preview.setAccessibleName("Camera picture")

        self.state_icon = QLabel()
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)  # three problems at once must not be cut
        font = self.state_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.state_label.setFont(font)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.today_label = QLabel()
        self.today_label.setWordWrap(True)
        self.snooze_label = QLabel()  # "Alerts … snoozed until 15:40."
        self.snooze_label.setWordWrap(True)
        self.resume_alerts_button = QPushButton("Resume alerts &now")
        self.resume_alerts_button.clicked.connect(self.resume_alerts_requested)
        snooze = QHBoxLayout()
        snooze.addWidget(self.snooze_label, 1)
        snooze.addWidget(self.resume_alerts_button)
        self.snooze_row = QWidget()
        self.snooze_row.setLayout(snooze)
        self.snooze_row.hide()
        self.info_label = QLabel()  # how this window works here, calmly (no tray)
        self.info_label.setWordWrap(True)
        self.info_label.hide()
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(f"color: {COLOURS['fault']};")
        self.notice_label.hide()
        self.gauges = {p: ProblemGauge(REGISTRY[p].gauge) for p in PROBLEMS}

        header = QHBoxLayout()
        header.addWidget(self.state_icon)
        header.addWidget(self.state_label, 1)
        side = QVBoxLayout()
        side.addLayout(header)
        side.addWidget(self.detail_label)
        side.addWidget(self.today_label)
        side.addWidget(self.snooze_row)
        side.addSpacing(8)
        for gauge in self.gauges.values():
            side.addWidget(gauge)
        side.addStretch(1)
        side.addWidget(self.info_label)
        side.addWidget(self.notice_label)

        self.pause_button = QPushButton("&Pause")
        pause_menu = QMenu(self.pause_button)
        for label, choice in (("For 15 minutes", "15min"), ("For 1 hour", "1h"),
                              ("Until tomorrow", "tomorrow")):
            action = pause_menu.addAction(label)
            assert action is not None
            action.triggered.connect(lambda _=False, c=choice: self.pause_requested.emit(c))
        self.pause_button.setMenu(pause_menu)
        self.resume_button = QPushButton("&Resume")
        self.resume_button.clicked.connect(self.resume_requested)
        self.resume_button.hide()
        recalibrate = QPushButton("Re&calibrate…")
        recalibrate.clicked.connect(self.recalibrate_requested)
        stretches = QPushButton("S&tretches…")
        stretches.clicked.connect(self.stretches_requested)
        settings = QPushButton("&Settings…")
        settings.setToolTip("Settings (Ctrl+,)")
        settings.clicked.connect(self.settings_requested)
        statistics = QPushButton("St&atistics…")
        statistics.clicked.connect(self.statistics_requested)
        self.preview_box = QCheckBox("Show pre&view")
        # The usual keys: Ctrl+, settings, Ctrl+W closes (to the tray), Ctrl+Q quits.
        shortcut(self, "Ctrl+,", self.settings_requested.emit)
        shortcut(self, "Ctrl+W", self.close)
        # Ctrl+Q quits from any of neckline's windows (the guide, Settings, statistics too).
        shortcut(self, "Ctrl+Q", self.quit_requested.emit).setContext(
            Qt.ShortcutContext.ApplicationShortcut)
        self.preview_box.setChecked(show_preview)
        self.preview_box.toggled.connect(self._toggle_preview)

        buttons = QHBoxLayout()
        for w in (self.pause_button, self.resume_button, recalibrate, stretches, statistics,
                  settings):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_box)

        columns = QHBoxLayout()
        columns.addWidget(self.preview, 3)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setMinimumWidth(340)
        # Wrapped sentences get the height they need: a short window scrolls the side, it
        # does not squeeze its lines into each other.
        side_scroll = QScrollArea()
        side_scroll.setWidget(side_widget)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_scroll.setMinimumWidth(360)
        side_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        columns.addWidget(side_scroll, 2)
        root = QVBoxLayout()
        root.addLayout(columns, 1)
        root.addLayout(buttons)
        central = QWidget()
        central.setLayout(root)
        self.setCentralWidget(central)
        self.resize(1000, 600)  # place() shrinks it to a smaller screen

        self.timer = QTimer(self)
        self.timer.setInterval(REPAINT_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    # -- data in (cheap: store and mark dirty) ---------------------------------------------

    def set_sample(self, sample: Sample, preview: np.ndarray | None) -> None:
        self._sample = sample
        self._preview = preview
        self._dirty = True

    def set_thresholds(self, thresholds: dict[str, float], view: View) -> None:
        self._thresholds = thresholds
        self._view = view
        self._dirty = True

    def set_state(self, display_state: DisplayState, detail: str = "", headline: str = "") -> None:
        """``headline`` replaces the state's usual words (a fault that is not the camera's)."""
        if (display_state, detail, headline) != (self.display_state, self.detail,
                                                 self.headline):
            self.display_state, self.detail, self.headline = display_state, detail, headline
            paused = display_state == "paused"
            self.pause_button.setVisible(not paused)
            self.resume_button.setVisible(paused)
            self._dirty = True

    def set_snooze(self, words: str) -> None:
        """The snooze in words, with the way to end it; nothing when alerts are not snoozed."""
        self.snooze_label.setText(words)
        self.snooze_row.setVisible(bool(words))

    def set_today(self, text: str) -> None:
        if text != self.today_text:
            self.today_text = text
            self._dirty = True

    def show_info(self, text: str) -> None:
        """A fact about how the window works here (not a problem: said in the usual colour)."""
        self.info_label.setText(text)
        self.info_label.setVisible(bool(text))

    def show_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))

    # -- painting, on the timer ------------------------------------------------------------

    def refresh(self) -> None:
        if not self._dirty or not self.isVisible():
            return
        self._dirty = False
        state = self.display_state
        self.state_icon.setPixmap(state_pixmap(state, 28))
        words = self.headline or STATE_WORDS.get(state, state)
        sample = self._sample
        if state == "strained" and sample is not None and sample.problems:
            words = ", ".join(REGISTRY[p].gauge for p in sample.problems)
        self.state_label.setText(words)
        self.detail_label.setText(self.detail)
        self.today_label.setText(self.today_text)
        live = sample is not None and state in ("good", "strained", "calibrating")
        for problem, gauge in self.gauges.items():
            threshold = self._thresholds.get(problem)
            if not live or threshold is None or sample is None:
                gauge.set_value(None, "—", False)
                continue
            fraction, text = gauge_reading(problem, sample.metrics, threshold, self._view)
            gauge.set_value(fraction, text, problem in sample.problems)
        self._paint_preview()

    def _paint_preview(self) -> None:
        if not self.preview_box.isChecked():
            self.preview.setPixmap(QPixmap())
            self.preview.setText("Preview hidden — neckline is still watching your posture.")
            return
        if self._preview is None or self.display_state in ("paused", "fault"):
            self.preview.setPixmap(QPixmap())
            self.preview.setText("Camera off while paused." if self.display_state == "paused"
                                 else self.detail or "Waiting for the camera…")
            return
        image = frame_image(self._preview, self.mirror)
        if self._sample is not None and self._sample.body is not None:
            _draw_landmarks(image, self._sample.body, self.display_state, self.mirror)
        pixmap = QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)

    def _toggle_preview(self, checked: bool) -> None:
        self._dirty = True
        self.preview_toggled.emit(checked)

    def closeEvent(self, event: QCloseEvent | None) -> None:
        if self.quit_on_close:
            self.closing.emit()
            if event is not None:
                event.accept()
            return
        if event is not None:
            event.ignore()  # closing hides to the tray; Quit is in the tray menu
        self.hide()
        self.hidden_to_tray.emit()


def _draw_landmarks(image: QImage, body: Body, state: DisplayState, mirror: bool = True
                    ) -> None:
    """Draws the tracked points on the preview (mirrored like it when ``mirror``)."""
    sx, sy = image.width() / body.width, image.height() / body.height

    def at(index: int) -> QPointF | None:
        x, y = body.points[index]
        if not (np.isfinite(x) and np.isfinite(y)):
            return None
        return QPointF(image.width() - x * sx if mirror else x * sx, y * sy)

    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(COLOURS["strained" if state == "strained" else "good"])
    p.setPen(QPen(colour, 2))
    for a, b in _LINES:
        pa, pb = at(a), at(b)
        if pa is not None and pb is not None:
            p.drawLine(pa, pb)
    p.setBrush(colour)
    for index in _POINTS:
        point = at(index)
        if point is not None:
            p.drawEllipse(point, 3.5, 3.5)
    p.end()
