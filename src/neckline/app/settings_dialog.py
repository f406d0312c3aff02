"""Settings, over the same typed config as the CLI: the form is generated from the option
declarations (type, range, description), so a new option appears here by itself. Values are
checked by the config's own validation; a refused value stays in the dialog with the reason."""

from __future__ import annotations

import dataclasses
from typing import Any

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from neckline.config import Config, ProblemRule, apply_overrides
from neckline.errors import ConfigError
from neckline.messages import TITLES

TABS = (("Alerts", ("alerts",)), ("Camera", ("camera", "processing")), ("App", ("app",)),
        ("Advanced", ("measures", "calibration")))


class SettingsDialog(QDialog):
    applied = pyqtSignal(object)  # the new Config

    def __init__(self, config: Config, cameras: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("neckline settings")
        self.config = config
        self.cameras = cameras
        self.fields: dict[str, QWidget] = {}  # "section.key" or "alerts.problem.part"
        tabs = QTabWidget()
        for title, sections in TABS:
            page = QWidget()
            layout = QVBoxLayout(page)
            for section in sections:
                layout.addWidget(self._section(section, getattr(config, section)))
            layout.addStretch(1)
            tabs.addTab(page, title)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c8372d;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Apply
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        apply_button = buttons.button(QDialogButtonBox.StandardButton.Apply)
        assert apply_button is not None
        apply_button.clicked.connect(self.apply)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(620, 520)

    # -- building the form -----------------------------------------------------------------

    def _section(self, name: str, obj: Any) -> QWidget:
        box = QWidget()
        form = QFormLayout(box)
        rules: list[tuple[str, ProblemRule]] = []
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, ProblemRule):
                rules.append((f.name, value))
                continue
            widget = self._editor(f"{name}.{f.name}", value, f.metadata)
            widget.setToolTip(f.metadata["description"])
            form.addRow(f.name.replace("_", " ").capitalize(), widget)
        if rules:
            form.addRow(self._rules_grid(rules))
        return box

    def _editor(self, key: str, value: Any, meta: Any) -> QWidget:
        widget: QWidget
        if key == "camera.index":
            combo = QComboBox()
            for index in sorted(set(self.cameras) | {value}):
                found = "" if index in self.cameras else " (not found now)"
                combo.addItem(f"Camera {index}{found}", index)
            combo.setCurrentIndex(combo.findData(value))
            widget = combo
        elif isinstance(value, bool):
            check = QCheckBox()
            check.setChecked(value)
            widget = check
        elif isinstance(value, str) and meta.get("choices"):
            combo = QComboBox()
            combo.addItems(meta["choices"])
            combo.setCurrentText(value)
            widget = combo
        elif isinstance(value, str):
            line = QLineEdit(value)
            line.setPlaceholderText("HH:MM, or empty for none")
            widget = line
        elif isinstance(value, int):
            spin = QSpinBox()
            spin.setRange(int(meta["lo"]), int(meta["hi"]))
            spin.setValue(value)
            widget = spin
        else:
            widget = _double(value, meta["lo"], meta["hi"])
        self.fields[key] = widget
        return widget

    def _rules_grid(self, rules: list[tuple[str, ProblemRule]]) -> QWidget:
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        for column, heading in enumerate(("Problem", "Alert", "Threshold", "Hold (s)",
                                          "Margin")):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        declared = {f.name: f for f in dataclasses.fields(self.config.alerts)}
        for row, (problem, rule) in enumerate(rules, 1):
            lo, hi, unit = declared[problem].metadata["rule"]["threshold"]
            label = QLabel(TITLES[problem])
            label.setToolTip(declared[problem].metadata["description"])
            enabled = QCheckBox()
            enabled.setChecked(rule.enabled)
            threshold = _double(rule.threshold, lo, hi, suffix=" °" if unit == "degrees" else
                                " cm")
            dwell = _double(rule.dwell_s, 0.0, 3600.0, suffix=" s")
            margin = _double(rule.margin, 0.0, hi / 2)
            for column, widget in enumerate((label, enabled, threshold, dwell, margin)):
                grid.addWidget(widget, row, column)
            for part, widget in (("enabled", enabled), ("threshold", threshold),
                                 ("dwell_s", dwell), ("margin", margin)):
                self.fields[f"alerts.{problem}.{part}"] = widget
        return grid_box

    # -- reading it back -------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The form as a nested dict, like the TOML file."""
        data: dict[str, Any] = {}
        for key, widget in self.fields.items():
            *path, leaf = key.split(".")
            table = data
            for part in path:
                table = table.setdefault(part, {})
            table[leaf] = _read(widget)
        return data

    def apply(self) -> bool:
        try:
            config = apply_overrides(Config(), self.values(), "settings")
        except ConfigError as e:
            self.error_label.setText(str(e).removeprefix("settings: "))
            return False
        self.error_label.setText("")
        if config != self.config:
            self.config = config
            self.applied.emit(config)
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()


def _double(value: float, lo: float, hi: float, suffix: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setDecimals(2)
    spin.setRange(lo, hi)
    spin.setSingleStep(1.0 if hi - lo >= 20 else 0.1)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin


def _read(widget: QWidget) -> Any:
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return data if data is not None else widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text().strip()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    raise TypeError(type(widget))
