"""Light or dark, following the desktop's colour scheme (or the user's choice in Settings).

Qt reports the desktop's scheme through ``QStyleHints.colorScheme`` (GNOME and KDE through the
settings portal, or a dark palette); a choice of "light" or "dark" asks Qt for that scheme
instead. Where the platform cannot switch its own palette (a bare X server, some desktops),
neckline sets Fusion with a palette of its own. The windows with their own colours (the charts,
the stretch figures, the alert card) ask ``is_dark`` when they draw, and draw again on Qt's
palette-change event.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QGuiApplication, QPalette
from PyQt6.QtWidgets import QApplication, QStyleFactory

# Figure colours (neckline/stretches/data/figures) and what they become on a dark background.
_FIGURE_DARK = {b'"white"': b'"#1f2328"', b'"#2b3440"': b'"#e3e7ed"',
                b'"#b8bdc6"': b'"#5d6570"', b'"#2e9d5b"': b'"#46c27a"'}


def is_dark() -> bool:
    """Whether the colours in force are dark (the window background)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def recolour_figure(svg: bytes, dark: bool) -> bytes:
    """A stretch figure for the scheme: on dark, a dark ground, light lines, a dim ghost."""
    if not dark:
        return svg
    for light, dim in _FIGURE_DARK.items():
        svg = svg.replace(light, dim)
    return svg


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#2b2d31"), (roles.WindowText, "#e6e8eb"),
                         (roles.Base, "#1f2124"), (roles.AlternateBase, "#2f3136"),
                         (roles.ToolTipBase, "#1f2124"), (roles.ToolTipText, "#e6e8eb"),
                         (roles.Text, "#e6e8eb"), (roles.Button, "#34373c"),
                         (roles.ButtonText, "#e6e8eb"), (roles.BrightText, "#ff6b6b"),
                         (roles.Link, "#6fb3ff"), (roles.Highlight, "#3b7dd8"),
                         (roles.HighlightedText, "#ffffff"), (roles.PlaceholderText, "#8b9099")):
        palette.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7b8088"))
    return palette


class Theme(QObject):
    """Emits ``changed(dark)`` whenever the scheme in force changes."""

    changed = pyqtSignal(bool)

    def __init__(self, choice: str = "system") -> None:
        super().__init__()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.app = app
        self._light_style = app.style().name() if app.style() is not None else "fusion"  # type: ignore[union-attr]
        self.choice = ""  # none yet: set_choice below applies it
        self.dark = False
        hints = QGuiApplication.styleHints()
        assert hints is not None
        self.hints = hints
        hints.colorSchemeChanged.connect(lambda _scheme: self._apply())
        self.set_choice(choice)

    def set_choice(self, choice: str) -> None:
        """"system", "light" or "dark". The same choice again changes nothing (every Apply in
        Settings comes here; repainting every window for it would be wasted)."""
        if choice == self.choice:
            return
        self.choice = choice
        if choice == "system":
            self.hints.unsetColorScheme()
        else:
            self.hints.setColorScheme(Qt.ColorScheme.Dark if choice == "dark"
                                      else Qt.ColorScheme.Light)
        self._apply()

    def _apply(self) -> None:
        self.app.setPalette(QPalette())  # back to the platform's own, which follows the desktop
        self.app.setStyle(QStyleFactory.create(self._light_style))
        platform_dark = is_dark()
        scheme = self.hints.colorScheme()
        if self.choice in ("dark", "light"):
            dark = self.choice == "dark"
        elif scheme != Qt.ColorScheme.Unknown:
            dark = scheme == Qt.ColorScheme.Dark
        else:
            dark = platform_dark
        if dark and not platform_dark:  # the platform cannot switch: ours
            self.app.setStyle(QStyleFactory.create("Fusion"))
            self.app.setPalette(dark_palette())
        elif not dark and platform_dark:
            style = self.app.style()
            if style is not None:
                self.app.setPalette(style.standardPalette())
        if dark != self.dark:
            self.dark = dark
            self.changed.emit(dark)
