"""The torso's width followed by its texture: it scales with the trunk, not with the head."""

from __future__ import annotations

import numpy as np
import pytest

from neckline.capture._cv2 import cv2
from neckline.capture.demo import Person, frame
from neckline.landmarks.body import Body
from neckline.landmarks.pose import PoseDetector
from neckline.landmarks.torso import ANCHOR_FRAMES, TorsoTracker


def scaled(image: np.ndarray, k: float, centre: tuple[float, float]) -> np.ndarray:
    m = np.array([[k, 0, centre[0] * (1 - k)], [0, k, centre[1] * (1 - k)]])
    return cv2.warpAffine(image, m, (image.shape[1], image.shape[0]),
                          borderMode=cv2.BORDER_REPLICATE)


def followed(images: list[np.ndarray]) -> list[tuple[float, float] | None]:
    """(width, roll) of the torso in each frame, as PersonDetector follows it."""
    tracker = TorsoTracker()
    out = []
    with PoseDetector("full") as detector:
        for i, image in enumerate(images):
            bodies: list[Body] = detector.detect(image, i * 0.1)
            out.append(tracker.follow(image, bodies[0]) if bodies else None)
    return out


def widths(images: list[np.ndarray]) -> list[float | None]:
    return [f[0] if f else None for f in followed(images)]


def test_the_torso_width_follows_the_whole_person(astronaut: np.ndarray) -> None:
    still = frame([Person(astronaut, 360, (320, 300))])
    closer = scaled(still, 1.2, (320, 200))
    seen = widths([still] * (ANCHOR_FRAMES + 5) + [closer] * 5)
    assert all(w is None for w in seen[:ANCHOR_FRAMES - 1])
    anchor = seen[ANCHOR_FRAMES + 4]
    assert anchor is not None
    assert seen[-1] == pytest.approx(1.2 * anchor, rel=0.02)


def test_a_bigger_head_does_not_widen_the_torso(astronaut: np.ndarray) -> None:
    # Only the head region grows (as when the head alone comes forward): the chest's texture,
    # and so the width, stay; the pose model's shoulder points alone would move.
    still = frame([Person(astronaut, 360, (320, 300))])
    head_box = (slice(60, 230), slice(220, 420))
    bigger = still.copy()
    bigger[head_box] = scaled(still, 1.12, (320, 150))[head_box]
    seen = widths([still] * (ANCHOR_FRAMES + 5) + [bigger] * 5)
    anchor = seen[ANCHOR_FRAMES + 4]
    assert anchor is not None and seen[-1] is not None
    assert seen[-1] == pytest.approx(anchor, rel=0.01)


def rolls(images: list[np.ndarray]) -> list[float | None]:
    return [f[1] if f else None for f in followed(images)]


def test_the_torso_roll_follows_a_tipped_trunk_with_a_level_head(hopper: np.ndarray) -> None:
    still = frame([Person(hopper, 360, (320, 300))])
    tipped = frame([Person(hopper, 360, (320, 300), angle_deg=10.0)])
    tipped[40:210, 230:410] = still[40:210, 230:410]  # the head stays level where it was
    seen = rolls([still] * (ANCHOR_FRAMES + 5) + [tipped] * 5)
    before, after = seen[ANCHOR_FRAMES + 4], seen[-1]
    assert before is not None and after is not None
    assert after - before == pytest.approx(10.0, abs=1.0)
