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
from typing import Any

import numpy as np
from PyQt6.QtCore import QTime, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from neckline.app.activation import on_wayland
from neckline.app.desktop_entry import add_to_menu, in_menu, remove_from_menu
from neckline.app.picture import fitted, frame_image
from neckline.app.placement import fit_on_screen
from neckline.app.settings_fields import (
    UNIT_SUFFIX,
    editor,
    in_words,
    nested,
    number,
    scrolling,
    wheel_only_when_focused,
    words,
)
from neckline.capture.cameras import Camera, find_camera
from neckline.config import REGISTRY, Config, ProblemRule, apply_overrides
from neckline.errors import ConfigError

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
    "camera.lend_to_other_apps": "Let a video call have the camera (neckline pauses meanwhile)",
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
    "breaks.keep_on_screen": "Keep the reminder on screen until I answer it",
    # Each check as a sentence: "<rule words> [threshold] for [seconds]".
    **{f"alerts.{p.id}.threshold": f"{p.rule_words} (the number)" for p in REGISTRY.values()},
    **{f"alerts.{p.id}.dwell_s": f"{p.rule_words} (how long)" for p in REGISTRY.values()},
    **{f"alerts.{p.id}.enabled": f"{p.rule_words} (on or off)" for p in REGISTRY.values()},
}


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
        tabs.addTab(scrolling(self._general_page(), "General settings"), "General")
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
        fit_on_screen(self, 680, 760)

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
        if on_wayland():
            note = QLabel("On this desktop (Wayland) alerts come as its notifications: a card "
                          "of neckline's own could neither be placed nor stay out of your "
                          "typing.")
            note.setWordWrap(True)
            form.addRow(note)
        form.addRow(sound)
        form.addRow(LABELS["app.theme"], self._choice("app.theme", THEMES,
                                                      self.config.app.theme))
        layout.addWidget(alerts)

        camera = QGroupBox("Camera")
        form = QFormLayout(camera)
        form.addRow(LABELS["camera.id"], self._camera_choice())
        form.addRow(LABELS["camera.view"], self._choice("camera.view", VIEWS,
                                                        self.config.camera.view))
        lend = QCheckBox(LABELS["camera.lend_to_other_apps"])
        lend.setChecked(self.config.camera.lend_to_other_apps)
        lend.setToolTip("When a video call opens the camera, neckline pauses and lets it have "
                        "the camera, then takes it back a few seconds after the call.")
        self._field("camera.lend_to_other_apps", lend)
        form.addRow(lend)
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
        meta = next(f for f in dataclasses.fields(self.config.history)
                    if f.name == "daily_goal_percent").metadata
        goal = number(self.config.history.daily_goal_percent, meta["lo"], meta["hi"], " %")
        goal.setDecimals(0)
        goal.setToolTip(meta["description"])
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
        declared = {f.name: f.metadata for f in dataclasses.fields(b)}
        for name in ("every_min", "length_min"):
            key, meta = f"breaks.{name}", declared[name]
            minutes = number(getattr(b, name), meta["lo"], meta["hi"], " min")
            minutes.setDecimals(1 if name == "length_min" else 0)
            self._field(key, minutes)
            form.addRow(LABELS[key], minutes)
        keep = QCheckBox(LABELS["breaks.keep_on_screen"])
        keep.setChecked(b.keep_on_screen)
        self._field("breaks.keep_on_screen", keep)
        form.addRow(keep)
        return box

    def _strictness_box(self) -> QGroupBox:
        box = QGroupBox("Alert me when, for longer than the time given, my…")
        grid = QGridLayout(box)
        for row, facts in enumerate(REGISTRY.values()):
            problem = facts.id
            rule = self.config.alerts.rule(problem)
            enabled = QCheckBox(facts.rule_words)
            enabled.setChecked(rule.enabled)
            enabled.setToolTip(facts.about)
            threshold = number(rule.threshold, *facts.threshold_range,
                                UNIT_SUFFIX.get(facts.threshold_unit, ""))
            dwell = number(rule.dwell_s, *facts.dwell_range, " s")
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
                    facts = REGISTRY[f.name]
                    margin = number(value.margin, *facts.margin_range,
                                     UNIT_SUFFIX.get(facts.threshold_unit, ""))
                    self._field(key, margin, f"{facts.rule_words}: clears below, by")
                    form.addRow(self.labels[key], margin)
                    continue
                key = f"{section}.{f.name}"
                if key in self.fields or key == "camera.index":  # (chosen with camera.id)
                    continue
                widget = editor(key, value, f.metadata)
                self._field(key, widget, f.metadata.get("title") or None)
                widget.setToolTip(f.metadata["description"])
                form.addRow(self.labels[key], widget)
            if form.rowCount():
                layout.addWidget(box)
        layout.addStretch(1)
        return scrolling(inner, "Advanced settings")

    def _field(self, key: str, widget: QWidget, label: str | None = None) -> None:
        if isinstance(widget, QComboBox | QAbstractSpinBox):  # (a time field is a spin box)
            wheel_only_when_focused(widget)
        self.fields[key] = widget
        self.labels[key] = label or LABELS.get(key) or words(key)
        widget.setAccessibleName(self.labels[key])  # what a screen reader says for it

    def _choice(self, key: str, choices: dict[str, str], value: str) -> QComboBox:
        """A list of ``choices`` (value -> words) for ``key``, at ``value``."""
        combo = QComboBox()
        for option, said in choices.items():
            combo.addItem(said, option)
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

    # -- reading it back -------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The form as a nested dict, like the TOML file."""
        data = nested(self.fields)
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
            self.error_label.setText("\n".join(in_words(p, self.fields, self.labels)
                                                for p in e.problems))
            return False
        self.error_label.setText("")
        if config != self.config:
            self.config = config
            self.applied.emit(config)
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()


