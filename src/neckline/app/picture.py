"""A camera frame (BGR, as OpenCV gives it) as Qt draws it: mirrored for a camera, so moving
right moves the picture right, and as recorded for a video, so its text reads the right way."""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QImage, QPixmap


def frame_image(frame: np.ndarray, mirror: bool) -> QImage:
    """The frame as an RGB image of its own (safe to draw on)."""
    view = frame[:, ::-1] if mirror else frame
    rgb = np.ascontiguousarray(view[:, :, ::-1])  # BGR -> RGB
    h, w = rgb.shape[:2]
    return QImage(rgb.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def fitted(image: QImage, width: int, height: int) -> QPixmap:
    """``image`` scaled to fit ``width`` x ``height``, keeping its shape."""
    return QPixmap.fromImage(image).scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation)
