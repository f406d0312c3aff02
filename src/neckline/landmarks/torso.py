"""The torso followed by its own texture: its apparent size (the reference forward head needs)
and its roll (the shoulder line that uneven shoulders are judged by).

Forward head is the head coming toward the camera while the trunk stays. The trunk's distance
is read from its apparent width; the pose model's shoulder points are a poor ruler for it,
because the network places them partly from the head: a head moved 6 cm forward widens the
shoulders by 2-15% on the validation set, and a turned head narrows them by up to 20%. The
chest's own texture does not move when only the head does. So the torso is followed by ORB
features in the band below the shoulder line: each frame is matched with an anchor frame and a
similarity transform (RANSAC) gives its scale. The anchor's width is the pose model's shoulder
width, averaged over the first frames, so the result stays in the same pixels as the shoulder
width it replaces. The same transform's rotation is the torso's roll, added to the anchor's
shoulder-line angle: a trunk tipped sideways turns the chest, while a head held level (which the
pose model's shoulder points partly follow: a 10-deg torso tilt read 3-9 deg) does not hold it
back, and neither does one shoulder raised to reach for the mouse.

Limits: a plain, dark or very smooth top has too few corners to follow; then (and whenever
fewer than ``MIN_MATCHES`` features agree) the pose model's shoulder width is used instead.
The anchor is taken at the start of each run, so a saved calibration compares today's anchor
with the one it was taken against (about 1-2% apart, a centimetre of forward head).
"""

from __future__ import annotations

import math
import statistics

import numpy as np

from neckline.capture._cv2 import cv2
from neckline.landmarks.body import LEFT_SHOULDER, RIGHT_SHOULDER, Body

MIN_MATCHES = 12
ANCHOR_FRAMES = 10


class TorsoTracker:
    def __init__(self) -> None:
        self._orb = cv2.ORB.create(nfeatures=300, scaleFactor=1.2, nlevels=6, edgeThreshold=15,
                                   patchSize=15, fastThreshold=10)
        self._matcher = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True)
        self._anchor: tuple[np.ndarray, np.ndarray] | None = None  # points, descriptors
        self._widths: list[float] = []  # shoulder width / scale over the first frames
        self._rolls: list[float] = []  # shoulder-line angle - rotation over the first frames
        self._anchor_px: float | None = None
        self._anchor_roll = 0.0

    def reset(self) -> None:
        """Forget the anchor (a new camera, or a long gap in which the person may have moved)."""
        self._anchor = None
        self._widths = []
        self._rolls = []
        self._anchor_px = None
        self._anchor_roll = 0.0

    def follow(self, image_bgr: np.ndarray, body: Body) -> tuple[float, float] | None:
        """(the torso's width in pixels, its roll in degrees as ``geometry.shoulder_roll``
        measures it) in this frame, or None where it cannot be followed."""
        if not body.has(LEFT_SHOULDER, RIGHT_SHOULDER):
            return None
        left, right = body.point(LEFT_SHOULDER), body.point(RIGHT_SHOULDER)
        shoulders = float(np.linalg.norm(left - right))
        if shoulders < 20:
            return None
        grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
        grow = 1.0 if self._anchor is None else 1.3
        points, descriptors = self._features(grey, left, right, shoulders, grow)
        if descriptors is None or len(points) < MIN_MATCHES:
            return None
        line = math.degrees(math.atan2(left[1] - right[1], left[0] - right[0]))
        if self._anchor is None:
            self._anchor = (points, descriptors)
            self._widths = [shoulders]
            self._rolls = [line]
            return None
        matches = self._matcher.match(self._anchor[1], descriptors)
        if len(matches) < MIN_MATCHES:
            return None
        a = self._anchor[0][[m.queryIdx for m in matches]]
        b = points[[m.trainIdx for m in matches]]
        transform, inliers = cv2.estimateAffinePartial2D(a, b, method=cv2.RANSAC,
                                                        ransacReprojThreshold=2.0)
        if transform is None or int(inliers.sum()) < MIN_MATCHES:
            return None
        scale = float(np.hypot(transform[0, 0], transform[1, 0]))
        turn = math.degrees(math.atan2(transform[1, 0], transform[0, 0]))
        if self._anchor_px is None:
            self._widths.append(shoulders / scale)
            self._rolls.append(line - turn)
            if len(self._widths) < ANCHOR_FRAMES:
                return None
            self._anchor_px = statistics.median(self._widths)
            self._anchor_roll = statistics.median(self._rolls)
        return self._anchor_px * scale, self._anchor_roll + turn

    def _features(self, grey: np.ndarray, left: np.ndarray, right: np.ndarray,
                  shoulders: float, grow: float) -> tuple[np.ndarray, np.ndarray | None]:
        """ORB features in the chest band: between the shoulders, from just below their line
        to 0.6 shoulder widths down (``grow`` widens the search for a person who moved)."""
        centre = (left + right) / 2.0
        h, w = grey.shape
        x0 = int(max(0, centre[0] - 0.5 * shoulders * grow))
        x1 = int(min(w, centre[0] + 0.5 * shoulders * grow))
        y0 = int(max(0, centre[1] + 0.05 * shoulders))
        y1 = int(min(h, centre[1] + (0.05 + 0.6 * grow) * shoulders))
        if x1 - x0 < 16 or y1 - y0 < 16:
            return np.empty((0, 2), np.float32), None
        mask = np.zeros_like(grey)
        mask[y0:y1, x0:x1] = 255
        keypoints, descriptors = self._orb.detectAndCompute(grey, mask)
        points = np.array([k.pt for k in keypoints], dtype=np.float32).reshape(-1, 2)
        return points, descriptors
