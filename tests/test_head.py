"""The head from the face mesh: angles, distance and the upper neck, on synthetic faces whose
pose is known, and the engine judging them."""

from __future__ import annotations

import pytest

from kinematics import F, face_of, pose_body
from neckline.config import Config
from neckline.engine import PostureEngine, Sample
from neckline.head import angles, read_head, rotation_of


@pytest.mark.parametrize(("pitch", "yaw", "roll"),
                         [(30, 0, 0), (0, 35, 0), (0, 0, -20), (20, -30, 10), (40, 0, 0)])
def test_angles_are_read_back(pitch: float, yaw: float, roll: float) -> None:
    face = face_of(pitch_deg=pitch, yaw_deg=yaw, roll_deg=roll)
    r = rotation_of(face)
    assert r is not None
    assert angles(r) == pytest.approx((roll, pitch, yaw), abs=1e-6)


@pytest.mark.parametrize(("pitch", "yaw", "roll"),
                         [(0, 0, 0), (40, 0, 0), (0, 35, 0), (0, 0, 25), (30, 30, 10)])
def test_turning_about_the_upper_neck_leaves_its_depth(pitch: float, yaw: float,
                                                       roll: float) -> None:
    neutral = read_head(face_of(), F)
    turned = read_head(face_of(pitch_deg=pitch, yaw_deg=yaw, roll_deg=roll), F)
    assert neutral is not None and turned is not None
    assert turned.neck_depth_cm == pytest.approx(neutral.neck_depth_cm, abs=0.3)
    assert neutral.eye_distance_cm == pytest.approx(70.0, abs=0.05)


def test_moving_the_head_forward_moves_the_upper_neck() -> None:
    neutral = read_head(face_of(), F)
    forward = read_head(face_of(forward_cm=6.0, pitch_deg=10.0), F)
    assert neutral is not None and forward is not None
    assert neutral.neck_depth_cm - forward.neck_depth_cm == pytest.approx(6.0, abs=0.3)


def test_the_distance_scale_follows_the_eye_spacing() -> None:
    # The same head at 70 cm, read with the wrong eye spacing, is off in proportion: this is
    # why too_close is judged against the user's own neutral.
    reading = read_head(face_of(eye_spacing_cm=5.6), F, eye_spacing_cm=6.3)
    assert reading is not None
    assert reading.eye_distance_cm == pytest.approx(70.0 * 6.3 / 5.6, rel=0.01)


def run(engine: PostureEngine, start: float, end: float, **pose: float) -> list[Sample]:
    body = pose_body(distance_cm=pose.get("distance_cm", 70.0))
    face = face_of(**pose)
    return [engine.update(start + i / 10, [body], [face])
            for i in range(round((end - start) * 10))]


def calibrated(**pose: float) -> PostureEngine:
    engine = PostureEngine(Config())
    engine.start_calibration(5.0)
    run(engine, 0, 5.1, **pose)
    assert engine.calibration is not None
    return engine


def alerts_of(samples: list[Sample]) -> list[str]:
    return [a.problem for s in samples for a in s.alerts]


def test_head_down_alerts_from_the_face() -> None:
    engine = calibrated()
    samples = run(engine, 10, 80, pitch_deg=35.0)
    assert alerts_of(samples) == ["head_down"]
    assert samples[-1].metrics["head_down"] == pytest.approx(35.0, abs=0.5)


def test_a_held_turn_is_not_a_tilt() -> None:
    engine = calibrated()
    samples = run(engine, 10, 80, yaw_deg=40.0)
    assert alerts_of(samples) == []
    assert samples[-1].metrics["head_turn"] == pytest.approx(40.0, abs=0.5)


def test_sitting_as_calibrated_is_never_too_close() -> None:
    # Wide-set eyes make the absolute estimate read under 50 cm: still no alert.
    engine = calibrated(eye_spacing_cm=7.2, distance_cm=55.0)
    samples = run(engine, 10, 200, eye_spacing_cm=7.2, distance_cm=55.0)
    assert (samples[-1].metrics["too_close"] or 0) < 50.0
    assert alerts_of(samples) == []


def test_clearly_closer_than_neutral_is_too_close() -> None:
    engine = calibrated(distance_cm=70.0)
    samples = run(engine, 10, 80, distance_cm=50.0)
    assert alerts_of(samples) == ["too_close"]


def test_the_face_alone_is_presence_and_calibrates_the_head() -> None:
    # Dim light: the pose model finds nobody, the face model does.
    engine = PostureEngine(Config())
    engine.start_calibration(5.0)
    face = face_of()
    for i in range(52):
        engine.update(i / 10, [], [face])
    assert engine.calibration is not None
    assert "shoulder_roll" not in engine.calibration.neutral
    bowed = face_of(pitch_deg=30.0)
    samples = [engine.update(6 + i / 10, [], [bowed]) for i in range(700)]
    assert {s.state for s in samples} == {"strained"}
    assert samples[-1].metrics["shoulders_uneven"] is None
    assert alerts_of(samples) == ["head_down"]


def test_nobody_seen_by_either_model_is_away() -> None:
    engine = calibrated()
    sample = engine.update(10.0, [], [])
    assert (sample.present, sample.state) == (False, "away")


def test_shoulders_not_calibrated_are_not_judged() -> None:
    # Calibrated from the face alone (the body was not found in the dark): when the body
    # appears later, its shoulder line is not compared with a neutral that was never taken.
    engine = PostureEngine(Config())
    engine.start_calibration(5.0)
    for i in range(52):
        engine.update(i / 10, [], [face_of()])
    tipped = pose_body(lean_deg=12.0)
    samples = [engine.update(6 + i / 10, [tipped], [face_of()]) for i in range(1500)]
    assert all(s.metrics["shoulders_uneven"] is None for s in samples)
    assert alerts_of(samples) == []
