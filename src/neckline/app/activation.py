"""Bringing a window of neckline's to the front when the user asked for it (a second start, a
click on a notification, the tray), the way each desktop allows.

X11 lets a program raise and focus its window. Wayland does not: the compositor decides, and
lets a program take the focus only with an activation token (xdg-activation) that the desktop
handed out for the user's action, to a launcher (``XDG_ACTIVATION_TOKEN``) or with a
notification's action (the ``ActivationToken`` signal). Qt's Wayland plugin uses the token in
``XDG_ACTIVATION_TOKEN`` at the next activation, once. Without a token, asking for activation
only makes GNOME say "neckline is ready" in a notice of its own; a window shown anew (mapped),
by contrast, is placed on top like any new window, so that is what is done instead.
"""

from __future__ import annotations

import os

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QWidget


def on_wayland() -> bool:
    return QGuiApplication.platformName().startswith("wayland")


def use_token(token: str) -> None:
    """Keeps an activation token the desktop gave for the user's action, for the next window
    brought forward (a token is used once, and only within seconds)."""
    if token:
        os.environ["XDG_ACTIVATION_TOKEN"] = token


def bring_forward(window: QWidget) -> None:
    """Shows ``window`` on top with the keyboard, as far as the desktop allows."""
    if on_wayland() and not os.environ.get("XDG_ACTIVATION_TOKEN"):
        if window.isVisible() and not window.isActiveWindow():
            window.hide()  # shown anew: the compositor puts a new window on top
            # (a moment later: shown again at once, Qt's new surface got no picture)
            QTimer.singleShot(50, lambda: _show_anew(window))
            return
        window.show()
        return
    window.show()
    window.raise_()
    window.activateWindow()


def _show_anew(window: QWidget) -> None:
    window.show()
    window.update()
