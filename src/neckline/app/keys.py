"""Keyboard use: the usual shortcuts, added the same way in every window."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import QWidget

CLOSE_KEYS = ("Ctrl+W", "Esc")


def shortcut(window: QWidget, keys: str, slot: Callable[[], object]) -> QShortcut:
    """``keys`` ("Ctrl+Q") runs ``slot`` while ``window`` or any of its children has focus."""
    made = QShortcut(QKeySequence(keys), window)
    made.setContext(Qt.ShortcutContext.WindowShortcut)
    made.activated.connect(slot)
    return made


def closes_with_keys(window: QWidget) -> None:
    """Ctrl+W and Esc close a secondary window (dialogs close on Esc by themselves)."""
    for keys in CLOSE_KEYS:
        shortcut(window, keys, window.close)
