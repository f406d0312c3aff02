"""One bar per problem: its current value against the neutral and the threshold."""

from __future__ import annotations

from PyQt6.QtCore import QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QPainter, QPaintEvent
from PyQt6.QtWidgets import QSizePolicy, QWidget

from neckline.app.icons import COLOURS

SCALE = 1.5  # the bar spans 0 to 1.5x the threshold; the marker stands at 1x


class ProblemGauge(QWidget):
    """Reads in a second: a label, a bar filled to how close the measure is to its threshold
    (marker), green under it and amber beyond, and the value in words."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.text = "—"
        self.fraction: float | None = None  # value / threshold (1 = at the threshold)
        self.strained = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(40)

    def sizeHint(self) -> QSize:
        return QSize(280, 42)

    def set_value(self, fraction: float | None, text: str, strained: bool) -> None:
        if (fraction, text, strained) != (self.fraction, self.text, self.strained):
            self.fraction, self.text, self.strained = fraction, text, strained
            self.update()

    def paintEvent(self, event: QPaintEvent | None) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = self.width()
        palette = self.palette()
        p.setPen(palette.windowText().color())
        p.drawText(QRectF(0, 0, w * 0.55, 18), Qt.AlignmentFlag.AlignLeft, self.label)
        p.drawText(QRectF(w * 0.4, 0, w * 0.6, 18), Qt.AlignmentFlag.AlignRight, self.text)
        bar = QRectF(0, 22, w - 1, 12)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(128, 128, 128, 60))
        p.drawRoundedRect(bar, 6, 6)
        if self.fraction is not None:
            filled = QRectF(bar)
            filled.setWidth(max(6.0, bar.width() * min(self.fraction, SCALE) / SCALE))
            p.setBrush(QColor(COLOURS["strained"] if self.strained else COLOURS["good"]))
            p.drawRoundedRect(filled, 6, 6)
        marker = bar.left() + bar.width() / SCALE
        p.setPen(palette.windowText().color())
        p.drawLine(int(marker), 19, int(marker), 37)
        p.end()
