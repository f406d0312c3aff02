"""Synthetic landmark sets from a small kinematic model (kinematics.py) recover the measures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kinematics import FOV, HEIGHT, WIDTH, pose_body
from neckline.config import Config
from neckline.landmarks.body import LEFT_SHOULDER, N_LANDMARKS, Body
from neckline.posture.calibration import compute_calibration
from neckline.posture.engine import PostureEngine
from neckline.posture.geometry import head_roll, measure


def engine_after_neutral(noise_px: float = 0.0) -> PostureEngine:
    config = Config()
    frames = [measure(pose_body(noise_px=noise_px, seed=i), view="front",
                      field_of_view_deg=FOV, head_breadth_cm=14.5) for i in range(30)]
    return PostureEngine(config, compute_calibration(frames, "front", config.calibration))


def metrics_of(engine: PostureEngine, body: Body) -> dict[str, float | None]:
    sample = None
    for i in range(3):  # the smoothing filters start at the first value
        sample = engine.update(100.0 + i, [body])
    assert sample is not None
    return sample.metrics


@pytest.mark.parametrize("lean", [-20.0, -10.0, -5.0, 5.0, 12.0, 25.0])
def test_lean_sideways_is_head_tilt_and_uneven_shoulders(lean: float) -> None:
    m = metrics_of(engine_after_neutral(), pose_body(lean_deg=lean))
    assert m["head_tilt"] == pytest.approx(lean, abs=1.0)
    assert m["shoulders_uneven"] == pytest.approx(lean, abs=1.0)
    assert m["neck_side_bend"] == pytest.approx(0.0, abs=1.0)


@pytest.mark.parametrize("roll", [-15.0, 8.0, 20.0])
def test_head_roll_on_the_neck_is_tilt_and_side_bend(roll: float) -> None:
    m = metrics_of(engine_after_neutral(), pose_body(head_roll_deg=roll))
    assert m["head_tilt"] == pytest.approx(roll, abs=1.0)
    assert m["neck_side_bend"] == pytest.approx(roll, abs=1.0)
    assert m["shoulders_uneven"] == pytest.approx(0.0, abs=0.5)


@pytest.mark.parametrize("flexion", [5.0, 10.0, 20.0, 30.0, 40.0])
def test_head_down_recovers_flexion(flexion: float) -> None:
    m = metrics_of(engine_after_neutral(), pose_body(flexion_deg=flexion))
    assert m["head_down"] == pytest.approx(flexion, abs=max(2.0, 0.1 * flexion))


def test_looking_up_is_negative_head_down() -> None:
    m = metrics_of(engine_after_neutral(), pose_body(flexion_deg=-15.0))
    assert m["head_down"] == pytest.approx(-15.0, abs=2.0)


@pytest.mark.parametrize("forward", [2.0, 4.0, 6.0, 10.0])
def test_forward_head_in_cm(forward: float) -> None:
    m = metrics_of(engine_after_neutral(), pose_body(forward_cm=forward))
    assert m["forward_head"] == pytest.approx(forward, abs=1.0)


def test_whole_body_closer_is_not_forward_head_but_is_closer() -> None:
    engine = engine_after_neutral()
    m = metrics_of(engine, pose_body(distance_cm=45.0))
    assert m["forward_head"] == pytest.approx(0.0, abs=1.0)
    assert m["too_close"] is not None
    # Eyes sit ~8-11 cm in front of the ears: eye-to-screen distance is that much shorter.
    assert 30.0 < m["too_close"] < 40.0


@pytest.mark.parametrize("distance", [40.0, 60.0, 90.0])
def test_eye_distance_scales_with_distance(distance: float) -> None:
    raw = measure(pose_body(distance_cm=distance), view="front", field_of_view_deg=FOV,
                  head_breadth_cm=14.5)
    assert raw.eye_distance_cm == pytest.approx(distance - 9.0, rel=0.08)


def test_measures_hold_with_landmark_noise() -> None:
    engine = engine_after_neutral(noise_px=0.8)
    m = metrics_of(engine, pose_body(flexion_deg=25.0, lean_deg=12.0, noise_px=0.8, seed=99))
    assert m["head_tilt"] == pytest.approx(12.0, abs=1.5)
    assert m["head_down"] == pytest.approx(25.0, abs=4.0)


def test_eye_line_is_the_fallback_for_a_hidden_ear() -> None:
    body = pose_body(lean_deg=10.0)
    body.points[7] = np.nan
    assert head_roll(body) == pytest.approx(10.0, abs=1.0)


def test_missing_face_point_leaves_pose_measures_missing() -> None:
    body = pose_body()
    body.points[0] = np.nan  # nose
    raw = measure(body, view="front", field_of_view_deg=FOV, head_breadth_cm=14.5)
    assert raw.head_pitch is None and raw.eye_distance_cm is None
    assert raw.head_roll is not None and raw.shoulder_roll is not None


def side_body(cva_deg: float, nose_drop_deg: float = 10.0) -> Body:
    """Side view, person facing the image's right: shoulder at (300, 300), ear 15 cm away at
    ``cva_deg`` above the horizontal, nose 9 cm forward of the ear."""
    points = np.full((N_LANDMARKS, 2), np.nan)
    s = np.array([300.0, 300.0])
    ear = s + 6.0 * 15 * np.array([math.cos(math.radians(cva_deg)),
                                   -math.sin(math.radians(cva_deg))])
    nose = ear + 6.0 * 9 * np.array([math.cos(math.radians(nose_drop_deg)),
                                     math.sin(math.radians(nose_drop_deg))])
    points[LEFT_SHOULDER], points[7], points[0] = s, ear, nose
    return Body(points, WIDTH, HEIGHT)


@pytest.mark.parametrize("cva", [40.0, 50.0, 62.0])
def test_side_view_craniovertebral_angle(cva: float) -> None:
    raw = measure(side_body(cva), view="side", field_of_view_deg=FOV, head_breadth_cm=14.5)
    assert raw.cva == pytest.approx(cva, abs=0.01)
    assert raw.head_pitch == pytest.approx(10.0, abs=0.01)
