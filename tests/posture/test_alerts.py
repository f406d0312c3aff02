from __future__ import annotations

import pytest

from neckline.posture.alerts import Direction, ProblemTracker


def tracker(**kw: float) -> ProblemTracker:
    args: dict[str, float] = {"threshold": 10.0, "margin": 3.0, "dwell_s": 60.0,
                              "clear_after_s": 5.0, "cooldown_s": 600.0}
    args.update(kw)
    return ProblemTracker("head_tilt", direction=Direction.AWAY_FROM_ZERO, **args)


def feed(tr: ProblemTracker, start: float, end: float, value: float | None,
         step: float = 0.1) -> list[float]:
    """Feeds ``value`` at 10 Hz from start to end; the times at which alerts came."""
    times = []
    n = round((end - start) / step)
    for i in range(n):
        t = start + i * step
        alert = tr.update(t, value)
        if alert is not None:
            times.append(round(t, 2))
    return times


def test_held_strain_alerts_once_after_the_dwell() -> None:
    tr = tracker()
    assert feed(tr, 0, 10, 2.0) == []
    assert feed(tr, 10, 100, 15.0) == [70.0]


def test_negative_tilt_counts_too() -> None:
    tr = tracker()
    assert feed(tr, 0, 61, -12.0) == [60.0]


def test_alert_carries_hold_and_value() -> None:
    tr = tracker(dwell_s=30)
    feed(tr, 0, 29.95, 14.0)
    alert = tr.update(30.0, 14.5)
    assert alert is not None
    assert alert.held_s == pytest.approx(30.0) and alert.value == 14.5


def test_glances_shorter_than_the_dwell_never_alert() -> None:
    tr = tracker()
    t = 0.0
    alerts = []
    for _ in range(40):  # 40 glances of 5 s, each followed by 8 s upright
        alerts += feed(tr, t, t + 5, 25.0)
        alerts += feed(tr, t + 5, t + 13, 1.0)
        t += 13
    assert alerts == []


def test_a_dip_of_a_second_does_not_restart_the_timer() -> None:
    tr = tracker()
    assert feed(tr, 0, 40, 15.0) == []
    assert feed(tr, 40, 41, 2.0) == []  # back for 1 s < clear_after_s
    assert feed(tr, 41, 70, 15.0) == [60.0]


def test_clears_only_below_threshold_minus_margin() -> None:
    tr = tracker()
    feed(tr, 0, 10, 15.0)
    feed(tr, 10, 30, 8.0)  # under 10 but not under 10 - 3: still strained
    assert tr.strained
    feed(tr, 30, 34, 6.0)
    assert tr.strained  # 4 s < 5 s
    feed(tr, 34, 36, 6.0)
    assert not tr.strained


def test_cooldown_blocks_a_repeat_then_a_held_strain_alerts_again() -> None:
    tr = tracker(cooldown_s=600)
    assert feed(tr, 0, 61, 15.0) == [60.0]
    feed(tr, 61, 70, 0.0)  # cleared
    assert not tr.strained
    # strained again at 70: the dwell ends at 130, but the cooldown only at 660
    assert feed(tr, 70, 700, 15.0) == [660.0]


def test_nobody_in_view_resets_timers() -> None:
    tr = tracker()
    feed(tr, 0, 50, 15.0)
    tr.reset()
    assert feed(tr, 50, 105, 15.0) == []  # 55 s after the reset
    assert feed(tr, 105, 111, 15.0) == [110.0]


def test_missing_values_hold_briefly_then_reset() -> None:
    tr = tracker()
    feed(tr, 0, 30, 15.0)
    feed(tr, 30, 33, None)  # 3 s unmeasurable: state kept
    assert tr.strained
    feed(tr, 33, 40, None)
    assert not tr.strained


def test_below_direction_for_screen_distance() -> None:
    tr = ProblemTracker("too_close", threshold=50, margin=5, dwell_s=60, clear_after_s=5,
                        cooldown_s=600, direction=Direction.BELOW)
    assert feed(tr, 0, 30, 60.0) == []
    assert feed(tr, 30, 95, 42.0) == [90.0]
    feed(tr, 95, 110, 53.0)  # above 50 but not 55
    assert tr.strained
    feed(tr, 110, 116, 58.0)
    assert not tr.strained


def test_holding_ends_when_back_though_the_episode_stays_open() -> None:
    tr = tracker()
    feed(tr, 0, 10, 15.0)
    assert tr.holding
    feed(tr, 10, 12, 2.0)
    assert tr.strained and not tr.holding  # counted as good posture, dwell timer kept
    feed(tr, 12, 13, 15.0)
    assert tr.holding


def test_a_cooldown_of_zero_repeats_a_held_strain_once_per_dwell() -> None:
    """It used to alert at every frame (ten times a second) while the strain was held."""
    tr = tracker(cooldown_s=0.0, dwell_s=8.0)
    alerts = [t for t in (x / 10 for x in range(300)) if tr.update(t, 15.0) is not None]
    assert alerts == [8.0, 16.0, 24.0]
    tr = tracker(cooldown_s=0.0, dwell_s=0.0)
    alerts = [t for t in (x / 10 for x in range(120)) if tr.update(t, 15.0) is not None]
    assert alerts == [0.0, 5.0, 10.0]  # never sooner than 5 s
