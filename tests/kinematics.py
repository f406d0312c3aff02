"""A small kinematic model of head, neck and shoulders projected through a pinhole camera.

Its face points are placed differently from geometry.HEAD_MODEL_CM and it bends at the neck,
not at the head's centre, so tests check the method rather than an identity.
"""

from __future__ import annotations

import math

import numpy as np

from neckline.landmarks.body import FACE, LEFT_SHOULDER, N_LANDMARKS, RIGHT_SHOULDER, Body
from neckline.landmarks.head import LEFT_IRIS, RIGHT_IRIS, Face
from neckline.posture.geometry import focal_length_px

WIDTH, HEIGHT, FOV = 640, 480, 60.0
F = focal_length_px(WIDTH, FOV)

# A slightly different head from geometry.HEAD_MODEL_CM, relative to the top of the neck (cm),
# person facing the camera (-z); order as FACE: nose, eyes, ears, mouth corners.
FACE_CM = np.array([
    [0.0, -6.5, -11.0], [3.1, -11.0, -8.0], [-3.1, -11.0, -8.0],
    [7.25, -9.0, -0.5], [-7.25, -9.0, -0.5], [2.4, -4.0, -9.0], [-2.4, -4.0, -9.0]])
SHOULDERS_CM = np.array([[19.0, 12.0, 2.0], [-19.0, 12.0, 2.0]])  # left, right


def rot_x(deg: float) -> np.ndarray:
    a = math.radians(deg)
    return np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])


def rot_z(deg: float) -> np.ndarray:
    a = math.radians(deg)
    return np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]])


def pose_body(*, distance_cm: float = 70.0, flexion_deg: float = 0.0, lean_deg: float = 0.0,
              head_roll_deg: float = 0.0, forward_cm: float = 0.0, noise_px: float = 0.0,
              seed: int = 0) -> Body:
    """Shoulders at ``distance_cm`` from the camera; the head bends forward (flexion, about
    the top of the neck), rolls on the neck, slides forward, and the whole upper body leans."""
    head = (rot_z(head_roll_deg) @ rot_x(flexion_deg) @ FACE_CM.T).T
    head[:, 2] -= forward_cm
    neck_top = np.array([0.0, -8.0, 0.0])  # neck top above the shoulders' midpoint
    points3 = np.vstack([head + neck_top, SHOULDERS_CM - [0, 12.0, 0]])
    points3 = (rot_z(lean_deg) @ points3.T).T + np.array([0.0, 5.0, distance_cm])
    pixels = F * points3[:, :2] / points3[:, 2:3] + [WIDTH / 2, HEIGHT / 2]
    pixels += np.random.default_rng(seed).normal(0, noise_px, pixels.shape) if noise_px else 0
    points = np.full((N_LANDMARKS, 2), np.nan)
    points[list(FACE)] = pixels[:7]
    points[[LEFT_SHOULDER, RIGHT_SHOULDER]] = pixels[7:]
    return Body(points, WIDTH, HEIGHT)


def rot_y(deg: float) -> np.ndarray:
    a = math.radians(deg)
    return np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])


def face_of(*, distance_cm: float = 70.0, pitch_deg: float = 0.0, yaw_deg: float = 0.0,
            roll_deg: float = 0.0, forward_cm: float = 0.0, eye_spacing_cm: float = 6.3,
            neck_cm: tuple[float, float, float] = (0.0, 5.0, 8.5)) -> Face:
    """A face as the face landmarker would report it: the head turned about the upper neck by
    R = Rz(roll) Rx(pitch) Ry(-yaw), the irises at ``eye_spacing_cm`` apart, projected through
    the same camera; the matrix in MediaPipe's axes (y up, z toward the camera). Only the
    irises, eye corners, lip top and the matrix carry meaning; the other points outline a
    face around them."""
    r = rot_z(roll_deg) @ rot_x(pitch_deg) @ rot_y(-yaw_deg)
    neck = np.array([0.0, -12.0, distance_cm + neck_cm[2]]) - [0, 0, forward_cm]
    outline = np.array([[x, y, -1.0] for x in (-7.0, 0.0, 7.0) for y in (-4.0, 3.0, 11.0)])
    h = eye_spacing_cm / 2
    # The irises, then the eye corners (outer and inner, the person's right first) and the top
    # of the upper lip, in the canonical face's proportions (6.0 cm below the eyes, 2.5 cm in
    # front of them).
    named = {RIGHT_IRIS: (-h, 0.0, 0.0), LEFT_IRIS: (h, 0.0, 0.0),
             33: (-h - 1.3, 0.0, 0.3), 133: (-h + 1.3, 0.0, 0.3),
             263: (h + 1.3, 0.0, 0.3), 362: (h - 1.3, 0.0, 0.3), 0: (0.0, 6.0, -2.5)}
    local = np.vstack([np.array(list(named.values())), outline]) - np.asarray(neck_cm)
    world = (r @ local.T).T + neck  # local is relative to the upper neck
    pixels = F * world[:, :2] / world[:, 2:3] + [WIDTH / 2, HEIGHT / 2]
    points = np.zeros((478, 3))
    points[:, :2] = pixels[len(named):].mean(axis=0)
    points[100: 100 + len(outline), :2] = pixels[len(named):]
    for i, index in enumerate(named):
        points[index, :2] = pixels[i]
    flip = np.diag([1.0, -1.0, -1.0])
    matrix = np.eye(4)
    matrix[:3, :3] = flip @ r @ flip
    return Face(points, matrix, WIDTH, HEIGHT)
