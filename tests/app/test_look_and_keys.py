"""Looks at home: light or dark (charts and stretch figures included), the usual keyboard
shortcuts, and a name for every control a screen reader or the keyboard reaches."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QGuiApplication, QPalette
from PyQt6.QtTest import QTest
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QGroupBox,
    QLabel,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from conftest import Make
from desktop import desktop
from neckline.app.theme import is_dark, recolour_figure
from neckline.config import Config, apply_overrides
from neckline.stretches.catalogue import catalogue, figure_path


@pytest.fixture(autouse=True)
def _platform_colours_after() -> Iterator[None]:
    yield
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    hints = QGuiApplication.styleHints()
    assert hints is not None
    hints.unsetColorScheme()
    app.setPalette(QPalette())


def _lightness(widget: QWidget) -> float:
    image = widget.grab().toImage()
    total = 0
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            total += image.pixelColor(x, y).lightness()
    return total / (len(range(0, image.height(), 7)) * len(range(0, image.width(), 7)))


def test_dark_colours_reach_the_charts_the_figures_and_the_card(
        qtbot: QtBot, make: Make, videos: dict[str, Path], tmp_path: Path) -> None:
    c = make(videos["nobody"], apply_overrides(Config(), {"app": {"theme": "dark"}}),
             history_path=tmp_path / "h.db")
    assert c.theme.dark and is_dark()
    guide = c.open_stretches(None, "chin_tuck")
    figure = guide.figure_holder.itemAt(0).widget()  # type: ignore[union-attr]
    assert figure is not None and _lightness(figure) < 80
    stats = c.open_statistics()
    qtbot.waitUntil(lambda: stats.stats is not None, timeout=10000)
    assert _lightness(stats.good_plot) < 80
    c.show_example_alert()
    assert _lightness(c.delivery.toasts[-1]) < 100
    qtbot.wait(100)  # (windows made before the change hear of it through the event loop)
    assert _lightness(c.window.gauges["head_tilt"]) < 100

    c.apply_config(apply_overrides(c.config, {"app": {"theme": "light"}}))  # live
    qtbot.wait(100)
    assert not c.theme.dark and not is_dark()
    assert _lightness(c.window.gauges["head_tilt"]) > 170
    figure = guide.figure_holder.itemAt(0).widget()  # type: ignore[union-attr]
    assert figure is not None and _lightness(figure) > 170
    assert _lightness(stats.good_plot) > 170


FOLLOW = """
import json, sys
from PyQt6.QtWidgets import QApplication
app = QApplication([])
from neckline.app.theme import Theme, is_dark
theme = Theme(sys.argv[1])
print(json.dumps([theme.dark, is_dark()]))
"""


@pytest.mark.parametrize(("gtk_theme", "choice", "dark"), [
    ("Adwaita", "system", False), ("Adwaita:dark", "system", True),
    ("Adwaita", "dark", True), ("Adwaita:dark", "light", False)])
def test_following_the_desktops_scheme_or_the_users_choice(gtk_theme: str, choice: str,
                                                            dark: bool) -> None:
    """On a real X server with Qt's GTK platform theme, as on a GNOME desktop: the desktop's
    dark scheme is followed, and the user's choice wins over it either way."""
    with desktop(tray=False, notifications=False) as d:
        env = dict(d.env, QT_QPA_PLATFORMTHEME="gtk3", GTK_THEME=gtk_theme)
        run = subprocess.run([sys.executable, "-c", FOLLOW, choice], env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.splitlines()[-1]) == [dark, dark]


def test_figures_keep_their_drawing_in_dark() -> None:
    svg = figure_path(catalogue().stretches["chin_tuck"]).read_bytes()
    dark = recolour_figure(svg, True)
    assert recolour_figure(svg, False) == svg
    assert b'"white"' not in dark and b"#2b3440" not in dark
    assert dark.count(b"<line") == svg.count(b"<line")


def test_the_usual_shortcuts(qtbot: QtBot, make: Make, videos: dict[str, Path]) -> None:
    c = make(videos["nobody"], tray=True)
    w = c.window
    w.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is not None, timeout=5000)
    QTest.keyClick(w, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert c.settings is not None and c.settings.isVisible()
    c.settings.reject()
    guide = c.open_stretches(None)
    guide.activateWindow()
    qtbot.waitUntil(guide.isActiveWindow, timeout=5000)
    QTest.keyClick(guide, Qt.Key.Key_Escape)
    assert not guide.isVisible()
    stats = c.open_statistics()
    stats.activateWindow()
    qtbot.waitUntil(stats.isActiveWindow, timeout=5000)
    QTest.keyClick(stats, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not stats.isVisible()
    quits: list[bool] = []
    w.quit_requested.connect(lambda: quits.append(True))
    w.quit_requested.disconnect(c.quit)  # (this test's app keeps running)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    QTest.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert quits == [True]
    QTest.keyClick(w, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible() and c.tray is not None  # closed to the tray, still running
    # Every button's text has a mnemonic (Alt+letter), none used twice in a window.
    for window in (w, c.open_statistics(), c.open_stretches(None)):
        texts = [b.text() for b in window.findChildren(QAbstractButton)
                 if b.isVisibleTo(window) and b.text() and b.text() != "\u00d7"]
        keys = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
        assert len(keys) == len(texts) and len(set(keys)) == len(keys), texts


def spoken_name(widget: QWidget, window: QWidget) -> str:
    """What a screen reader says for ``widget``: its accessible name, else its text or title,
    else the label that names it (a QLabel with it as buddy)."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton):
        return widget.text().replace("&", "")
    if isinstance(widget, QGroupBox):
        return widget.title()
    return " ".join(label.text() for label in window.findChildren(QLabel)
                    if label.buddy() is widget)


def _is_viewport(widget: QWidget) -> bool:
    """The inside of a scrolling view: the view itself carries the name."""
    parent = widget.parent()
    return isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget


def test_every_control_has_a_name(qtbot: QtBot, make: Make, videos: dict[str, Path],
                                  tmp_path: Path) -> None:
    c = make(videos["nobody"], history_path=tmp_path / "h.db", onboarded=False)
    windows: list[QWidget] = [c.window, c.open_settings(), c.open_statistics(),
                              c.open_stretches(None)]
    assert c.wizard is not None
    windows.append(c.wizard)
    unnamed = []
    for window in windows:
        for widget in window.findChildren(QWidget):
            if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus \
                    or widget.window() is not window \
                    or _is_viewport(widget) \
                    or widget.objectName().startswith("qt_") \
                    or isinstance(widget, QTabWidget | QTabBar):  # (tabs are named by text)
                continue
            if not spoken_name(widget, window).strip():
                unnamed.append(f"{window.windowTitle()}: {type(widget).__name__}")
    assert not unnamed
