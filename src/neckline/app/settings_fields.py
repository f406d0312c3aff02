"""The Settings window's fields: one editor per option, made from its declaration, read back
into the nested shape of the config file, and named on screen when a value is refused."""

from __future__ import annotations

import re
from typing import Any

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGroupBox,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

UNIT_SUFFIX = {"degrees": " °", "deg": " °", "cm": " cm", "percent": " %", "%": " %"}
UNIT_OF_KEY = (("_s", " s"), ("_fps", " fps"), ("_deg", " °"), ("_cm", " cm"), ("_hz", " Hz"))
ERROR_STYLE = "border: 2px solid #c8372d; border-radius: 3px;"


def editor(key: str, value: Any, meta: Any) -> QWidget:
    """The field for an option of this ``value`` and declared ``meta`` (its range or choices)."""
    widget: QWidget
    if isinstance(value, bool):
        check = QCheckBox()
        check.setChecked(value)
        widget = check
    elif isinstance(value, str) and meta.get("choices"):
        combo = QComboBox()
        combo.addItems(meta["choices"])
        combo.setCurrentText(value)
        wheel_only_when_focused(combo)
        widget = combo
    elif isinstance(value, str):
        widget = QLineEdit(value)
    elif isinstance(value, int):
        spin = QSpinBox()
        spin.setRange(int(meta["lo"]), int(meta["hi"]))
        spin.setValue(value)
        wheel_only_when_focused(spin)
        widget = spin
    else:
        suffix = next((unit for end, unit in UNIT_OF_KEY if key.endswith(end)), "")
        widget = number(value, meta["lo"], meta["hi"], suffix)
    return widget


def nested(fields: dict[str, QWidget]) -> dict[str, Any]:
    """The fields ("section.key" or "alerts.problem.part") as a nested dict, like the TOML file."""
    data: dict[str, Any] = {}
    for key, widget in fields.items():
        *path, leaf = key.split(".")
        table = data
        for part in path:
            table = table.setdefault(part, {})
        table[leaf] = read(widget)
    return data


def in_words(refusal: str, fields: dict[str, QWidget], labels: dict[str, str]) -> str:
    """A refusal with each setting named as on screen, its field marked."""
    def name(match: re.Match[str]) -> str:
        key = match.group(1)
        widget = fields.get(key)
        if widget is not None:
            widget.setStyleSheet(ERROR_STYLE)
        return f"“{labels[key]}”" if key in labels else match.group(0)

    return re.sub(r"'([a-z_]+(?:\.[a-z_]+)+)'", name, refusal.removeprefix("settings: "))


def words(key: str) -> str:
    """'processing.idle_rate_fps' -> 'Idle rate' (the unit is on the field itself)."""
    leaf = key.rsplit(".", 1)[1]
    for suffix, _unit in UNIT_OF_KEY:
        leaf = leaf.removesuffix(suffix)
    return leaf.replace("_", " ").capitalize().replace("Cva", "Neck angle (CVA)")


def number(value: float, lo: float, hi: float, suffix: str = "") -> QDoubleSpinBox:
    """A number field showing as many decimals as the value and its range need: '600 s', not
    '600.00'; angles and distances keep one decimal; a finer value keeps its own (0.02 must not
    be shown, and saved back, as 0.0). The mouse wheel changes it only once it has the focus,
    so scrolling the page past it changes nothing."""
    spin = QDoubleSpinBox()
    whole = suffix == " s" and float(value).is_integer() and hi - lo >= 20
    needed = next((d for d in range(5) if round(value, d) == value), 4)
    spin.setDecimals(max(0 if whole else 1 if hi - lo >= 2 else 2, needed))
    wheel_only_when_focused(spin)
    spin.setRange(lo, hi)
    spin.setSingleStep(1.0 if hi - lo >= 20 else 0.1)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin


class _FocusedWheel(QObject):
    """Lets a wheel event through to a field only while it has the keyboard focus."""

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        if event is not None and event.type() == QEvent.Type.Wheel \
                and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()  # the scroll area under it scrolls instead
            return True
        return False


_FOCUSED_WHEEL = _FocusedWheel()


def wheel_only_when_focused(widget: QWidget) -> None:
    """The mouse wheel turns ``widget`` only once it has the focus: scrolling the page past a
    list or a number does not change it."""
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a click focuses it; the wheel does not
    widget.installEventFilter(_FOCUSED_WHEEL)


def read(widget: QWidget) -> Any:
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QGroupBox):  # a checkable box: on or off
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return data if data is not None else widget.currentText()
    if isinstance(widget, QTimeEdit):
        return widget.time().toString("HH:mm")
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    raise TypeError(type(widget))


def scrolling(page: QWidget, name: str) -> QScrollArea:
    """``page`` in a scroll area as wide as the page, so a low screen (1366x768, or 1080 rows
    at 125%) scrolls it instead of pushing the dialog's buttons off the screen."""
    scroll = QScrollArea()
    scroll.setAccessibleName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(page)
    bar = scroll.verticalScrollBar()
    scroll.setMinimumWidth(page.sizeHint().width() + (bar.sizeHint().width() if bar else 16))
    return scroll
