"""The stretch guide window and the guided stretch.

Browse every stretch or those for one problem; each shows its figure, steps, dose, cautions,
sources (opened in the system browser) and the link to when to see a doctor. "Start guided
stretch" walks through it with a hold timer that, where the camera can see the position,
pauses while the position is lost.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QEvent, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QHideEvent
from PyQt6.QtSvgWidgets import QSvgWidget
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from neckline.app.keys import closes_with_keys
from neckline.app.theme import is_dark, recolour_figure
from neckline.config import PROBLEMS, REGISTRY
from neckline.posture.engine import Sample
from neckline.stretches.catalogue import Stretch, catalogue, figure_path
from neckline.stretches.guided import GuidedStretch
from neckline.stretches.safety import doctor_html


def _figure(stretch: Stretch) -> QSvgWidget:
    widget = QSvgWidget()
    widget.setAccessibleName(f"Figure: {stretch.title}")
    widget.load(recolour_figure(figure_path(stretch).read_bytes(), is_dark()))
    widget.setFixedSize(240, 260)
    return widget


def _label(html: str = "") -> QLabel:
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class DoctorDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("When to see a doctor")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_label("<h2>When to see a doctor</h2>" + doctor_html()))
        layout.addWidget(buttons)
        self.resize(480, 420)


class GuideWindow(QWidget):
    """``stretch_done(stretch_id, problem)`` when a stretch is completed or marked done."""

    stretch_done = pyqtSignal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("neckline stretch guide")
        closes_with_keys(self)
        self.catalogue = catalogue()
        self.problem: str | None = None
        self.stretch: Stretch | None = None
        self.guided: GuidedDialog | None = None
        self.doctor: DoctorDialog | None = None
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show stretches for")
        self.filter.addItem("All stretches", None)
        for problem in PROBLEMS:
            self.filter.addItem(f"For: {REGISTRY[problem].title.lower()}", problem)
        self.filter.currentIndexChanged.connect(
            lambda _i: self.show_problem(self.filter.currentData()))
        self.list = QListWidget()
        self.list.setAccessibleName("Stretches")
        self.list.currentItemChanged.connect(self._selected)
        self.fix_label = _label()
        left = QVBoxLayout()
        left.addWidget(self.filter)
        left.addWidget(self.list, 1)
        left.addWidget(self.fix_label)
        doctor = QPushButton("&When to see a doctor")
        doctor.clicked.connect(self.open_doctor)
        left.addWidget(doctor)

        self.figure_holder = QVBoxLayout()
        self.title = _label()
        self.body = _label()
        self.body.setOpenExternalLinks(True)  # sources open in the system browser
        self.start_button = QPushButton("&Start guided stretch")
        self.start_button.clicked.connect(self.start_guided)
        self.done_button = QPushButton("I &did this stretch")
        self.done_button.clicked.connect(self._mark_done)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.done_button)
        buttons.addStretch(1)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        top = QHBoxLayout()
        top.addLayout(self.figure_holder)
        top.addWidget(self.title, 1)
        detail_layout.addLayout(top)
        detail_layout.addWidget(self.body)
        detail_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName("The stretch: steps and safety")
        scroll.setWidget(detail)
        scroll.setWidgetResizable(True)
        layout = QHBoxLayout(self)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setMaximumWidth(290)
        layout.addWidget(left_box)
        right = QVBoxLayout()  # the buttons stay in view however the text scrolls
        right.addWidget(scroll, 1)
        right.addLayout(buttons)
        layout.addLayout(right, 1)
        self.resize(900, 620)
        self.show_problem(None)

    def show_problem(self, problem: str | None, stretch_id: str | None = None) -> None:
        """Lists the stretches for ``problem`` (ranked) or all, and selects one."""
        self.problem = problem
        self._ready_to_count()
        index = self.filter.findData(problem)
        if index != self.filter.currentIndex():
            self.filter.blockSignals(True)
            self.filter.setCurrentIndex(index)
            self.filter.blockSignals(False)
        stretches = (self.catalogue.for_problem(problem) if problem
                     else list(self.catalogue.stretches.values()))
        self.list.clear()
        for stretch in stretches:
            item = QListWidgetItem(stretch.title)
            item.setData(Qt.ItemDataRole.UserRole, stretch.id)
            self.list.addItem(item)
        self.fix_label.setText(f"<p><b>Also fix the cause:</b> {self.catalogue.fixes[problem]}"
                               "</p>" if problem else "")
        ids = [s.id for s in stretches]
        self.list.setCurrentRow(ids.index(stretch_id) if stretch_id in ids else 0)

    def changeEvent(self, event: QEvent | None) -> None:
        """Light or dark changed: the figure is drawn again in the new colours."""
        super().changeEvent(event)
        if event is not None and event.type() == QEvent.Type.PaletteChange \
                and self.stretch is not None:
            self._selected(self.list.currentItem(), None)

    def _selected(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None:
            return
        stretch = self.catalogue.stretches[item.data(Qt.ItemDataRole.UserRole)]
        self.stretch = stretch
        self._ready_to_count()
        while self.figure_holder.count():
            old = self.figure_holder.takeAt(0)
            if old is not None and old.widget() is not None:
                old.widget().deleteLater()  # type: ignore[union-attr]
        self.figure_holder.addWidget(_figure(stretch))
        relieves = ", ".join(REGISTRY[p].title.lower() for p in stretch.problems)
        self.title.setText(f"<h2>{stretch.title}</h2><p>Relieves: {relieves}.</p>"
                           f"<p><b>{stretch.dose}</b></p>")
        steps = "".join(f"<li>{step}</li>" for step in stretch.steps)
        cautions = "".join(f"<li>{c}</li>" for c in stretch.cautions)
        sources = "".join(f'<li><a href="{url}">{url}</a></li>' for url in stretch.sources)
        self.body.setText(f"<h3>How</h3><ol>{steps}</ol><h3>Take care</h3><ul>{cautions}</ul>"
                          "<p>Pain that spreads down an arm, numbness or weakness: see "
                          "<i>When to see a doctor</i>.</p>"
                          f"<h3>Sources</h3><ul>{sources}</ul>")

    def open_doctor(self) -> DoctorDialog:
        self.doctor = DoctorDialog(self)
        self.doctor.show()
        return self.doctor

    def start_guided(self) -> GuidedDialog:
        assert self.stretch is not None
        if self.guided is not None:
            self.guided.close()
        self.guided = GuidedDialog(self.stretch, self)
        self.guided.completed.connect(lambda sid: self.stretch_done.emit(sid, self.problem))
        self.guided.show()
        return self.guided

    def on_sample(self, sample: Sample, _preview: np.ndarray | None = None) -> None:
        if self.guided is not None and self.guided.isVisible():
            self.guided.on_sample(sample)

    def _mark_done(self) -> None:
        if self.stretch is not None:
            self.stretch_done.emit(self.stretch.id, self.problem)
            self.done_button.setText("Counted — well done")
            self.done_button.setEnabled(False)  # once: another click is not another stretch

    def _ready_to_count(self) -> None:
        """A stretch shown anew (another one, or the guide opened again) can be counted."""
        self.done_button.setText("I &did this stretch")
        self.done_button.setEnabled(True)


class GuidedDialog(QDialog):
    """Walks through one stretch. Without camera samples the hold timer simply runs."""

    completed = pyqtSignal(str)
    TICK_MS = 200

    def __init__(self, stretch: Stretch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Guided: {stretch.title}")
        self.guided = GuidedStretch(stretch)
        self._clock = 0.0
        self._metrics: dict[str, float | None] | None = None
        self._metrics_age = 99.0
        self.step_label = _label()
        self.status_label = _label()
        self.rep_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        text = QVBoxLayout()
        text.addWidget(_label(f"<h2>{stretch.title}</h2><p>{stretch.dose}</p>"))
        text.addWidget(self.step_label)
        text.addWidget(self.rep_label)
        text.addWidget(self.progress)
        text.addWidget(self.status_label)
        text.addWidget(_label(f"<p style='color:#6b7280'>{stretch.cautions[-1]}</p>"))
        text.addStretch(1)
        self.close_button = QPushButton("Stop")
        self.close_button.clicked.connect(self.close)
        text.addWidget(self.close_button)
        layout = QHBoxLayout(self)
        layout.addWidget(_figure(stretch))
        layout.addLayout(text, 1)
        self.resize(640, 320)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(self.TICK_MS)
        self.tick()

    def on_sample(self, sample: Sample) -> None:
        self._metrics = dict(sample.metrics) if sample.present else None
        self._metrics_age = 0.0

    def hideEvent(self, event: QHideEvent | None) -> None:
        """Stop, Esc or the window's close box: the stretch was not done, and its timer stops
        with it (it used to run on unseen and count the stretch a minute later)."""
        self.timer.stop()
        super().hideEvent(event)

    def tick(self) -> None:
        """Advances the hold by the time since the last tick, then shows where it stands."""
        dt = self.TICK_MS / 1000.0
        self._clock += dt
        self._metrics_age += dt
        metrics = self._metrics if self._metrics_age < 1.0 else None
        self.guided.update(self._clock, metrics)
        self.show_state()

    def show_state(self) -> None:
        g = self.guided
        if g.completed:
            self.timer.stop()
            self.step_label.setText("<h3>Done — well done.</h3>")
            self.status_label.setText("Counted in your statistics.")
            self.progress.setValue(1000)
            self.close_button.setText("Close")
            if not getattr(self, "_reported", False):
                self._reported = True
                self.completed.emit(g.stretch.id)
            return
        hold = g.current
        assert hold is not None
        self.rep_label.setText(f"Hold {g.index + 1} of {g.total_holds}")
        if g.resting:
            self.step_label.setText("<h3>Relax for a moment…</h3>")
            self.progress.setValue(0)
            return
        self.step_label.setText(f"<h3>{g.stretch.step_words(hold.side)}</h3>")
        self.progress.setValue(round(1000 * g.held_s / g.stretch.hold_s))
        check = g.stretch.check
        if g.in_position is None:
            self.status_label.setText("Timer running (the camera is not checking this one).")
        elif g.in_position:
            self.status_label.setText(f"<span style='color:#2e9d5b'>✔ In position "
                                      f"({check.label if check else ''}) — keep holding.</span>")
        else:
            now = max(g.progress_value or 0.0, 0.0)  # how far toward the target (not "-0°")
            target = check.target if check else 0.0
            unit = " cm" if check is not None and REGISTRY.get(check.measure) is not None \
                and REGISTRY[check.measure].value_unit == "cm" else "°"
            digits = 1 if unit == " cm" else 0
            self.status_label.setText(f"<span style='color:#c8372d'>Timer paused: move into "
                                      f"position ({check.label if check else ''}: "
                                      f"{now:.{digits}f}{unit} of {target:.{digits}f}{unit})."
                                      "</span>")
