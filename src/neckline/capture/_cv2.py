"""The one place neckline imports OpenCV.

mediapipe >= 0.10.30 depends on opencv-contrib-python, which is built with Qt 5 and, on import,
points QT_QPA_PLATFORM_PLUGIN_PATH and QT_QPA_FONTDIR at its own Qt 5 plugins. PyQt6 would then
load those and abort on a real display, so the variables are removed again when they point inside
cv2. Everything in neckline does `from neckline.capture._cv2 import cv2`.
"""

import os

# OpenCV and FFmpeg print warnings of their own for unreadable files; neckline reports those
# in one sentence instead.
os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2

_cv2_dir = os.path.dirname(cv2.__file__)
for _var in ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR"):
    if os.environ.get(_var, "").startswith(_cv2_dir):
        del os.environ[_var]

# One decode thread is plenty at 10 frames per second and leaves the other core to inference.
cv2.setNumThreads(1)

__all__ = ["cv2"]
