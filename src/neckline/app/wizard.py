"""First run and calibration: what neckline measures, privacy, where to put the camera, when
to see a doctor; then a guided calibration with a countdown, live checks, and a clear reason
and a retry when it fails. Recalibrating opens straight at the calibration page."""

from __future__ import annotations

from collections import deque

import numpy as np
from PyQt6.QtCore import QPointF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QPainter, QPen, QPixmap
from PyQt6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from neckline.app.picture import fitted, frame_image
from neckline.app.worker import MonitorThread
from neckline.config import View
from neckline.live.monitor import Status
from neckline.posture.calibration import Calibration, distance_advice
from neckline.posture.checks import live_checks
from neckline.posture.engine import Sample
from neckline.posture.framing import GUIDE, framing_advice
from neckline.stretches.safety import doctor_html

COUNTDOWN_S = 3
PICTURE_W, PICTURE_H = 256, 192
NO_PICTURE_S = 5.0
CAMERA_HINT = ("Check that the camera is connected and not in use by another program, choose "
               "another camera in Settings, or try the app on its demo video "
               "(neckline --source demo).")
NO_PICTURE = (f"No picture came from the camera for {NO_PICTURE_S:.0f} seconds, so nothing "
              f"could be calibrated. {CAMERA_HINT}")

INTRO = """<h2>Welcome to neckline</h2>
<p>neckline watches your posture through the webcam while you work and tells you, gently and
only when it has lasted a minute or more, when your</p>
<ul><li>head is tilted to one side,</li><li>head is bent down,</li>
<li>head is pushed forward,</li><li>shoulders are uneven, or</li>
<li>eyes are too close to the screen.</li></ul>
<p>Each alert links to the stretch that relieves that strain.</p>"""

PRIVACY = """<h2>Your pictures stay with you</h2>
<p>Camera frames are analysed on this computer, in memory, and then thrown away. They never
leave your machine and are never saved.</p>
<p>What neckline keeps is numbers: your neutral posture (a few angles and distances) and how
your posture went over the day.</p>
<p>The camera is switched off whenever you pause neckline, lock the screen or put the computer
to sleep.</p>
<p>neckline makes no network connection at all: nothing about you, not even that you use it,
is sent anywhere.</p>"""

PLACEMENT = """<h2>Where to put the camera</h2>
<p><b>In front</b> (most webcams): on top of or just below your screen, centred, roughly at
eye level, so that your head and <i>both shoulders</i> are in the picture.</p>
<p><b>To the side</b>: level with your head, about a metre to your left or right, seeing your
ear and shoulder. From the side neckline measures how far your head is forward of your
shoulders (the craniovertebral angle) and head-down, but not tilt.</p>
<p>Light from the front or side works best; a bright window behind you hides your face.</p>"""

CALIBRATE = """<h2>Calibrate your neutral posture</h2>
<p>Sit comfortably upright, as you would like to sit, and look at the screen. neckline
records your neutral for a few seconds and judges every measure against it.</p>"""


class CalibrationWizard(QDialog):
    view_chosen = pyqtSignal(str)
    calibrated = pyqtSignal(object)  # Calibration
    reached_end = pyqtSignal()  # the last page (calibration) was shown

    def __init__(self, worker: MonitorThread, *, onboarding: bool, seconds: float,
                 view: View = "front", parent: QWidget | None = None,
                 mirror: bool = True) -> None:
        super().__init__(parent)
        self.mirror = mirror  # a camera's picture is shown as a mirror, a video's as recorded
        self.setWindowTitle("Welcome to neckline" if onboarding else "Calibrate")
        self.worker = worker
        self.seconds = seconds
        self.view = view
        self.calibration: Calibration | None = None
        self.failure: str | None = None
        self._recent: deque[Sample] = deque(maxlen=10)
        self._running = False
        self._count = 0
        self.countdown_s = COUNTDOWN_S

        self.pages = QStackedWidget()
        if onboarding:
            self.pages.addWidget(_text_page(INTRO))
            self.pages.addWidget(_text_page(PRIVACY))
            self.pages.addWidget(self._placement_page())
            self.pages.addWidget(_text_page("<h2>When to see a doctor</h2>" + doctor_html()))
        self.calibrate_page = self._calibrate_page()
        self.pages.addWidget(self.calibrate_page)

        self.step_label = QLabel()  # "Step 2 of 5" while onboarding
        self.step_label.setVisible(onboarding)
        self.back_button = QPushButton("Back")
        self.next_button = QPushButton("Next")
        self.close_button = QPushButton("Close")
        self.back_button.clicked.connect(lambda: self._go(-1))
        self.next_button.clicked.connect(lambda: self._go(+1))
        self.close_button.clicked.connect(self.reject)
        self.close_button.setAutoDefault(False)  # Enter goes on; it never skips the wizard
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.step_label)
        nav.addStretch(1)
        nav.addWidget(self.close_button)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(nav)
        self.resize(640, 520)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        # Nothing from the camera for a few seconds once calibration is asked for: say so and
        # offer "Try again" instead of waiting on "Hold still" for ever.
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.setInterval(round(NO_PICTURE_S * 1000))
        self._watchdog.timeout.connect(lambda: self._fail(NO_PICTURE))
        worker.sample_ready.connect(self._on_sample)
        worker.status_changed.connect(self._on_status)
        self._on_status(worker.status)  # a fault known before the wizard opened
        self._update_nav()

    # -- pages -------------------------------------------------------------------------------

    def _placement_page(self) -> QWidget:
        page = _text_page(PLACEMENT)
        front, side = QRadioButton("My camera is in front of me"), \
            QRadioButton("My camera is to my side")
        (side if self.view == "side" else front).setChecked(True)
        group = QButtonGroup(page)
        group.addButton(front)
        group.addButton(side)
        side.toggled.connect(lambda on: self._choose_view("side" if on else "front"))
        layout = page.layout()
        assert layout is not None
        layout.addWidget(front)
        layout.addWidget(side)
        return page

    def _choose_view(self, view: View) -> None:
        self.view = view
        self.view_chosen.emit(view)

    def _calibrate_page(self) -> QWidget:
        page = _text_page(CALIBRATE)
        # The camera's picture with the framing guide over it, and what to change in words.
        self.picture = QLabel("Waiting for the camera…")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setFixedSize(PICTURE_W, PICTURE_H)
        self.picture.setStyleSheet("background: #1e1f22; color: #d0d3d8;")
        self.framing = QLabel("")
        self.framing.setWordWrap(True)
        self.countdown = QLabel("")
        font = self.countdown.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.countdown.setFont(font)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.check_labels = [QLabel() for _ in range(3)]
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.start_button = QPushButton("Start calibration")
        self.start_button.clicked.connect(self.start)
        layout = page.layout()
        assert layout is not None
        row = QHBoxLayout()
        row.addWidget(self.picture)
        side = QVBoxLayout()
        side.addWidget(self.countdown)
        side.addWidget(self.progress)
        for label in self.check_labels:
            side.addWidget(label)
        side.addWidget(self.framing)
        side.addStretch(1)
        row.addLayout(side, 1)
        picture_row = QWidget()
        picture_row.setLayout(row)
        for w in (picture_row, self.outcome, self.start_button):
            layout.addWidget(w)
        self._show_checks([])
        return page

    def _go(self, step: int) -> None:
        index = self.pages.currentIndex() + step
        if 0 <= index < self.pages.count():
            self.pages.setCurrentIndex(index)
        self._update_nav()

    def _update_nav(self) -> None:
        index, last = self.pages.currentIndex(), self.pages.count() - 1
        self.step_label.setText(f"Step {index + 1} of {last + 1}")
        if index == last:
            self.reached_end.emit()
        self.back_button.setVisible(index > 0 and not self._running)
        self.next_button.setVisible(index < last)
        self.next_button.setDefault(index < last)
        self.close_button.setText("Done" if self.calibration is not None else
                                  "Skip for now" if index < last else "Close")

    # -- calibration -------------------------------------------------------------------------

    def start(self) -> None:
        """Counts down, then asks the monitor to record the neutral."""
        self.calibration, self.failure = None, None
        self.outcome.setText("")
        self.start_button.setEnabled(False)
        self._running = True
        self._count = self.countdown_s
        self.countdown.setText(str(self._count))
        self.progress.setValue(0)
        self._update_nav()
        status = self.worker.status
        if status.is_fault or status.kind == "lent":  # known already: said at once
            self._on_status(status)
            return
        self._timer.start()

    def _tick(self) -> None:
        self._count -= 1
        if self._count > 0:
            self.countdown.setText(str(self._count))
            return
        self._timer.stop()
        self.countdown.setText("Hold still…")
        status = self.worker.status
        if status.is_fault:  # the camera was already gone before the countdown
            self._fail(f"{status.message} {CAMERA_HINT}")
            return
        self._watchdog.start()
        self.worker.recalibrate(self.seconds)

    def _on_sample(self, sample: Sample, preview: np.ndarray | None) -> None:
        outcome = sample.calibrated
        if outcome is not None and not outcome.loaded:  # the calibration asked for has ended
            self._on_calibration(outcome.calibration, outcome.error)
        self._recent.append(sample)
        if not self.isVisible():
            return
        if preview is not None:
            self.picture.setPixmap(framed_picture(preview, self.mirror, PICTURE_W, PICTURE_H))
        if self.view == "front":
            brightness = float(preview[::8, ::8].mean()) if preview is not None else None
            advice = framing_advice(sample.face, sample.body, brightness=brightness) \
                if sample.present else "Sit in front of the camera, inside the oval."
            self.framing.setText(advice or "Framing is good.")
        if self._running and sample.calibration_progress is not None:
            self._watchdog.start()  # pictures are coming: restart the wait
            self.progress.setValue(round(100 * sample.calibration_progress))
        self._show_checks(list(self._recent))

    def _show_checks(self, recent: list[Sample]) -> None:
        for label, (text, ok) in zip(self.check_labels, live_checks(recent, self.view),
                                     strict=True):
            mark, colour = ("✔", "#2e9d5b") if ok else ("✘", "#c8372d")
            label.setText(f"<span style='color:{colour}'>{mark}</span> {text}")

    def _on_status(self, status: Status) -> None:
        """A camera fault, or the camera lent to a call, ends a calibration at once (and the
        picture's place says why, not "Waiting for the camera…")."""
        if status.is_fault or status.kind == "lent":
            self.picture.setText(status.message)
        if self._running and status.is_fault:
            self._fail(f"{status.message} {CAMERA_HINT}")
        elif self._running and status.kind == "lent":
            self._fail(f"{status.message} Calibrate once the call is over.")

    def _fail(self, reason: str) -> None:
        """Ends a calibration that cannot go on, with the reason and "Try again"."""
        if not self._running:
            return
        self._timer.stop()
        self.worker.cancel_calibration()
        self._on_calibration(None, reason)

    def _on_calibration(self, calibration: Calibration | None, error: str | None) -> None:
        if not self._running:
            return
        self._watchdog.stop()
        self._running = False
        self.start_button.setEnabled(True)
        if calibration is not None and error is None:
            self.calibration = calibration
            self.progress.setValue(100)
            self.countdown.setText("Done")
            text = ("Your neutral posture is saved for this camera. neckline now judges your "
                    "posture against it; recalibrate whenever you change desk, chair or camera.")
            advice = distance_advice(calibration)
            if advice:
                text += f"<br><br>{advice}"
            self.outcome.setText(text)
            self.start_button.setText("Calibrate again")
            self.calibrated.emit(calibration)
        else:
            self.failure = error or "Calibration failed."
            self.countdown.setText("Not calibrated")
            self.outcome.setText(f"<span style='color:#c8372d'>{self.failure}</span>")
            self.start_button.setText("Try again")
        self._update_nav()

    def reject(self) -> None:
        if self._running:
            self._timer.stop()
            self._watchdog.stop()
            self.worker.cancel_calibration()
            self._running = False
        super().reject()


def framed_picture(frame: np.ndarray, mirror: bool, width: int, height: int) -> QPixmap:
    """The camera's picture scaled to fit, with the framing guide: the oval where the head
    should be and the line where the shoulders should be."""
    pixmap = fitted(frame_image(frame, mirror), width, height)
    g = GUIDE
    pw, ph = pixmap.width(), pixmap.height()
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(255, 255, 255, 200), 2, Qt.PenStyle.DashLine))
    painter.drawEllipse(QPointF(g.head_x * pw, g.head_y * ph), g.head_half_w * pw,
                        g.head_half_h * ph)
    y = g.shoulders_y * ph
    painter.drawLine(QPointF(0.18 * pw, y), QPointF(0.82 * pw, y))
    painter.end()
    return pixmap


def _text_page(html: str) -> QWidget:
    page = QWidget()
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    layout.addStretch(1)
    return page
