"""One MediaPipe landmarker fed a stream of frames in VIDEO mode."""

from __future__ import annotations

from typing import Any

import numpy as np

from neckline.capture._cv2 import cv2
from neckline.capture._native import quiet_native_stderr


class VideoStream:
    """Feeds frames to a VIDEO-mode landmarker: RGB images, strictly increasing millisecond
    timestamps (two frames within a millisecond still get distinct ones), and the graph's
    start-up warning on the first frame kept off the terminal."""

    def __init__(self, landmarker: Any) -> None:
        self._landmarker = landmarker
        self._last_ms = -1
        self._first = True

    def run(self, image_bgr: np.ndarray, t: float) -> Any:
        import mediapipe as mp

        ms = max(round(t * 1000), self._last_ms + 1)
        self._last_ms = ms
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        if self._first:
            self._first = False
            with quiet_native_stderr():
                return self._landmarker.detect_for_video(image, ms)
        return self._landmarker.detect_for_video(image, ms)

    def close(self) -> None:
        self._landmarker.close()
