"""State icons drawn in code: each state has its own colour *and* shape, so it reads at a
glance in the tray and without colour vision."""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap, QPolygonF

from neckline.app.session import DisplayState

COLOURS: dict[DisplayState, str] = {
    "good": "#2e9d5b",
    "strained": "#e08a12",
    "away": "#8a8f98",
    "paused": "#5b7fa6",
    "calibrating": "#3b82c4",
    "fault": "#c8372d",
    "starting": "#8a8f98",
}


def state_pixmap(state: DisplayState, size: int = 64) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(COLOURS.get(state, COLOURS["away"]))
    m = size * 0.08
    box = QRectF(m, m, size - 2 * m, size - 2 * m)
    p.setPen(QPen(colour.darker(130), size * 0.05))
    p.setBrush(QBrush(colour))
    if state == "good":
        p.drawEllipse(box)
        p.setPen(QPen(QColor("white"), size * 0.1, cap=Qt.PenCapStyle.RoundCap))
        p.drawPolyline(QPolygonF([QPointF(size * .3, size * .52), QPointF(size * .45, size * .67),
                                  QPointF(size * .72, size * .36)]))
    elif state == "strained":
        p.drawPolygon(QPolygonF([QPointF(size / 2, m), QPointF(size - m, size - m),
                                 QPointF(m, size - m)]))
        _mark(p, size, "!", QRectF(0, size * 0.22, size, size * 0.7))
    elif state == "paused":
        p.drawEllipse(box)
        p.setBrush(QBrush(QColor("white")))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRect(QRectF(size * .34, size * .3, size * .11, size * .4))
        p.drawRect(QRectF(size * .55, size * .3, size * .11, size * .4))
    elif state == "calibrating":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(colour, size * 0.12))
        p.drawEllipse(box.adjusted(size * .06, size * .06, -size * .06, -size * .06))
        p.setBrush(QBrush(colour))
        p.drawEllipse(QPointF(size / 2, size / 2), size * 0.1, size * 0.1)
    elif state == "fault":
        p.drawRoundedRect(box, size * 0.12, size * 0.12)
        _mark(p, size, "!", box)
    else:  # away / starting: a hollow ring
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(colour, size * 0.12))
        p.drawEllipse(box.adjusted(size * .06, size * .06, -size * .06, -size * .06))
    p.end()
    return pixmap


def _mark(p: QPainter, size: int, text: str, rect: QRectF) -> None:
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.5))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def state_icon(state: DisplayState) -> QIcon:
    icon = QIcon()
    for size in (16, 22, 32, 64):
        icon.addPixmap(state_pixmap(state, size))
    return icon
