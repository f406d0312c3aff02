"""The engine on synthetic people: calibration windows, states, thresholds, side view."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kinematics import HEIGHT, WIDTH, face_of, pose_body
from neckline.config import Config, apply_overrides
from neckline.landmarks.body import LEFT_EAR, LEFT_SHOULDER, N_LANDMARKS, NOSE, Body
from neckline.posture.calibration import Calibration, CalibrationOutcome
from neckline.posture.engine import AWAY_AFTER_S, PostureEngine, Sample


def run(engine: PostureEngine, start: float, end: float, bodies: list[Body]) -> list[Sample]:
    return [engine.update(start + i / 10, bodies) for i in range(round((end - start) * 10))]


def test_calibration_window_then_alert() -> None:
    engine = PostureEngine(Config())
    engine.start_calibration(5.0)
    samples = run(engine, 0, 5, [pose_body(lean_deg=3.0)])  # this user's neutral leans 3 deg
    assert {s.state for s in samples} == {"calibrating"}
    assert samples[-1].calibration_progress == pytest.approx(0.98)
    samples = run(engine, 5, 10, [pose_body(lean_deg=3.0)])
    assert engine.calibration is not None
    assert {s.state for s in samples} == {"good"}
    assert abs(samples[-1].metrics["head_tilt"] or 0) < 0.1  # judged against the neutral
    samples = run(engine, 10, 75, [pose_body(lean_deg=3.0, flexion_deg=30.0)])
    alerts = [a for s in samples for a in s.alerts]
    assert [a.problem for a in alerts] == ["head_down"]
    assert alerts[0].t == pytest.approx(70.0, abs=1.5)
    assert alerts[0].stretches[0] == "chin_tuck"


def test_failed_calibration_is_said_in_the_sample_and_leaves_the_engine_usable() -> None:
    engine = PostureEngine(Config())
    engine.start_calibration(2.0)
    run(engine, 0, 2, [])
    outcome = engine.update(2.0, []).calibrated
    assert outcome is not None and outcome.calibration is None
    assert outcome.error is not None and "no person" in outcome.error
    assert not engine.calibrating
    assert engine.update(2.1, [pose_body()]).state == "good"


def test_nobody_is_away_and_resets_the_dwell() -> None:
    engine = PostureEngine(Config())
    tilted = [pose_body(lean_deg=20.0)]
    run(engine, 0, 50, tilted)
    away = run(engine, 50, 55, [])
    # The first second is a gap both models may miss a frame or two in; then away.
    assert {s.state for s in away if s.t >= 50 + AWAY_AFTER_S} == {"away"}
    assert all(not s.present for s in away if s.t >= 50 + AWAY_AFTER_S)
    later = run(engine, 55, 114, tilted)  # 59 s: the earlier 50 s do not count
    assert [a for s in later for a in s.alerts] == []


def test_a_frame_or_two_unseen_is_not_away() -> None:
    engine = PostureEngine(Config())
    tilted = [pose_body(lean_deg=20.0)]
    samples = run(engine, 0, 40, tilted)
    for k in range(1, 4):  # a missed frame every 10 s: the dwell goes on
        samples += run(engine, 40 + 10 * (k - 1), 40.1 + 10 * (k - 1), [])
        samples += run(engine, 40.1 + 10 * (k - 1), 50 + 10 * (k - 1), tilted)
    assert all(s.state != "away" for s in samples)
    assert [a.problem for s in samples for a in s.alerts] == ["head_tilt"]


def test_disabled_problem_never_alerts() -> None:
    config = apply_overrides(Config(), {"alerts": {"head_tilt": {"enabled": False}}})
    engine = PostureEngine(config)
    samples = run(engine, 0, 130, [pose_body(head_roll_deg=20.0)])
    assert "head_tilt" not in {a.problem for s in samples for a in s.alerts}
    assert "head_tilt" not in engine.trackers


def test_noisy_calibration_raises_the_threshold() -> None:
    config = apply_overrides(Config(), {"calibration": {"max_spread_deg": 10.0}})
    engine = PostureEngine(config)
    engine.start_calibration(3.0)
    for i in range(30):  # a head that keeps rocking 5 deg either way while calibrating
        engine.update(i / 10, [pose_body(head_roll_deg=5.0 if i % 2 else -5.0)])
    engine.update(3.0, [pose_body()])
    assert engine.calibration is not None
    spread = engine.calibration.spread["head_roll"]
    assert spread == pytest.approx(7.4, abs=0.2)  # 1.4826 x 5
    assert engine.threshold("head_tilt") == pytest.approx(3 * spread)
    # too_close is relative to the calibrated distance, not raised by the head's rocking
    neutral_cm = engine.calibration.neutral["eye_distance_cm"]
    assert engine.threshold("too_close") == pytest.approx(0.8 * neutral_cm)


def side_body(cva_deg: float) -> Body:
    points = np.full((N_LANDMARKS, 2), np.nan)
    shoulder = np.array([300.0, 330.0])
    ear = shoulder + 90 * np.array([math.cos(math.radians(cva_deg)),
                                    -math.sin(math.radians(cva_deg))])
    points[LEFT_SHOULDER], points[LEFT_EAR] = shoulder, ear
    points[NOSE] = ear + np.array([50.0, 10.0])
    return Body(points, WIDTH, HEIGHT)


def test_side_view_alerts_on_a_low_craniovertebral_angle() -> None:
    config = apply_overrides(Config(), {"camera": {"view": "side"}})
    engine = PostureEngine(config)
    engine.start_calibration(3.0)
    run(engine, 0, 3, [side_body(58.0)])
    good = run(engine, 3, 10, [side_body(58.0)])
    assert {s.state for s in good} == {"good"}
    assert good[-1].metrics["cva"] == pytest.approx(58.0, abs=0.1)
    assert good[-1].metrics["head_tilt"] is None  # not measurable from the side
    slumped = run(engine, 10, 75, [side_body(44.0)])
    alerts = [a for s in slumped for a in s.alerts]
    assert [a.problem for a in alerts] == ["forward_head"]
    assert alerts[0].value == pytest.approx(44.0, abs=0.5)


def test_a_front_calibration_is_ignored_by_a_side_engine() -> None:
    front = PostureEngine(Config())
    front.start_calibration(1.0)
    run(front, 0, 1.1, [pose_body()])
    side = PostureEngine(apply_overrides(Config(), {"camera": {"view": "side"}}),
                         front.calibration)
    assert side.calibration is None


def test_a_faceless_phantom_where_the_user_sat_is_not_the_user() -> None:
    """With the face model on: after the user leaves, the pose model's tracker can keep a
    figure a fraction of their size; that is away. The user with their face hidden (head bowed)
    is the user's size and stays present."""
    engine = PostureEngine(Config())
    user, face = pose_body(distance_cm=70.0), face_of(distance_cm=70.0)
    assert all(s.present for s in [engine.update(i / 10, [user], [face]) for i in range(20)])
    bowed = [engine.update(2 + i / 10, [pose_body(distance_cm=70.0, flexion_deg=40.0)], [])
             for i in range(20)]
    assert all(s.present for s in bowed)
    phantom = pose_body(distance_cm=400.0)  # a sixth of the user's size
    gone = [engine.update(4 + i / 10, [phantom], []) for i in range(30)]
    assert gone[-1].state == "away"
    assert all(not s.present for s in gone[round(AWAY_AFTER_S * 10) + 1:])


def test_a_loaded_calibration_is_told_once_even_across_a_new_config() -> None:
    saved = Calibration("front", {"head_roll": 0.0, "head_pitch": 0.0}, {}, {}, 50, "cam")
    engine = PostureEngine(Config())
    engine.camera = "cam"
    engine.load_calibration(saved)
    # Settings applied before any frame was judged: the new engine takes the news over.
    again = PostureEngine(apply_overrides(Config(), {"alerts": {"cooldown_s": 60.0}}),
                          engine.calibration)
    again.carry_on_from(engine)
    first, second = again.update(0.0, [pose_body()]), again.update(0.1, [pose_body()])
    assert first.calibrated == CalibrationOutcome(saved, None, loaded=True)
    assert second.calibrated is None and again.camera == "cam"


def test_a_new_config_keeps_the_cooldown_and_the_strain_held() -> None:
    """Applying Settings used to start the cooldown afresh: the same alert came again 3 min
    20 s after the first. Nor does an Apply mid-strain restart its dwell."""
    engine = PostureEngine(Config())
    tilted = [pose_body(lean_deg=16.0)]
    alerts = [a.problem for s in run(engine, 0, 70, tilted) for a in s.alerts]
    assert "head_tilt" in alerts
    applied = PostureEngine(apply_overrides(Config(), {"app": {"sound": True}}),
                            engine.calibration)
    applied.carry_on_from(engine)
    again = [a for s in run(applied, 70, 300, tilted) for a in s.alerts
             if a.problem == "head_tilt"]
    assert again == []  # the 600 s cooldown still runs
    # Half way through a dwell, an Apply: the alert still comes when the dwell ends.
    engine = PostureEngine(Config())
    run(engine, 0, 30, [pose_body(flexion_deg=30.0)])
    applied = PostureEngine(apply_overrides(Config(), {"app": {"sound": True}}),
                            engine.calibration)
    applied.carry_on_from(engine)
    alerts = [a for s in run(applied, 30, 65, [pose_body(flexion_deg=30.0)]) for a in s.alerts]
    assert [a.problem for a in alerts] == ["head_down"]
    assert alerts[0].t == pytest.approx(60.0, abs=1.5)


def test_after_lending_the_camera_no_posture_from_before_the_call_alerts() -> None:
    """The camera lent to a call for 10 minutes, as the monitor tells it: the moment's timers
    restart (reset), the desk stretch goes on through the call (camera_lent)."""
    config = apply_overrides(Config(), {"breaks": {"every_min": 5.0}})
    engine = PostureEngine(config)
    tilted = [pose_body(lean_deg=20.0)]
    run(engine, 0, 50, tilted)  # 50 s of a 60 s dwell
    engine.reset()
    engine.camera_lent(600.0)
    after = run(engine, 51, 110, tilted)  # engine time goes on by a second over the call
    assert [a for s in after for a in s.alerts] == []  # the 50 s before do not count
    assert after[0].at_desk_s == pytest.approx(651.0)
    # The reminder due at 5 min, during the call, comes at the first frame after it.
    assert [e.kind.value for e in after[0].desk_events] == ["reminder"]
    later = run(engine, 110, 112, tilted)
    assert [a.problem for s in later for a in s.alerts] == ["head_tilt"]  # 60 s after


def test_a_new_calibration_starts_the_alerts_afresh() -> None:
    """An alert before calibrating (against a level head) does not hold back the first one
    judged against the new neutral for the cooldown's 10 minutes."""
    engine = PostureEngine(Config())
    tilted = [pose_body(lean_deg=16.0)]
    assert any(a.problem == "head_tilt" for s in run(engine, 0, 65, tilted) for a in s.alerts)
    engine.set_calibration(Calibration("front", {"head_roll": 0.0, "head_pitch": 0.0},
                                       {"head_roll": 0.5, "head_pitch": 0.5}, {}, 50))
    again = [a for s in run(engine, 65, 130, tilted) for a in s.alerts
             if a.problem == "head_tilt"]
    assert len(again) == 1 and again[0].t == pytest.approx(125.0, abs=2.0)
