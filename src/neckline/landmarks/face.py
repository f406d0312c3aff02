"""MediaPipe Tasks Face Landmarker in VIDEO mode, turned into ``Face`` objects."""

from __future__ import annotations

import os

import numpy as np

from neckline.capture._native import quiet_native_stderr
from neckline.errors import ModelError
from neckline.landmarks.head import Face
from neckline.landmarks.models import load_model
from neckline.landmarks.stream import VideoStream

os.environ.setdefault("GLOG_minloglevel", "2")

from mediapipe.tasks.python import BaseOptions, vision


class FaceDetector:
    """Finds the face (478 points with irises, and the head's pose matrix) in frames of one
    stream; timestamps must increase."""

    def __init__(self, max_faces: int = 1) -> None:
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=load_model("face")),
            running_mode=vision.RunningMode.VIDEO,
            num_faces=max_faces,
            min_face_detection_confidence=0.5,
            min_face_presence_confidence=0.5,
            min_tracking_confidence=0.5,
            output_facial_transformation_matrixes=True,
        )
        try:
            with quiet_native_stderr():
                self._stream = VideoStream(vision.FaceLandmarker.create_from_options(options))
        except (RuntimeError, ValueError) as e:
            raise ModelError(f"The face model cannot be loaded ({e}).") from None

    def detect(self, image_bgr: np.ndarray, t: float) -> list[Face]:
        result = self._stream.run(image_bgr, t)
        height, width = image_bgr.shape[:2]
        faces = []
        matrices = result.facial_transformation_matrixes or []
        for i, landmarks in enumerate(result.face_landmarks):
            points = np.array([(p.x * width, p.y * height, p.z * width) for p in landmarks],
                              dtype=float)
            matrix = np.asarray(matrices[i], dtype=float) if i < len(matrices) else None
            faces.append(Face(points, matrix, width, height))
        return faces

    def close(self) -> None:
        self._stream.close()
