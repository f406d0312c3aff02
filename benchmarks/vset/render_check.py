"""Does a render show the rotation it claims? The face model is asked, independently.

For every head rotation of the set, the person turns from neutral to the posture over 15 frames
in MediaPipe's Face Landmarker (VIDEO mode, as a webcam stream would be seen) and the facial
transformation matrix's angles are read at the end, against the same at neutral. A render
passes when the face model recovers at least 85% of the applied angle on its axis.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np
from vset.scene import MODELS, NEUTRAL, Posture, Scene, angles_of

ROTATIONS = (Posture(pitch_deg=15), Posture(pitch_deg=30), Posture(pitch_deg=45),
             Posture(yaw_deg=20), Posture(yaw_deg=-40), Posture(roll_deg=10),
             Posture(roll_deg=-20), Posture(roll_deg=25))
QUICK_ROTATIONS = (Posture(pitch_deg=30), Posture(yaw_deg=20), Posture(roll_deg=-20))
MIN_RECOVERED = 0.85


@dataclass
class RenderCheck:
    person: str
    posture: Posture
    axis: str
    applied: float
    recovered: float | None  # degrees the face model saw, None if it lost the face

    @property
    def share(self) -> float | None:
        return None if self.recovered is None else self.recovered / self.applied

    @property
    def passed(self) -> bool:
        return self.share is not None and self.share >= MIN_RECOVERED


def _axis(p: Posture) -> tuple[str, float, int]:
    for index, (name, value) in enumerate((("pitch", p.pitch_deg), ("yaw", p.yaw_deg),
                                           ("roll", p.roll_deg))):
        if value:
            return name, value, index
    raise ValueError(p)


def check_renders(person: str, scene: Scene, quick: bool = False) -> list[RenderCheck]:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    checks = []
    for posture in QUICK_ROTATIONS if quick else ROTATIONS:
        axis, applied, index = _axis(posture)
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(
                model_asset_buffer=(MODELS / "face_landmarker.task").read_bytes()),
            running_mode=vision.RunningMode.VIDEO, num_faces=1,
            output_facial_transformation_matrixes=True)
        with vision.FaceLandmarker.create_from_options(options) as landmarker:
            seen: list[tuple[float, float, float] | None] = []
            steps = [NEUTRAL] * 5 + [Posture(*(v * k / 15 for v in posture.values()))
                                     for k in range(1, 16)] + [posture] * 5
            for i, step in enumerate(steps):
                rgb = np.ascontiguousarray(scene.render(step)[:, :, ::-1])
                result = landmarker.detect_for_video(
                    mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), i * 100)
                matrices = result.facial_transformation_matrixes
                seen.append(_angles(np.asarray(matrices[0])) if matrices else None)
        neutral = [s[index] for s in seen[:5] if s is not None]
        held = [s[index] for s in seen[-5:] if s is not None]
        recovered = None
        if neutral and len(held) >= 3:
            recovered = statistics.median(held) - statistics.median(neutral)
        checks.append(RenderCheck(person, posture, axis, applied, recovered))
    return checks


def _angles(matrix: np.ndarray) -> tuple[float, float, float]:
    # MediaPipe's metric space has y up and z toward the camera; flip both into camera axes.
    flip = np.diag([1.0, -1.0, -1.0])
    return angles_of(flip @ matrix[:3, :3] @ flip)
