from __future__ import annotations

import json
from pathlib import Path

import pytest

from neckline.config import CalibrationConfig
from neckline.errors import CalibrationError
from neckline.posture.calibration import (
    Calibration,
    compute_calibration,
    load_calibration,
    load_camera_calibration,
    save_calibration,
)
from neckline.posture.geometry import RawMeasures

SETTINGS = CalibrationConfig()


def frame(roll: float = 1.0, pitch: float = 5.0, depth: float = 70.0,
          shoulders: float = 200.0) -> RawMeasures:
    return RawMeasures(head_roll=roll, shoulder_roll=0.5, head_pitch=pitch,
                       head_depth_cm=depth, eye_distance_cm=depth - 8, shoulder_px=shoulders)


def test_neutral_is_the_median_and_noise_is_robust() -> None:
    frames: list[RawMeasures | None] = [frame(roll=1.0 + 0.1 * (i % 3)) for i in range(50)]
    frames[10] = frame(roll=30.0)  # one outlier does not move the neutral
    cal = compute_calibration(frames, "front", SETTINGS)
    assert cal.neutral["head_roll"] == pytest.approx(1.1)
    assert cal.noise["head_roll"] < 0.3
    assert cal.spread["forward_head"] == pytest.approx(0.0, abs=1e-9)
    assert cal.frames == 50


def test_no_person() -> None:
    with pytest.raises(CalibrationError, match="no person was in view"):
        compute_calibration([None] * 40, "front", SETTINGS)


def test_out_of_view_too_often() -> None:
    frames = [frame()] * 20 + [None] * 20
    with pytest.raises(CalibrationError, match="in view for only 50%"):
        compute_calibration(frames, "front", SETTINGS)


def test_landmarks_missing() -> None:
    frames = [frame()] * 10 + [RawMeasures(head_roll=1.0)] * 30
    with pytest.raises(CalibrationError, match="your face could be seen in only 25%"):
        compute_calibration(frames, "front", SETTINGS)


def test_the_face_alone_calibrates_the_head() -> None:
    # Dim light or a close laptop camera: no shoulders, a face. The head and the distance are
    # calibrated; the shoulders and forward head (which needs them) are not.
    frames = [RawMeasures(head_roll=1.0, head_pitch=5.0, head_yaw=2.0, eye_distance_cm=60.0)
              for _ in range(40)]
    cal = compute_calibration(frames, "front", SETTINGS)
    assert set(cal.neutral) == {"head_roll", "head_pitch", "head_yaw", "eye_distance_cm"}


def test_a_head_tipped_against_the_shoulders_is_not_a_neutral() -> None:
    frames = [frame(roll=16.0)] * 40  # shoulder line at 0.5 deg
    with pytest.raises(CalibrationError, match="tipped 16 deg to the left against your shoulders"):
        compute_calibration(frames, "front", SETTINGS)


def test_a_turned_face_is_not_a_neutral() -> None:
    frames = [RawMeasures(head_roll=1.0, head_pitch=5.0, head_yaw=-22.0) for _ in range(40)]
    with pytest.raises(CalibrationError, match="turned 22 deg to the right"):
        compute_calibration(frames, "front", SETTINGS)


def test_moving_too_much() -> None:
    frames = [frame(roll=(-12.0 if i % 2 else 12.0)) for i in range(40)]
    with pytest.raises(CalibrationError, match="moved too much"):
        compute_calibration(frames, "front", SETTINGS)


def test_side_view_needs_cva() -> None:
    cal = compute_calibration([RawMeasures(cva=55.0, head_pitch=12.0)] * 30, "side", SETTINGS)
    assert cal.neutral == {"cva": 55.0, "head_pitch": 12.0}


def test_save_and_load_round_trip_per_camera() -> None:
    cal = compute_calibration([frame()] * 30, "front", SETTINGS, camera="camera 0")
    path = save_calibration(cal)
    assert path.name == "camera-0.json"
    loaded = load_camera_calibration("camera 0")
    assert loaded is not None
    assert loaded.neutral == pytest.approx(cal.neutral, abs=1e-4)
    assert load_camera_calibration("camera 1") is None


@pytest.mark.parametrize("content, message", [
    ("{not json", "not a readable calibration file"),
    (json.dumps({"version": 1, "view": "front"}), "not a neckline calibration file"),
    (json.dumps({"version": 99}), "unknown version"),
])
def test_bad_files_are_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cal.json"
    path.write_text(content)
    with pytest.raises(CalibrationError, match=message):
        load_calibration(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CalibrationError, match="No calibration file"):
        load_calibration(tmp_path / "none.json")


def test_json_shape() -> None:
    data = compute_calibration([frame()] * 30, "front", SETTINGS).to_json()
    assert set(data) == {"version", "camera", "view", "created", "frames", "neutral", "noise",
                         "spread"}
    assert Calibration.from_json(data, "x").view == "front"


def test_a_whole_body_lean_is_not_a_neutral() -> None:
    """Head and shoulders leaning together passed (only the head against the shoulders was
    checked): the demo's 16° lean, or a user leaning in the chair, was saved as neutral."""
    frames = [RawMeasures(head_roll=16.0, shoulder_roll=15.5, head_pitch=5.0, shoulder_px=200.0)
              for _ in range(40)]
    with pytest.raises(CalibrationError, match="leaning 16 deg to the left, head and "
                                               "shoulders together"):
        compute_calibration(frames, "front", SETTINGS)
    # Shoulders uneven with the head level, or a head tipped a little with level shoulders,
    # are not leans.
    frames = [RawMeasures(head_roll=2.0, shoulder_roll=12.0, head_pitch=5.0, shoulder_px=200.0)
              for _ in range(40)]
    assert compute_calibration(frames, "front", SETTINGS).neutral["shoulder_roll"] == 12.0
