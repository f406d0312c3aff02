"""Cameras by name and by a stable identity (video4linux's sysfs and /dev/v4l links).

No camera can be attached to this machine, so the tests lay out the same files the kernel and
udev make (names, node indices, by-id and by-path links) in a folder standing for ``/``."""

from __future__ import annotations

import os
from pathlib import Path

from pytestqt.qtbot import QtBot

from neckline.app.settings_dialog import SettingsDialog
from neckline.capture.cameras import (
    Camera,
    camera_identity,
    chosen_index,
    find_camera,
    list_cameras,
)
from neckline.config import CameraConfig, Config, apply_overrides

LOGITECH = "usb-046d_HD_Pro_Webcam_C920_8F3B1A2F-video-index0"
INTEGRATED = "usb-Chicony_Integrated_Camera_0001-video-index0"


def machine(root: Path, nodes: dict[int, tuple[str, int, str | None]]) -> Path:
    """``nodes``: index -> (name, node index within the device, by-id link or None)."""
    for index, (name, node, link) in nodes.items():
        folder = root / "sys" / "class" / "video4linux" / f"video{index}"
        folder.mkdir(parents=True)
        (folder / "name").write_text(name + "\n")
        (folder / "index").write_text(f"{node}\n")
        by_path = root / "dev" / "v4l" / "by-path"
        by_path.mkdir(parents=True, exist_ok=True)
        if link:
            by_id = root / "dev" / "v4l" / "by-id"
            by_id.mkdir(parents=True, exist_ok=True)
            target = link if node == 0 else link.replace("index0", f"index{node}")
            os.symlink(f"../../video{index}", by_id / target)
    return root


def test_cameras_by_name_and_identity_skipping_metadata_nodes(tmp_path: Path) -> None:
    root = machine(tmp_path, {0: ("Integrated Camera: Integrated C", 0, INTEGRATED),
                              1: ("Integrated Camera: Integrated C", 1, INTEGRATED),
                              2: ("HD Pro Webcam C920", 0, LOGITECH),
                              3: ("HD Pro Webcam C920", 1, LOGITECH)})
    assert list_cameras(root) == [Camera(0, "Integrated Camera: Integrated C", INTEGRATED),
                                  Camera(2, "HD Pro Webcam C920", LOGITECH)]


def test_the_chosen_camera_is_found_at_its_new_index_after_replugging(tmp_path: Path) -> None:
    before = list_cameras(machine(tmp_path / "a", {0: ("Integrated", 0, INTEGRATED),
                                                   2: ("C920", 0, LOGITECH)}))
    after = list_cameras(machine(tmp_path / "b", {0: ("C920", 0, LOGITECH),
                                                  2: ("Integrated", 0, INTEGRATED)}))
    chosen = CameraConfig(index=2, id=LOGITECH)
    assert chosen_index(chosen, before) == 2 and chosen_index(chosen, after) == 0
    # Its calibration is kept under the identity, so it follows the camera too.
    assert camera_identity(0, after) == LOGITECH == camera_identity(2, before)
    # Unplugged: the configured index; never chosen: the index, named as before identities.
    assert chosen_index(chosen, []) == 2
    assert chosen_index(CameraConfig(index=1), after) == 1
    assert camera_identity(5, after) == "camera 5"


def test_without_links_the_name_is_the_identity_and_twins_are_told_apart(
        tmp_path: Path) -> None:
    cameras = list_cameras(machine(tmp_path, {0: ("USB Camera", 0, None),
                                              2: ("USB Camera", 0, None),
                                              4: ("Other", 0, None)}))
    assert [c.identity for c in cameras] == ["name:USB Camera#0", "name:USB Camera#2",
                                             "name:Other"]
    assert find_camera("name:Other", cameras) == Camera(4, "Other", "name:Other")


def test_no_video4linux_means_no_cameras(tmp_path: Path) -> None:
    assert list_cameras(tmp_path) == []


def test_settings_list_cameras_by_name_and_keep_an_unplugged_choice(
        qtbot: QtBot, tmp_path: Path) -> None:
    cameras = list_cameras(machine(tmp_path, {0: ("Integrated", 0, INTEGRATED),
                                              2: ("C920", 0, LOGITECH)}))
    dialog = SettingsDialog(Config(), cameras,
                            labels={INTEGRATED: "Integrated Camera (/dev/video0)",
                                    LOGITECH: "HD Pro Webcam C920 (/dev/video2)"})
    qtbot.addWidget(dialog)
    combo = dialog.fields["camera.id"]
    assert [combo.itemText(i) for i in range(combo.count())] == [  # type: ignore[attr-defined]
        "Integrated Camera (/dev/video0)", "HD Pro Webcam C920 (/dev/video2)"]
    assert combo.currentData() == INTEGRATED  # type: ignore[attr-defined]
    combo.setCurrentIndex(1)  # type: ignore[attr-defined]
    chosen = apply_overrides(Config(), dialog.values()).camera
    assert (chosen.index, chosen.id) == (2, LOGITECH)

    gone = apply_overrides(Config(), {"camera": {"index": 2, "id": "usb-Old_Cam-video-index0"}})
    dialog = SettingsDialog(gone, cameras)
    qtbot.addWidget(dialog)
    combo = dialog.fields["camera.id"]
    assert combo.currentText() == "usb-Old_Cam-video-index0 (not connected now)"  # type: ignore[attr-defined]
    assert apply_overrides(gone, dialog.values()).camera == gone.camera  # kept as it was

    dialog = SettingsDialog(Config(), [])  # no camera at all: the index, as before
    qtbot.addWidget(dialog)
    assert dialog.fields["camera.id"].currentText() == "Camera 0 (not connected now)"  # type: ignore[attr-defined]
    assert apply_overrides(Config(), dialog.values()).camera == CameraConfig()
