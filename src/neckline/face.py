"""MediaPipe Tasks Face Landmarker in VIDEO mode, turned into ``Face`` objects."""

from __future__ import annotations

import os

import numpy as np

from neckline._cv2 import cv2
from neckline._native import quiet_native_stderr
from neckline.errors import ModelError
from neckline.head import Face
from neckline.models import load_model

os.environ.setdefault("GLOG_minloglevel", "2")

import mediapipe as mp
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
                self._landmarker = vision.FaceLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            raise ModelError(f"The face model cannot be loaded ({e}).") from None
        self._last_ms = -1
        self._first = True

    def detect(self, image_bgr: np.ndarray, t: float) -> list[Face]:
        ms = max(round(t * 1000), self._last_ms + 1)
        self._last_ms = ms
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        if self._first:
            self._first = False
            with quiet_native_stderr():
                result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect_for_video(image, ms)
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
        self._landmarker.close()
