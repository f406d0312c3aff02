"""Camera names as the desktop knows them (QtMultimedia's ``QMediaDevices``), laid over the
cameras video4linux lists (``capture.cameras``), which give the index and stable identity."""

from __future__ import annotations

from PyQt6.QtMultimedia import QMediaDevices

from neckline.capture.cameras import Camera


def qt_camera_names() -> dict[str, str]:
    """Qt's id of each video input (on Linux its device, /dev/videoN) -> its description."""
    return {bytes(device.id().data()).decode(errors="replace"): device.description()
            for device in QMediaDevices.videoInputs()}


def camera_labels(cameras: list[Camera]) -> dict[str, str]:
    """identity -> the words for the camera in Settings: Qt's name for it where Qt has one,
    else the device's own, with its device file."""
    names = qt_camera_names()
    return {c.identity: f"{names.get(c.device) or c.name} ({c.device})" for c in cameras}
