"""Raw posture geometry of one frame, before it is compared with the user's neutral.

The head (roll, pitch, yaw, distance) comes from the face mesh by default (``landmarks.head``);
the body (shoulder line and width, side-view angle) from the pose model. With
``processing.head_model = "pose"`` the head comes from the pose model's seven face points
instead, by the methods below.

All angles are computed in pixel space (MediaPipe's z is its least accurate output). Camera
coordinates follow OpenCV: x to the image's right, y down, z away from the camera.

Methods and their limits
------------------------
head roll
    Angle of the line from the right ear to the left ear (eye line if an ear is missing),
    positive when the head tips toward the user's left shoulder. Leaning the whole upper body
    sideways also rolls the head and is counted, as it should be. Turning the head (yaw) more
    than ~30 deg hides an ear; pitch barely moves the ear line.
shoulder roll
    The torso's roll followed by the chest's texture (``landmarks.torso``), which a level head
    does not hold back; where the chest cannot be followed, the angle of the pose model's
    shoulder line (which reaching for the mouse with one arm raises).
head pitch, eye distance
    OpenCV ``solvePnP`` of the seven face landmarks (nose, eyes, ears, mouth corners) against
    the generic head below, scaled to the configured head breadth, with a pinhole camera whose
    focal length follows from the configured field of view. Pitch is positive looking down.
    Pose landmarks are coarse, so the absolute pitch of a generic head is off by several
    degrees for any one person; only the change from the calibrated neutral is used. The
    distance is as good as the head-breadth and field-of-view settings (each 10% off gives 10%).
side view (camera_view = "side")
    Craniovertebral angle: at the shoulder, between the horizontal and the line to the ear.
    Clinically the angle is taken at C7; MediaPipe's shoulder point is the acromion, which sits
    a little forward of C7, so values read higher than a clinical CVA for the same posture.
    Head pitch is the ear-to-nose line's angle below horizontal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from neckline.capture._cv2 import cv2
from neckline.config import View
from neckline.landmarks.body import (
    FACE,
    LEFT_EAR,
    LEFT_EYE,
    LEFT_SHOULDER,
    NOSE,
    RIGHT_EAR,
    RIGHT_EYE,
    RIGHT_SHOULDER,
    Body,
)
from neckline.landmarks.head import Face, read_head

# Generic adult head in cm, origin midway between the ears (tragion), facing the camera
# (-z), same axes as the camera: nose, left eye, right eye, left ear, right ear, mouth left,
# mouth right; order as ``FACE``. Proportions from adult head anthropometry, fitted so that a
# neutral head in MediaPipe's landmarks gives a pitch near zero.
HEAD_MODEL_CM = np.array([
    [0.0, 2.0, -10.5],
    [3.3, -1.5, -7.5],
    [-3.3, -1.5, -7.5],
    [7.25, 0.0, 0.0],
    [-7.25, 0.0, 0.0],
    [2.5, 5.0, -8.5],
    [-2.5, 5.0, -8.5],
])
_MODEL_BREADTH_CM = 14.5
_EYES_MID_CM = (HEAD_MODEL_CM[1] + HEAD_MODEL_CM[2]) / 2


@dataclass(frozen=True)
class HeadPose:
    pitch_deg: float  # + looking down
    yaw_deg: float  # + turned toward the user's left (the image's right)
    roll_deg: float
    depth_cm: float  # head centre's distance along the camera axis
    eye_depth_cm: float  # eyes' distance along the camera axis: eye-to-screen distance


@dataclass(frozen=True)
class RawMeasures:
    """What one frame shows, in camera terms; None where the landmarks needed are missing."""

    head_roll: float | None = None
    shoulder_roll: float | None = None
    head_pitch: float | None = None
    head_yaw: float | None = None
    head_depth_cm: float | None = None
    eye_distance_cm: float | None = None
    eye_distance_from_height_cm: float | None = None
    shoulder_px: float | None = None
    cva: float | None = None  # side view only

    def as_dict(self) -> dict[str, float | None]:
        return dict(self.__dict__)


def forward_shift_cm(depth_cm: Any, shoulder_px: Any, neutral_depth_cm: float,
                     neutral_shoulder_px: float) -> Any:
    """How far the head has come forward of the shoulders since the neutral, in cm (floats or
    NumPy arrays alike).

    Pinhole model: a width w at distance Z images as f*W/Z pixels, so the shoulders' distance
    now is Z0 * w0 / w, where Z0 is the head's distance at neutral (head and shoulders taken as
    level then; their real offset cancels). The head's distance now comes from solvePnP.
    Leaning the whole body toward the screen moves both alike and gives 0 (that is too_close).
    """
    return neutral_depth_cm * neutral_shoulder_px / shoulder_px - depth_cm


def focal_length_px(width: int, field_of_view_deg: float) -> float:
    return (width / 2.0) / math.tan(math.radians(field_of_view_deg) / 2.0)


def line_angle(a: np.ndarray, b: np.ndarray) -> float:
    """Angle in degrees of the line from b to a against the image horizontal; + when a is lower
    (image y grows downward). For a = left ear, b = right ear: + is a tilt to the user's left."""
    return math.degrees(math.atan2(a[1] - b[1], a[0] - b[0]))


def head_roll(body: Body) -> float | None:
    if body.has(LEFT_EAR, RIGHT_EAR):
        return line_angle(body.point(LEFT_EAR), body.point(RIGHT_EAR))
    if body.has(LEFT_EYE, RIGHT_EYE):
        return line_angle(body.point(LEFT_EYE), body.point(RIGHT_EYE))
    return None


def shoulder_roll(body: Body) -> float | None:
    if body.has(LEFT_SHOULDER, RIGHT_SHOULDER):
        return line_angle(body.point(LEFT_SHOULDER), body.point(RIGHT_SHOULDER))
    return None


def head_pose(body: Body, focal_px: float, head_breadth_cm: float) -> HeadPose | None:
    """Head orientation and distance from the seven face landmarks (None if any is missing)."""
    if not body.has(*FACE):
        return None
    image_points = body.points[list(FACE)].astype(np.float64)
    model = HEAD_MODEL_CM * (head_breadth_cm / _MODEL_BREADTH_CM)
    camera = np.array([[focal_px, 0, body.width / 2.0],
                       [0, focal_px, body.height / 2.0],
                       [0, 0, 1]], dtype=np.float64)
    # Start from a head facing the camera at the distance its ear breadth implies: the
    # iterative solver then converges to the right (front-facing) solution.
    ear_px = float(np.linalg.norm(body.point(LEFT_EAR) - body.point(RIGHT_EAR)))
    if ear_px < 1.0:
        return None
    z0 = focal_px * head_breadth_cm / ear_px
    centre = (body.point(LEFT_EAR) + body.point(RIGHT_EAR)) / 2.0
    t0 = np.array([[(centre[0] - body.width / 2.0) * z0 / focal_px],
                   [(centre[1] - body.height / 2.0) * z0 / focal_px],
                   [z0]], dtype=np.float64)
    r0 = np.zeros((3, 1), dtype=np.float64)
    ok, rvec, tvec = cv2.solvePnP(model, image_points, camera, None, r0, t0,
                                  useExtrinsicGuess=True, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok or not np.all(np.isfinite(tvec)) or tvec[2, 0] <= 0:
        return None
    rot, _ = cv2.Rodrigues(rvec)
    face_dir = rot @ np.array([0.0, 0.0, -1.0])  # where the face points, in camera axes
    pitch = math.degrees(math.atan2(face_dir[1], -face_dir[2]))
    yaw = math.degrees(math.atan2(face_dir[0], -face_dir[2]))
    ear_axis = rot @ np.array([1.0, 0.0, 0.0])
    roll = math.degrees(math.atan2(ear_axis[1], ear_axis[0]))
    eyes = rot @ (_EYES_MID_CM * (head_breadth_cm / _MODEL_BREADTH_CM)) + tvec[:, 0]
    return HeadPose(pitch, yaw, roll, float(tvec[2, 0]), float(eyes[2]))


def side_view(body: Body) -> tuple[float | None, float | None]:
    """(craniovertebral angle, head pitch) from the side facing the camera."""
    best = None
    for ear, shoulder in ((LEFT_EAR, LEFT_SHOULDER), (RIGHT_EAR, RIGHT_SHOULDER)):
        if body.has(ear, shoulder):
            span = float(np.linalg.norm(body.point(ear) - body.point(shoulder)))
            if best is None or span > best[0]:
                best = (span, ear, shoulder)
    if best is None:
        return None, None
    _, ear, shoulder = best
    e, s = body.point(ear), body.point(shoulder)
    cva = math.degrees(math.atan2(s[1] - e[1], abs(e[0] - s[0])))
    pitch = None
    if body.has(NOSE):
        n = body.point(NOSE)
        pitch = math.degrees(math.atan2(n[1] - e[1], abs(n[0] - e[0])))
    return cva, pitch


def measure(body: Body | None, *, view: View, field_of_view_deg: float,
            head_breadth_cm: float, face: Face | None = None,
            head_from_face: bool = False, eye_spacing_cm: float = 6.3) -> RawMeasures:
    """Everything neckline measures in one frame of one person. With ``head_from_face`` the
    head is read from ``face`` (no head measures when no face is seen); otherwise (the
    pose-only method) from the body's face points."""
    if view == "side":
        if body is None:
            return RawMeasures()
        cva, pitch = side_view(body)
        return RawMeasures(head_pitch=pitch, cva=cva)
    shoulder_px = roll_of_shoulders = None
    if body is not None:
        roll_of_shoulders = body.torso_roll if body.torso_roll is not None \
            else shoulder_roll(body)
        if body.torso_px is not None:
            shoulder_px = body.torso_px
        elif body.has(LEFT_SHOULDER, RIGHT_SHOULDER):
            shoulder_px = float(np.linalg.norm(body.point(LEFT_SHOULDER)
                                               - body.point(RIGHT_SHOULDER)))
    if head_from_face:
        reading = None if face is None else read_head(
            face, focal_length_px(face.width, field_of_view_deg), eye_spacing_cm)
        if reading is None:
            return RawMeasures(shoulder_roll=roll_of_shoulders, shoulder_px=shoulder_px)
        return RawMeasures(
            head_roll=reading.roll_deg, shoulder_roll=roll_of_shoulders,
            head_pitch=reading.pitch_deg, head_yaw=reading.yaw_deg,
            head_depth_cm=reading.neck_depth_cm, eye_distance_cm=reading.eye_distance_cm,
            eye_distance_from_height_cm=reading.eye_distance_from_height_cm,
            shoulder_px=shoulder_px)
    if body is None:
        return RawMeasures()
    pose = head_pose(body, focal_length_px(body.width, field_of_view_deg), head_breadth_cm)
    return RawMeasures(
        head_roll=head_roll(body),
        shoulder_roll=roll_of_shoulders,
        head_pitch=pose.pitch_deg if pose else None,
        head_yaw=pose.yaw_deg if pose else None,
        head_depth_cm=pose.depth_cm if pose else None,
        eye_distance_cm=pose.eye_depth_cm if pose else None,
        shoulder_px=shoulder_px,
    )
