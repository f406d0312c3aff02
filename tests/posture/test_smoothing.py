from __future__ import annotations

import numpy as np

from neckline.posture.smoothing import OneEuroFilter


def test_step_crosses_half_way_within_a_couple_of_seconds() -> None:
    """A 20 deg tilt against a 10 deg threshold: smoothing must not delay the crossing by more
    than ~2 s, even at the slow centimetre cutoff."""
    for cutoff in (0.5, 0.1):
        f = OneEuroFilter(cutoff, 0.02)
        for i in range(50):
            f(i * 0.1, 0.0)
        crossed = None
        for i in range(1, 100):
            if f(5 + i * 0.1, 20.0) > 10.0:
                crossed = i * 0.1
                break
        assert crossed is not None and crossed <= 2.0, (cutoff, crossed)


def test_noise_is_reduced() -> None:
    rng = np.random.default_rng(1)
    noisy = 5.0 + rng.normal(0, 1.0, 600)
    f = OneEuroFilter(0.5, 0.02)
    out = np.array([f(i * 0.1, v) for i, v in enumerate(noisy)])
    assert out[100:].std() < 0.5 * noisy[100:].std()
    assert abs(out[100:].mean() - 5.0) < 0.2


def test_a_long_gap_restarts_the_filter() -> None:
    f = OneEuroFilter(0.5, 0.0)
    f(0.0, 0.0)
    f(0.1, 0.0)
    assert f(10.0, 30.0) == 30.0
