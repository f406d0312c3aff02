"""The cameras on this machine, by the names people know them by and by a stable identity.

An index (/dev/video0, /dev/video2...) follows the order cameras were plugged in, so it changes
when a USB camera moves or another is added; calibrations and the camera chosen in Settings are
therefore kept under the camera's *identity*: its /dev/v4l/by-id link (USB vendor, model and
serial), else its /dev/v4l/by-path link (the port), else its name. Linux only (video4linux):
elsewhere the list is empty and the index is all there is. The desktop app puts QtMultimedia's
names on top where it has them (``neckline.app.camera_names``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from neckline.config import CameraConfig


@dataclass(frozen=True)
class Camera:
    index: int  # what OpenCV opens: /dev/video<index>
    name: str  # "Logitech HD Webcam C270", as the device calls itself
    identity: str  # stable across replugging: see the module's docstring

    @property
    def device(self) -> str:
        return f"/dev/video{self.index}"


def list_cameras(root: Path = Path("/")) -> list[Camera]:
    """The video capture devices, by index. ``root`` is the file system's root (tests give a
    folder laid out like /sys and /dev)."""
    sysfs = root / "sys" / "class" / "video4linux"
    try:
        nodes = sorted(sysfs.iterdir(), key=lambda p: _number(p.name))
    except OSError:
        return []
    links = _links(root / "dev" / "v4l" / "by-id") + _links(root / "dev" / "v4l" / "by-path")
    cameras = []
    for node in nodes:
        index = _number(node.name)
        if index < 0 or _read(node / "index") not in ("", "0"):
            continue  # a camera's second node (its metadata) is not a picture
        name = _read(node / "name") or f"Camera {index}"
        identity = next((link for link, target in links if target == f"video{index}"),
                        f"name:{name}")
        cameras.append(Camera(index, name, identity))
    # Two cameras of the same model without a by-id link would share a name: tell them apart.
    names = [c.identity for c in cameras]
    return [c if names.count(c.identity) == 1 else
            Camera(c.index, c.name, f"{c.identity}#{c.index}") for c in cameras]


def find_camera(identity: str, cameras: list[Camera]) -> Camera | None:
    return next((c for c in cameras if c.identity == identity), None)


def chosen_index(camera: CameraConfig, cameras: list[Camera]) -> int:
    """The index of the camera the config chose: by identity while it is connected, else the
    configured index."""
    found = find_camera(camera.id, cameras) if camera.id else None
    return found.index if found is not None else camera.index


def camera_identity(index: int, cameras: list[Camera]) -> str:
    """The identity of the camera at ``index``, else "camera <index>" (older calibrations are
    kept under that)."""
    return next((c.identity for c in cameras if c.index == index), f"camera {index}")


def _links(folder: Path) -> list[tuple[str, str]]:
    """(link name, the videoN it points to) for the links in ``folder``."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [(entry.name, os.path.basename(os.readlink(entry))) for entry in entries
            if entry.is_symlink()]


def _number(node: str) -> int:
    suffix = node.removeprefix("video")
    return int(suffix) if suffix.isdigit() and node.startswith("video") else -1


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
