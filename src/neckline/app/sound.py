"""A soft two-note chime for alerts (optional, off by default)."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs
from PyQt6.QtCore import QUrl
from PyQt6.QtWidgets import QApplication


def chime_file() -> Path:
    """A 0.6-second chime written once to the cache directory."""
    path = Path(platformdirs.user_cache_dir("neckline")) / "chime.wav"
    if path.exists():
        return path
    rate = 22050
    t = np.arange(int(rate * 0.6)) / rate
    notes = np.where(t < 0.25, 660.0, 880.0)
    envelope = np.exp(-4.0 * t) * np.minimum(1.0, t * 80)
    signal = 0.25 * envelope * np.sin(2 * np.pi * notes * t)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((signal * 32767).astype("<i2").tobytes())
    return path


class Chime:
    def __init__(self) -> None:
        self._effect: Any = None  # QSoundEffect, made on first use

    def play(self) -> None:
        try:
            if self._effect is None:
                from PyQt6.QtMultimedia import QSoundEffect

                self._effect = QSoundEffect()
                self._effect.setSource(QUrl.fromLocalFile(str(chime_file())))
                self._effect.setVolume(0.5)
            self._effect.play()
        except (ImportError, OSError):  # no audio stack: the system bell will do
            QApplication.beep()
