"""The head from the face mesh: angles, distance and the upper neck, on synthetic faces whose
pose is known, and the engine judging them."""

from __future__ import annotations

import pytest

from kinematics import F, face_of, pose_body
from neckline.config import Config
from neckline.landmarks.head import angles, read_head, rotation_of, steady_eye_distance
from neckline.posture.engine import PostureEngine, Sample


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


def test_the_face_height_follows_the_distance() -> None:
    # In absolute terms the two estimates differ (perspective, the person's proportions); what
    # must hold is that a turn, a roll or a move keeps them in the same ratio as at neutral.
    neutral = read_head(face_of(), F)
    assert neutral is not None
    ratio = neutral.eye_distance_from_height_cm / neutral.eye_distance_cm
    for pose in ({"yaw_deg": 35.0}, {"roll_deg": 25.0}, {"distance_cm": 55.0}):
        reading = read_head(face_of(**pose), F)
        assert reading is not None
        assert reading.eye_distance_from_height_cm / reading.eye_distance_cm == \
            pytest.approx(ratio, rel=0.03)


def test_a_turn_does_not_move_the_steady_distance() -> None:
    # The face model reads a 35 deg turn as ~25 deg, so the spacing's own estimate comes out
    # ~13% too far; the height is not shortened by a turn, and carries the blend.
    across, height = 70.0 * 1.13, 70.0
    steady = steady_eye_distance(across, height, turn_deg=25.0, bow_deg=0.0,
                                 neutral_across_cm=66.0, neutral_height_cm=66.0)
    assert steady == pytest.approx(70.0, rel=0.01)


def test_a_bow_does_not_move_the_steady_distance() -> None:
    # Bowed 35 deg: the eyes-to-lip length is foreshortened (the height reads too far), the
    # eye spacing is not. The person's own proportions (height/across at neutral) are kept.
    steady = steady_eye_distance(70.0, 70.0 * 1.2 * 1.1, turn_deg=0.0, bow_deg=35.0,
                                 neutral_across_cm=60.0, neutral_height_cm=66.0)
    assert steady == pytest.approx(70.0, rel=0.01)


def test_at_the_neutral_both_agree() -> None:
    assert steady_eye_distance(60.0, 66.0, 0.0, 0.0, 60.0, 66.0) == pytest.approx(60.0)


def test_a_held_turn_does_not_read_as_forward_head_or_farther() -> None:
    engine = calibrated()
    samples = run(engine, 5.1, 20.0, yaw_deg=35.0)
    assert abs(samples[-1].metrics["forward_head"]) < 1.5
    assert samples[-1].metrics["too_close"] == pytest.approx(
        engine.neutral_distance_cm, rel=0.04)


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


def test_a_bowed_head_the_face_model_loses_stays_bowed() -> None:
    # Bowed past ~40 deg the face model loses the face; the body is still there, so the head
    # is taken to stay at its last bowed reading and the alert still comes.
    engine = calibrated()
    body = pose_body()
    bowing = [engine.update(10 + i / 10, [body], [face_of(pitch_deg=3.0 * i)])
              for i in range(1, 13)]
    assert bowing[-1].metrics["head_down"] > 30.0
    lost = [engine.update(11.3 + i / 10, [body], []) for i in range(700)]
    assert {s.state for s in lost} == {"strained"}
    assert alerts_of(lost) == ["head_down"]
    # Up again: the face returns, the hold ends.
    back = [engine.update(90 + i / 10, [body], [face_of()]) for i in range(50)]
    assert back[-1].state == "good"


def test_a_face_lost_while_upright_is_not_bowed() -> None:
    engine = calibrated()
    body = pose_body()
    run(engine, 10, 12)
    lost = [engine.update(12 + i / 10, [body], []) for i in range(700)]
    assert all(s.metrics["head_down"] is None for s in lost)
    assert alerts_of(lost) == []


def test_forward_head_is_not_judged_on_a_head_turned_far() -> None:
    engine = calibrated()
    turned = run(engine, 10, 20, yaw_deg=30.0)
    assert turned[-1].metrics["head_turn"] == pytest.approx(30.0, abs=0.5)
    assert engine._judged_value("forward_head", turned[-1].metrics) is None
    facing = run(engine, 20, 30)
    assert engine._judged_value("forward_head", facing[-1].metrics) is not None
