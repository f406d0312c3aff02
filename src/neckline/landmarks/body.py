"""One person's pose landmarks in pixels, and choosing which detected person is the user.

Pure NumPy: no MediaPipe, no OpenCV, so geometry tests build bodies directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# MediaPipe Pose landmark indices ("left" is the person's left, on the image's right side).
NOSE = 0
LEFT_EYE = 2
RIGHT_EYE = 5
LEFT_EAR = 7
RIGHT_EAR = 8
MOUTH_LEFT = 9
MOUTH_RIGHT = 10
LEFT_SHOULDER = 11
RIGHT_SHOULDER = 12
FACE = (NOSE, LEFT_EYE, RIGHT_EYE, LEFT_EAR, RIGHT_EAR, MOUTH_LEFT, MOUTH_RIGHT)
N_LANDMARKS = 33


@dataclass(frozen=True)
class Body:
    """Landmarks of one person: ``points[i]`` is (x, y) in pixels, NaN where the landmark is
    missing (outside the image or below the visibility floor)."""

    points: np.ndarray  # shape (33, 2), float
    width: int
    height: int
    torso_px: float | None = None  # the torso's width followed by its texture (torso.py)
    torso_roll: float | None = None  # and its roll, in degrees like the shoulder line

    def has(self, *indices: int) -> bool:
        return bool(np.all(np.isfinite(self.points[list(indices)])))

    def point(self, index: int) -> np.ndarray:
        return self.points[index]

    def _upper_body(self) -> np.ndarray:
        upper = self.points[list((*FACE, LEFT_SHOULDER, RIGHT_SHOULDER))]
        return upper[np.all(np.isfinite(upper), axis=1)]

    @property
    def size(self) -> float:
        """Diagonal in pixels of the box around face and shoulders: how near the person is,
        whether seen from the front or the side (0 with fewer than two points)."""
        upper = self._upper_body()
        if len(upper) < 2:
            return 0.0
        return float(np.linalg.norm(upper.max(axis=0) - upper.min(axis=0)))

    @property
    def center(self) -> np.ndarray:
        upper = self._upper_body()
        if len(upper) == 0:
            return np.array([np.nan, np.nan])
        return np.asarray(upper.mean(axis=0))


def body_from_normalized(xy: np.ndarray, visibility: np.ndarray, width: int, height: int,
                         visibility_floor: float) -> Body:
    """Pixels from MediaPipe's normalised coordinates, dropping points that are off the image
    (MediaPipe reports high visibility for those too) or too uncertain."""
    xy = np.asarray(xy, dtype=float)
    inside = (xy[:, 0] >= 0) & (xy[:, 0] <= 1) & (xy[:, 1] >= 0) & (xy[:, 1] <= 1)
    keep = inside & (np.asarray(visibility) >= visibility_floor)
    points = xy * np.array([width, height], dtype=float)
    points[~keep] = np.nan
    return Body(points, width, height)


def choose_user(bodies: list[Body], previous: Body | None) -> Body | None:
    """The user among the detected people: the largest (nearest) person, but once someone is
    followed, stay with them while they remain about as large as anyone else, so that a person
    walking behind does not take over."""
    candidates = [b for b in bodies if b.size > 0]
    if not candidates:
        return None
    largest = max(candidates, key=lambda b: b.size)
    if previous is None or previous.size <= 0 or len(candidates) == 1:
        return largest
    prev_center = previous.center
    if not np.all(np.isfinite(prev_center)):
        return largest

    def distance(b: Body) -> float:
        return float(np.linalg.norm(b.center - prev_center)) / previous.size

    nearest = min(candidates, key=distance)
    if distance(nearest) < 0.5 and nearest.size >= 0.7 * largest.size:
        return nearest
    return largest
