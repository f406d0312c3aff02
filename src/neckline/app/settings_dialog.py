"""Settings in the user's words, over the same typed config as the CLI.

The first page holds what most people change: how strict each check is (in words, with the
number), how alerts look and sound (with a preview), which camera, quiet hours (time pickers),
start on login. Everything else (the engine's internals) is on the Advanced page, generated from
the option declarations (type, range, description), so a new option appears there by itself.
Values are checked by the config's own validation; every refused value is shown at once, at its
field and by the label the user sees, and the dialog stays open.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
from PyQt6.QtCore import QTime, pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from neckline.app.desktop_entry import add_to_menu, in_menu, remove_from_menu
from neckline.app.picture import fitted, frame_image
from neckline.capture.cameras import Camera, find_camera
from neckline.config import PROBLEMS, Config, ProblemRule, apply_overrides
from neckline.errors import ConfigError

# Each check as a sentence: "<words> [threshold] for [seconds]".
STRICTNESS = {
    "head_tilt": "Head tilted sideways more than",
    "head_down": "Head bent down more than",
    "forward_head": "Head pushed forward more than",
    "shoulders_uneven": "Shoulders uneven by more than",
    "too_close": "Closer to the screen than calibrated by more than",
}
UNIT_SUFFIX = {"degrees": " °", "deg": " °", "cm": " cm", "percent": " %", "%": " %"}
UNIT_OF_KEY = (("_s", " s"), ("_fps", " fps"), ("_deg", " °"), ("_cm", " cm"), ("_hz", " Hz"))
ALERT_STYLES = {"notification": "The desktop's notifications (a card if it has none)",
                "toast": "A card near the corner of the screen", "tray": "A tray message",
                "both": "A card and a tray message"}
THEMES = {"system": "Follow the desktop", "light": "Light", "dark": "Dark"}
VIEWS = {"front": "In front of me (on or under the screen)",
         "side": "To my side (for the neck angle)"}
# The words of the first page, also used to name a refused value.
LABELS = {
    "camera.id": "Camera",
    "camera.view": "Where the camera is",
    "app.alert_style": "How alerts appear",
    "app.sound": "Play a soft chime with each alert",
    "app.quiet_hours_start": "Quiet hours from",
    "app.quiet_hours_end": "Quiet hours until",
    "app.start_on_login": "Start neckline when I log in",
    "app.theme": "Colours",
    "history.daily_goal_percent": "Daily goal: good posture for at least",
    "breaks.remind": "Remind me to take a short break",
    "breaks.every_min": "after this long at the desk",
    "breaks.length_min": "being away this long counts as the break",
    **{f"alerts.{p}.threshold": f"{words} (the number)" for p, words in STRICTNESS.items()},
    **{f"alerts.{p}.dwell_s": f"{words} (how long)" for p, words in STRICTNESS.items()},
    **{f"alerts.{p}.enabled": f"{words} (on or off)" for p, words in STRICTNESS.items()},
}
ERROR_STYLE = "border: 2px solid #c8372d; border-radius: 3px;"


class SettingsDialog(QDialog):
    applied = pyqtSignal(object)  # the new Config
    preview_requested = pyqtSignal()  # "Show an example alert"

    def __init__(self, config: Config, cameras: list[Camera], parent: QWidget | None = None,
                 labels: dict[str, str] | None = None) -> None:
        """``cameras``: those connected now; ``labels``: identity -> the words for each (by
        default the device's own name)."""
        super().__init__(parent)
        self.setWindowTitle("neckline settings")
        self.config = config
        self.cameras = cameras
        self.camera_labels = labels or {c.identity: f"{c.name} ({c.device})" for c in cameras}
        self.fields: dict[str, QWidget] = {}  # "section.key" or "alerts.problem.part"
        self.labels: dict[str, str] = {}  # key -> the words shown beside its field
        tabs = QTabWidget()
        tabs.addTab(self._general_page(), "General")
        tabs.addTab(self._advanced_page(), "Advanced")
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
        self.resize(680, 600)

    # -- the first page ---------------------------------------------------------------------

    def _general_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._strictness_box())

        alerts = QGroupBox("Alerts")
        form = QFormLayout(alerts)
        style = self._choice("app.alert_style", ALERT_STYLES, self.config.app.alert_style)
        sound = QCheckBox(LABELS["app.sound"])
        sound.setChecked(self.config.app.sound)
        self._field("app.sound", sound)
        self.preview_button = QPushButton("Show an example alert")
        self.preview_button.clicked.connect(self.preview_requested.emit)
        row = QHBoxLayout()
        row.addWidget(style, 1)
        row.addWidget(self.preview_button)
        form.addRow(LABELS["app.alert_style"], row)
        form.addRow(sound)
        form.addRow(LABELS["app.theme"], self._choice("app.theme", THEMES,
                                                      self.config.app.theme))
        layout.addWidget(alerts)

        camera = QGroupBox("Camera")
        form = QFormLayout(camera)
        form.addRow(LABELS["camera.id"], self._camera_choice())
        form.addRow(LABELS["camera.view"], self._choice("camera.view", VIEWS,
                                                        self.config.camera.view))
        # What the camera in use sees now (another one shows once applied).
        self.camera_picture = QLabel("No picture from the camera in use.")
        self.camera_picture.setFixedSize(192, 144)
        self.camera_picture.setStyleSheet("background: #1e1f22; color: #d0d3d8;")
        self.camera_picture.setWordWrap(True)
        form.addRow("What it sees now", self.camera_picture)
        layout.addWidget(camera)

        layout.addWidget(self._breaks_box())

        quiet = QGroupBox("Quiet hours: hold alerts and break reminders back")
        quiet.setCheckable(True)
        app = self.config.app
        quiet.setChecked(bool(app.quiet_hours_start and app.quiet_hours_end))
        self.quiet_box = quiet
        row = QHBoxLayout(quiet)
        for key, default in (("app.quiet_hours_start", "22:00"), ("app.quiet_hours_end", "07:00")):
            text = getattr(app, key.split(".")[1]) or default
            edit = QTimeEdit(QTime.fromString(text, "HH:mm"))
            edit.setDisplayFormat("HH:mm")
            self._field(key, edit)
            row.addWidget(QLabel("from" if key.endswith("start") else "until"))
            row.addWidget(edit)
        row.addStretch(1)
        layout.addWidget(quiet)

        goal_row = QHBoxLayout()
        goal = _number(self.config.history.daily_goal_percent, 10.0, 100.0, " %")
        goal.setDecimals(0)
        goal.setToolTip(next(f for f in dataclasses.fields(self.config.history)
                             if f.name == "daily_goal_percent").metadata["description"])
        self._field("history.daily_goal_percent", goal)
        goal_row.addWidget(QLabel(LABELS["history.daily_goal_percent"]))
        goal_row.addWidget(goal)
        goal_row.addWidget(QLabel("of my desk time"))
        goal_row.addStretch(1)
        layout.addLayout(goal_row)

        login = QCheckBox(LABELS["app.start_on_login"])
        login.setChecked(app.start_on_login)
        self._field("app.start_on_login", login)
        menu_row = QHBoxLayout()
        menu_row.addWidget(login)
        menu_row.addStretch(1)
        self.menu_button = QPushButton()
        self.menu_button.clicked.connect(self._toggle_menu_entry)
        menu_row.addWidget(self.menu_button)
        layout.addLayout(menu_row)
        self.menu_label = QLabel()
        self.menu_label.setWordWrap(True)
        layout.addWidget(self.menu_label)
        self._show_menu_entry()
        layout.addStretch(1)
        return page

    def _show_menu_entry(self, said: str = "") -> None:
        self.menu_button.setText("Remove from applications menu" if in_menu()
                                 else "Add to applications menu")
        self.menu_label.setText(said)
        self.menu_label.setVisible(bool(said))

    def _toggle_menu_entry(self) -> None:
        """Adds neckline to the desktop's applications menu (a user-level desktop entry and
        icon), or removes it; acts at once, not on OK."""
        try:
            if in_menu():
                remove_from_menu()
                said = "neckline is no longer in the applications menu."
            else:
                said = (f"neckline is in the applications menu ({add_to_menu()}); some "
                        "desktops show it after a moment.")
        except OSError as e:
            said = f"The applications menu could not be changed ({e.strerror}: {e.filename})."
        self._show_menu_entry(said)

    def _breaks_box(self) -> QGroupBox:
        """Break reminders: on or off, how often, and how long away counts as a break."""
        b = self.config.breaks
        box = QGroupBox(LABELS["breaks.remind"])
        box.setCheckable(True)
        box.setChecked(b.remind)
        box.setToolTip("neckline sees when you leave the desk: being away long enough (or "
                       "locking the screen) is the break, and the count starts again.")
        self._field("breaks.remind", box)
        form = QFormLayout(box)
        for key, value, lo, hi in (("breaks.every_min", b.every_min, 1.0, 240.0),
                                   ("breaks.length_min", b.length_min, 0.5, 30.0)):
            number = _number(value, lo, hi, " min")
            number.setDecimals(1 if key.endswith("length_min") else 0)
            self._field(key, number)
            form.addRow(LABELS[key], number)
        return box

    def _strictness_box(self) -> QGroupBox:
        box = QGroupBox("Alert me when, for longer than the time given, my…")
        grid = QGridLayout(box)
        declared = {f.name: f for f in dataclasses.fields(self.config.alerts)}
        for row, problem in enumerate(PROBLEMS):
            rule: ProblemRule = getattr(self.config.alerts, problem)
            lo, hi, unit = declared[problem].metadata["rule"]["threshold"]
            enabled = QCheckBox(STRICTNESS[problem])
            enabled.setChecked(rule.enabled)
            enabled.setToolTip(declared[problem].metadata["description"])
            threshold = _number(rule.threshold, lo, hi, UNIT_SUFFIX.get(unit, ""))
            dwell = _number(rule.dwell_s, 0.0, 3600.0, " s")
            grid.addWidget(enabled, row, 0)
            grid.addWidget(threshold, row, 1)
            grid.addWidget(QLabel("for"), row, 2)
            grid.addWidget(dwell, row, 3)
            for part, widget in (("enabled", enabled), ("threshold", threshold),
                                 ("dwell_s", dwell)):
                self._field(f"alerts.{problem}.{part}", widget)
        return box

    def show_picture(self, frame: np.ndarray | None, mirror: bool) -> None:
        """The latest picture of the camera in use (from the monitor), small."""
        if frame is None or not self.isVisible():
            return
        self.camera_picture.setPixmap(fitted(frame_image(frame, mirror),
                                             self.camera_picture.width(),
                                             self.camera_picture.height()))

    # -- the Advanced page, generated -------------------------------------------------------

    def _advanced_page(self) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        note = QLabel("The engine's own settings. Each is explained when you point at it; the "
                      "defaults suit most people.")
        note.setWordWrap(True)
        layout.addWidget(note)
        for section in ("alerts", "camera", "processing", "measures", "calibration", "app",
                        "history"):
            obj = getattr(self.config, section)
            box = QGroupBox(section.capitalize())
            form = QFormLayout(box)
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                if isinstance(value, ProblemRule):  # the margin: the rest is on the first page
                    key = f"alerts.{f.name}.margin"
                    declared = f.metadata["rule"]["threshold"]
                    margin = _number(value.margin, 0.0, declared[1] / 2,
                                     UNIT_SUFFIX.get(declared[2], ""))
                    self._field(key, margin, f"{STRICTNESS[f.name]}: clears below, by")
                    form.addRow(self.labels[key], margin)
                    continue
                key = f"{section}.{f.name}"
                if key in self.fields or key == "camera.index":  # (chosen with camera.id)
                    continue
                widget = self._editor(key, value, f.metadata)
                widget.setToolTip(f.metadata["description"])
                form.addRow(self.labels[key], widget)
            if form.rowCount():
                layout.addWidget(box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName("Advanced settings")
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _field(self, key: str, widget: QWidget, label: str | None = None) -> None:
        self.fields[key] = widget
        self.labels[key] = label or LABELS.get(key) or _words(key)
        widget.setAccessibleName(self.labels[key])  # what a screen reader says for it

    def _choice(self, key: str, choices: dict[str, str], value: str) -> QComboBox:
        """A list of ``choices`` (value -> words) for ``key``, at ``value``."""
        combo = QComboBox()
        for option, words in choices.items():
            combo.addItem(words, option)
        combo.setCurrentIndex(combo.findData(value))
        self._field(key, combo)
        return combo

    def _camera_choice(self) -> QComboBox:
        """The cameras by name (data: identity); the chosen one stays listed while unplugged."""
        combo = QComboBox()
        camera = self.config.camera
        at_index = next((c for c in self.cameras if c.index == camera.index), None)
        # No identity chosen yet: the camera at the configured index, or "" (that index).
        current = camera.id or (at_index.identity if at_index else "")
        for c in self.cameras:
            combo.addItem(self.camera_labels[c.identity], c.identity)
        if combo.findData(current) < 0:
            words = current.removeprefix("name:") if current else f"Camera {camera.index}"
            combo.addItem(f"{words} (not connected now)", current)
        combo.setCurrentIndex(combo.findData(current))
        self._field("camera.id", combo)
        return combo

    def _editor(self, key: str, value: Any, meta: Any) -> QWidget:
        widget: QWidget
        if isinstance(value, bool):
            check = QCheckBox()
            check.setChecked(value)
            widget = check
        elif isinstance(value, str) and meta.get("choices"):
            combo = QComboBox()
            combo.addItems(meta["choices"])
            combo.setCurrentText(value)
            widget = combo
        elif isinstance(value, str):
            widget = QLineEdit(value)
        elif isinstance(value, int):
            spin = QSpinBox()
            spin.setRange(int(meta["lo"]), int(meta["hi"]))
            spin.setValue(value)
            widget = spin
        else:
            suffix = next((unit for end, unit in UNIT_OF_KEY if key.endswith(end)), "")
            widget = _number(value, meta["lo"], meta["hi"], suffix)
        self._field(key, widget)
        return widget

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
        if not self.quiet_box.isChecked():
            data["app"]["quiet_hours_start"] = data["app"]["quiet_hours_end"] = ""
        # The camera by identity, and its index now (kept when it is not connected).
        chosen = find_camera(data["camera"]["id"], self.cameras)
        if chosen is not None:
            data["camera"]["index"] = chosen.index
        return data

    def apply(self) -> bool:
        for widget in self.fields.values():
            widget.setStyleSheet("")
        try:
            config = apply_overrides(Config(), self.values(), "settings")
        except ConfigError as e:
            self.error_label.setText("\n".join(self._in_words(p) for p in e.problems))
            return False
        self.error_label.setText("")
        if config != self.config:
            self.config = config
            self.applied.emit(config)
        return True

    def _in_words(self, problem: str) -> str:
        """A refusal with each setting named as on screen, its field marked."""
        def name(match: re.Match[str]) -> str:
            key = match.group(1)
            widget = self.fields.get(key)
            if widget is not None:
                widget.setStyleSheet(ERROR_STYLE)
            return f"“{self.labels[key]}”" if key in self.labels else match.group(0)

        return re.sub(r"'([a-z_]+(?:\.[a-z_]+)+)'", name, problem.removeprefix("settings: "))

    def accept(self) -> None:
        if self.apply():
            super().accept()


def _words(key: str) -> str:
    """'processing.idle_rate_fps' -> 'Idle rate' (the unit is on the field itself)."""
    leaf = key.rsplit(".", 1)[1]
    for suffix, _unit in UNIT_OF_KEY:
        leaf = leaf.removesuffix(suffix)
    return leaf.replace("_", " ").capitalize().replace("Cva", "Neck angle (CVA)")


def _number(value: float, lo: float, hi: float, suffix: str = "") -> QDoubleSpinBox:
    """A number field showing as many decimals as the value and its range need: '600 s', not
    '600.00'; angles and distances keep one decimal."""
    spin = QDoubleSpinBox()
    whole = suffix == " s" and float(value).is_integer() and hi - lo >= 20
    spin.setDecimals(0 if whole else 1 if hi - lo >= 2 else 2)
    spin.setRange(lo, hi)
    spin.setSingleStep(1.0 if hi - lo >= 20 else 0.1)
    spin.setSuffix(suffix)
    spin.setValue(value)
    return spin


def _read(widget: QWidget) -> Any:
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
