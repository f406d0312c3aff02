"""The models that find the user in a frame: the pose model, and the face model for the head."""

from __future__ import annotations

import dataclasses

import numpy as np

from neckline.config import ProcessingConfig, View
from neckline.landmarks.body import Body
from neckline.landmarks.head import Face
from neckline.landmarks.pose import PoseDetector
from neckline.landmarks.torso import TorsoTracker


class PersonDetector:
    """Runs the pose model and, with ``head_model = "face"``, the face model on each frame;
    from the front, the torso's width is followed by its texture (``neckline.landmarks.torso``).

    ``detect`` returns the bodies and the faces found; faces is None in pose-only mode, so the
    engine knows to read the head from the body's face points.
    """

    def __init__(self, processing: ProcessingConfig, view: View = "front") -> None:
        self._pose_period = 1.0 / processing.pose_rate_fps
        self._pose_t: float | None = None
        self._last_t: float | None = None
        self._bodies: list[Body] = []
        self.pose = PoseDetector(processing.model, processing.max_people,
                                 processing.visibility_floor)
        self.torso = TorsoTracker() if view == "front" else None
        self.face = None
        if processing.head_model == "face" and view == "front":
            from neckline.landmarks.face import FaceDetector

            try:
                self.face = FaceDetector()
            except BaseException:
                self.pose.close()
                raise

    def detect(self, image_bgr: np.ndarray, t: float) -> tuple[list[Body], list[Face] | None]:
        """Bodies and faces in this frame. With the face model, the pose model runs only every
        ``1/pose_rate_fps`` seconds and at most every other frame (the body's measures change
        slowly), and its last bodies stand in between; it runs at once when no face is seen,
        so presence never waits."""
        faces = self.face.detect(image_bgr, t) if self.face is not None else None
        interval = 0.0 if self._last_t is None else t - self._last_t
        self._last_t = t
        due = (self._pose_t is None or t < self._pose_t
               or t - self._pose_t >= max(self._pose_period, 1.5 * interval) - 1e-6)
        if faces is None or due or not faces:
            self._bodies = self._detect_bodies(image_bgr, t)
            self._pose_t = t
        return list(self._bodies), faces

    def _detect_bodies(self, image_bgr: np.ndarray, t: float) -> list[Body]:
        bodies = self.pose.detect(image_bgr, t)
        if self.torso is not None and bodies:
            largest = max(range(len(bodies)), key=lambda i: bodies[i].size)
            followed = self.torso.follow(image_bgr, bodies[largest])
            if followed is not None:
                bodies[largest] = dataclasses.replace(bodies[largest], torso_px=followed[0],
                                                      torso_roll=followed[1])
        return bodies

    def close(self) -> None:
        self.pose.close()
        if self.face is not None:
            self.face.close()

    def __enter__(self) -> PersonDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
