"""MediaPipe Tasks PoseLandmarker in VIDEO mode, turned into ``Body`` objects."""

from __future__ import annotations

import os

import numpy as np

from neckline.capture._native import quiet_native_stderr
from neckline.errors import ModelError
from neckline.landmarks.body import Body, body_from_normalized
from neckline.landmarks.models import load_model
from neckline.landmarks.stream import VideoStream

os.environ.setdefault("GLOG_minloglevel", "2")  # mediapipe's C++ info lines are not for users

from mediapipe.tasks.python import BaseOptions, vision


class PoseDetector:
    """Finds people's landmarks in frames of one stream; timestamps must increase."""

    def __init__(self, model: str = "lite", max_people: int = 1,
                 visibility_floor: float = 0.5) -> None:
        data = load_model(model)
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=data),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=max_people,
            min_pose_detection_confidence=0.5,
            min_pose_presence_confidence=0.5,
            min_tracking_confidence=0.5,
        )
        try:
            with quiet_native_stderr():
                self._stream = VideoStream(vision.PoseLandmarker.create_from_options(options))
        except (RuntimeError, ValueError) as e:
            raise ModelError(f"The {model} pose model cannot be loaded ({e}).") from None
        self.visibility_floor = visibility_floor

    def detect(self, image_bgr: np.ndarray, t: float) -> list[Body]:
        """Everyone found in ``image_bgr`` at source time ``t`` seconds."""
        result = self._stream.run(image_bgr, t)
        height, width = image_bgr.shape[:2]
        bodies = []
        for landmarks in result.pose_landmarks:
            xy = np.array([(lm.x, lm.y) for lm in landmarks], dtype=float)
            vis = np.array([lm.visibility if lm.visibility is not None else 0.0
                            for lm in landmarks], dtype=float)
            bodies.append(body_from_normalized(xy, vis, width, height, self.visibility_floor))
        return bodies

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> PoseDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
