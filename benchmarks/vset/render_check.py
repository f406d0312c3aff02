"""Does a render show the rotation it claims? The face model is asked, independently.

For every head rotation of the set, the person turns from neutral to the posture over 15 frames
in MediaPipe's Face Landmarker (VIDEO mode, as a webcam stream would be seen), and the angles
of its facial transformation matrix at the end are compared with the same at neutral. A render
passes when that recovers at least 85% of the applied angle on its axis. As a second opinion the
landmarks are also fitted in perspective (OpenCV solvePnP, the camera that made the frame) to
MediaPipe's canonical face (the metric mesh in the bundle's geometry metadata, not the
renderer's own 3D head). Both read a turn (yaw) short, by about a quarter: see VALIDATION.md.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import cv2
import numpy as np
from vset.head3d import rotation
from vset.mesh import MODELS, canonical_face
from vset.scene import NEUTRAL, Posture, Scene, angles_of

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
    recovered: float | None  # degrees the face model's matrix saw, None if it lost the face
    canonical_fit: float | None = None  # the landmarks fitted to the canonical face

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
    canonical = canonical_face()
    for posture in QUICK_ROTATIONS if quick else ROTATIONS:
        axis, applied, index = _axis(posture)
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(
                model_asset_buffer=(MODELS / "face_landmarker.task").read_bytes()),
            running_mode=vision.RunningMode.VIDEO, num_faces=1,
            output_facial_transformation_matrixes=True)
        with vision.FaceLandmarker.create_from_options(options) as landmarker:
            seen: list[tuple[float, float, float] | None] = []
            by_matrix: list[tuple[float, float, float] | None] = []
            steps = [NEUTRAL] * 5 + [Posture(*(v * k / 15 for v in posture.values()))
                                     for k in range(1, 16)] + [posture] * 5
            for i, step in enumerate(steps):
                rgb = np.ascontiguousarray(scene.render(step)[:, :, ::-1])
                result = landmarker.detect_for_video(
                    mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), i * 100)
                matrices = result.facial_transformation_matrixes
                if not matrices or not result.face_landmarks:
                    seen.append(None)
                    by_matrix.append(None)
                    continue
                by_matrix.append(_angles(np.asarray(matrices[0])))
                h, w = scene.frame.shape[:2]
                image_points = np.array([(p.x * w, p.y * h) for p in result.face_landmarks[0]])
                seen.append(_fit(canonical, image_points[:468], scene.camera.focal_px, (w, h),
                                 by_matrix[-1]))
        checks.append(RenderCheck(person, posture, axis, applied,
                                  _change(by_matrix, index), _change(seen, index)))
    return checks


def _change(seen: list[tuple[float, float, float] | None], index: int) -> float | None:
    neutral = [s[index] for s in seen[:5] if s is not None]
    held = [s[index] for s in seen[-5:] if s is not None]
    if neutral and len(held) >= 3:
        return statistics.median(held) - statistics.median(neutral)
    return None


def _fit(canonical: np.ndarray, image_points: np.ndarray, focal_px: float,
         size: tuple[int, int], guess: tuple[float, float, float]) -> tuple[float, float, float]:
    """(pitch, yaw, roll) of the canonical face fitted to the landmarks in perspective."""
    w, h = size
    camera = np.array([[focal_px, 0, w / 2.0], [0, focal_px, h / 2.0], [0, 0, 1]])
    r0, _ = cv2.Rodrigues(rotation(*guess))
    # Start in front of the camera at a face's distance: the solver then stays on the right
    # (not the mirrored) side.
    spread = float(np.linalg.norm(image_points.max(axis=0) - image_points.min(axis=0)))
    z0 = focal_px * 20.0 / max(spread, 1.0)
    centre = image_points.mean(axis=0)
    t0 = np.array([[(centre[0] - w / 2.0) * z0 / focal_px], [(centre[1] - h / 2.0) * z0 /
                                                              focal_px], [z0]])
    _, rvec, _ = cv2.solvePnP(canonical, image_points.astype(np.float64), camera, None,
                               r0, t0, useExtrinsicGuess=True, flags=cv2.SOLVEPNP_ITERATIVE)
    rot, _ = cv2.Rodrigues(rvec)
    return angles_of(rot)


def _angles(matrix: np.ndarray) -> tuple[float, float, float]:
    # MediaPipe's metric space has y up and z toward the camera; flip both into camera axes.
    flip = np.diag([1.0, -1.0, -1.0])
    return angles_of(flip @ matrix[:3, :3] @ flip)
