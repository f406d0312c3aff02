"""Windows sized and placed to fit the screen they open on, and put back where the user left
them: a remembered place is used when it still lies on a screen (a monitor unplugged since
does not strand a window off-screen); otherwise the window is shrunk to fit the screen and
centred on it. On Wayland only the size is kept: the compositor places windows."""

from __future__ import annotations

from PyQt6.QtCore import QRect
from PyQt6.QtGui import QGuiApplication, QScreen
from PyQt6.QtWidgets import QWidget

from neckline.app.activation import on_wayland
from neckline.app.appstate import AppState

FIT = 0.9  # a new window takes at most this share of the screen's free area
WAYLAND_PANELS_PX = 112  # what panels and a title bar may take of a Wayland screen's height


def place(window: QWidget, name: str, state: AppState, near: QWidget | None = None) -> None:
    """Before the first show: the remembered geometry if it fits a screen, else the window's
    own size shrunk to fit and centred on the screen of ``near`` (or the primary one)."""
    saved = state.windows.get(name)
    if saved is not None and on_wayland():
        # Wayland never tells a program where its windows are, nor lets it place them: the
        # size is kept, the compositor places the window.
        target = _screen_of(near)
        area = target.availableGeometry() if target is not None else QRect(*saved)
        window.resize(min(saved[2], area.width()), min(saved[3], area.height()))
        return
    if saved is not None:
        rect = QRect(*saved)
        for screen in QGuiApplication.screens():
            if screen.availableGeometry().contains(rect.center()) \
                    and rect.width() <= screen.availableGeometry().width() \
                    and rect.height() <= screen.availableGeometry().height():
                window.setGeometry(rect)
                return
    target = _screen_of(near)
    if target is None:
        return
    area = target.availableGeometry()
    width = min(window.width(), int(area.width() * FIT))
    height = min(window.height(), int(area.height() * FIT))
    window.resize(max(width, window.minimumSizeHint().width()),
                  max(height, window.minimumSizeHint().height()))
    # Centred; a window that cannot shrink enough starts at the area's top left.
    width, height = window.width(), window.height()
    window.move(area.x() + max(0, (area.width() - width) // 2),
                area.y() + max(0, (area.height() - height) // 2))


def remember(window: QWidget | None, name: str, state: AppState) -> None:
    """Keeps ``window``'s place for the next run (saved with the state)."""
    if window is not None:
        g = window.geometry()
        x, y = g.x(), g.y()
        if on_wayland():  # no position to be had: the one kept from an X11 session stays
            x, y = state.windows.get(name, (0, 0, 0, 0))[:2]
        state.windows[name] = (x, y, g.width(), g.height())


def _screen_of(widget: QWidget | None) -> QScreen | None:
    if widget is not None and widget.screen() is not None:
        return widget.screen()
    return QGuiApplication.primaryScreen()


def fit_on_screen(window: QWidget, width: int, height: int) -> None:
    """Sizes ``window`` to ``width`` x ``height``, or less where its screen's free area (the
    screen less panels and docks) is smaller: at most ``FIT`` of it. (On Wayland the free area
    is not told: it is the whole screen, so ``WAYLAND_PANELS_PX`` are left for panels.)"""
    screen = _screen_of(window.parentWidget())
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, int(area.width() * FIT))
        height = min(height, int(area.height() * FIT))
        if on_wayland():  # the whole screen: room for a top bar, a dock and the title bar
            height = min(height, area.height() - WAYLAND_PANELS_PX)
    window.resize(width, height)
