from __future__ import annotations

import numpy as np

from neckline.landmarks.body import (
    LEFT_EAR,
    LEFT_SHOULDER,
    N_LANDMARKS,
    NOSE,
    RIGHT_SHOULDER,
    Body,
    body_from_normalized,
    choose_user,
)


def test_off_image_and_invisible_points_are_missing() -> None:
    xy = np.full((N_LANDMARKS, 2), 0.5)
    xy[LEFT_EAR] = (1.2, 0.4)  # outside, though MediaPipe says visible
    vis = np.ones(N_LANDMARKS)
    vis[NOSE] = 0.2
    body = body_from_normalized(xy, vis, 640, 480, 0.5)
    assert not body.has(LEFT_EAR)
    assert not body.has(NOSE)
    assert body.has(LEFT_SHOULDER)
    assert tuple(body.point(LEFT_SHOULDER)) == (320.0, 240.0)


def person(cx: float, width: float) -> Body:
    points = np.full((N_LANDMARKS, 2), np.nan)
    points[LEFT_SHOULDER] = (cx + width / 2, 300)
    points[RIGHT_SHOULDER] = (cx - width / 2, 300)
    return Body(points, 640, 480)


def test_the_largest_person_is_the_user() -> None:
    small, large = person(500, 80), person(300, 200)
    assert choose_user([small, large], None) is large


def test_the_followed_user_stays_while_about_as_large() -> None:
    user = person(300, 180)
    other = person(420, 200)  # slightly larger, e.g. leaning in behind
    chosen = choose_user([other, person(305, 181)], user)
    assert chosen is not None and chosen.center[0] == 305


def test_a_much_larger_person_takes_over() -> None:
    user = person(300, 100)
    chosen = choose_user([person(302, 100), person(200, 260)], user)
    assert chosen is not None and chosen.size == 260


def test_a_person_seen_from_the_side_has_a_size() -> None:
    points = np.full((N_LANDMARKS, 2), np.nan)
    points[LEFT_SHOULDER], points[LEFT_EAR] = (300, 300), (330, 210)
    assert Body(points, 640, 480).size > 90


def test_nobody() -> None:
    assert choose_user([], None) is None
