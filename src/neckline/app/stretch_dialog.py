"""A card with the stretches for one problem (or all), their dose and the safety notes."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from neckline.messages import TITLES
from neckline.safety import doctor_html
from neckline.stretches import CAUTION, SUMMARIES, stretches_for


class StretchDialog(QDialog):
    done_stretches = pyqtSignal(object, object)  # stretch ids, problem or None

    def __init__(self, problem: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        ids = stretches_for(problem) if problem else tuple(SUMMARIES)
        self.stretch_ids = ids
        self.setWindowTitle(f"Stretches for: {TITLES[problem]}" if problem else "Stretches")
        parts = []
        for number, stretch in enumerate(ids, 1):
            title, how, dose = SUMMARIES[stretch]
            parts.append(f"<h3>{number}. {title}</h3><p>{how}</p><p><i>{dose}</i></p>")
        html = ("".join(parts) + f"<p><b>Safety:</b> {CAUTION}</p><hr><h3>When to see a "
                f"doctor</h3>{doctor_html()}")
        label = QLabel(html)
        label.setWordWrap(True)
        label.setMargin(12)
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.done_button = buttons.addButton("I did these stretches",
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._done)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(buttons)
        self.resize(460, 560)

    def _done(self) -> None:
        self.done_stretches.emit(self.stretch_ids, self.problem)
        self.accept()
