"""The head as MediaPipe's face mesh sees it: orientation, distance and the upper neck's depth.

Pure NumPy: the face landmarker (``landmarks.face``) hands over a ``Face``; tests build one
from a known head pose.

Methods and their limits
------------------------
roll, pitch, yaw
    From the Face Landmarker's facial transformation matrix (a Procrustes fit of the 478 mesh
    points to MediaPipe's canonical face), turned into camera axes (x right, y down, z away)
    and read as R = Rz(roll) Rx(pitch) Ry(-yaw): roll + tips the head toward the user's left
    shoulder, pitch + bows it down, yaw + turns it toward the user's left. This decomposition
    keeps a turn out of the roll and the pitch. Off the picture's centre the fit sees a little
    of the camera's perspective as rotation (a face 15 deg off-axis reads ~2 deg of yaw); only
    changes from the calibrated neutral are judged. The mesh is trained on faces seen within
    about 45 deg of frontal; a head bent further down than ~40 deg may lose the face.
eye distance
    The eyes' distance from the camera from the spacing of the iris centres, which does not
    change when the head pitches or rolls: the two irises, ``EYE_SPACING_CM`` apart along the
    head's own ear-to-ear axis (from the matrix), must project where they are seen, which fixes
    the eyes' 3D position (least squares, exact in perspective: a turned head off the picture's
    centre has one eye nearer than the other, which a plain spacing/cos(yaw) misreads by up to
    4%). The absolute
    value assumes the adult mean interpupillary distance (6.3 cm; people range ~5.5-7.2 cm, so
    +-12%) and the configured field of view; changes from the user's own neutral do not depend
    on either. Its limit is the turn: the spacing shrinks with the cosine of the yaw, and the
    face model reads only ~55-80% of a large turn (a 40 deg turn reads 22-31 deg on the
    validation renders), so a turned head reads 10-37% too far.
eye distance from the face's height
    The same distance from the length between the eye corners' midpoint and the top of the
    upper lip (landmark 0; 6.0 cm on MediaPipe's canonical face), along the head's down axis,
    which a turn does not shorten (on the validation renders a 35 deg turn moved it by 3-7%,
    the truth being +2.4% as the eyes swing back) but bowing the head does. The lip top rather
    than the mouth's centre: talking opens the mouth.
steady eye distance
    ``steady_eye_distance`` blends the two, each trusted by how little the head has turned
    (across) or bowed (height) since the neutral, the height first scaled to agree with the
    across at the neutral (the person's own face proportions). Measured on the validation
    renders (6 people, 65 cm): a 35 deg turn 0.5-4.3% farther than the truth where the across
    alone read up to 15% farther; a 30-40 deg bow within the across's own 1-6%.
upper-neck depth
    The head turns about the upper neck (the atlanto-occipital joint), which sits about 5 cm
    below and 8.5 cm behind the midpoint of the eyes. Its distance from the camera is the
    eyes' 3D position plus that offset turned by the head's rotation, so bowing, turning or
    tipping the head leaves it in place and only moving the head forward changes it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RIGHT_IRIS = 468  # the person's right eye (image left)
LEFT_IRIS = 473
RIGHT_EYE_OUTER = 33
LEFT_EYE_OUTER = 263
RIGHT_EYE_INNER = 133
LEFT_EYE_INNER = 362
UPPER_LIP_TOP = 0
EYE_SPACING_CM = 6.3
# Eye corners' midpoint to the top of the upper lip on MediaPipe's canonical face, in the face's
# plane (cm); only its ratio to the eye spacing at the neutral matters once calibrated.
EYES_TO_LIP_CM = 6.0
# How far a 5 deg turn or bow is trusted to leave either distance alone: 1 - cos(5 deg).
_BLEND_FLOOR = 1.0 - math.cos(math.radians(5.0))
# From the eyes' midpoint to the upper neck, in the head's own axes (x to the user's left,
# y down, z back), cm: the joint lies below the ear canal (itself ~2 cm below the eyes and
# ~8 cm behind them) by about 3 cm.
UPPER_NECK_CM = np.array([0.0, 5.0, 8.5])
_FLIP = np.diag([1.0, -1.0, -1.0])  # MediaPipe's metric axes (y up, z toward the camera)


@dataclass(frozen=True)
class Face:
    """One face: ``points[i]`` is (x, y, z) with x, y in pixels and z MediaPipe's relative
    depth in the same pixel units; ``matrix`` the 4x4 facial transformation (None if absent)."""

    points: np.ndarray  # (478, 3)
    matrix: np.ndarray | None
    width: int
    height: int

    @property
    def center(self) -> np.ndarray:
        return np.asarray(self.points[:, :2].mean(axis=0))

    @property
    def size(self) -> float:
        """Diagonal of the face's box in pixels."""
        xy = self.points[:, :2]
        return float(np.linalg.norm(xy.max(axis=0) - xy.min(axis=0)))


@dataclass(frozen=True)
class HeadReading:
    roll_deg: float
    pitch_deg: float
    yaw_deg: float
    eye_distance_cm: float  # eyes to camera, along the camera axis, from the eye spacing
    neck_depth_cm: float  # the upper neck's distance along the camera axis
    eye_distance_from_height_cm: float  # the same from the eyes-to-lip length


def rotation_of(face: Face) -> np.ndarray | None:
    """The head's rotation in camera axes (x right, y down, z away), or None."""
    if face.matrix is None:
        return None
    return np.asarray(_FLIP @ face.matrix[:3, :3] @ _FLIP)


def angles(r: np.ndarray) -> tuple[float, float, float]:
    """(roll, pitch, yaw) in degrees of R = Rz(roll) Rx(pitch) Ry(-yaw):
    R[2,1] = sin(pitch); R[2,0] = cos(pitch) sin(yaw); R[2,2] = cos(pitch) cos(yaw);
    R[0,1] = -sin(roll) cos(pitch); R[1,1] = cos(roll) cos(pitch)."""
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, float(r[2, 1])))))
    yaw = math.degrees(math.atan2(float(r[2, 0]), float(r[2, 2])))
    roll = math.degrees(math.atan2(-float(r[0, 1]), float(r[1, 1])))
    return roll, pitch, yaw


def read_head(face: Face, focal_px: float, eye_spacing_cm: float = EYE_SPACING_CM) \
        -> HeadReading | None:
    """Orientation and distances of the head (None without a transformation matrix)."""
    r = rotation_of(face)
    if r is None:
        return None
    roll, pitch, yaw = angles(r)
    eyes = _eyes_position(face, r, focal_px, eye_spacing_cm)
    if eyes is None:
        return None
    z = float(eyes[2])
    neck = eyes + r @ UPPER_NECK_CM
    return HeadReading(roll, pitch, yaw, float(z), float(neck[2]),
                       _distance_from_height(face, r, focal_px))


def _distance_from_height(face: Face, r: np.ndarray, focal_px: float) -> float:
    p = face.points[:, :2]
    corners = (p[RIGHT_EYE_OUTER] + p[LEFT_EYE_OUTER] + p[RIGHT_EYE_INNER]
               + p[LEFT_EYE_INNER]) / 4.0
    # Only the part along the head's own down axis as the picture shows it: a turn swings the
    # lip (which sits in front of the eyes) sideways, a roll turns the whole face, and neither
    # is a change of distance. (Not square to the seen eye line: off the picture's centre a
    # turn tilts that line by perspective, ~10 deg at 35 deg.)
    down = (r @ np.array([0.0, 1.0, 0.0]))[:2]
    down /= max(float(np.linalg.norm(down)), 1e-6)
    length = abs(float((p[UPPER_LIP_TOP] - corners) @ down))
    return focal_px * EYES_TO_LIP_CM / max(length, 1e-6)


def steady_eye_distance(across_cm: float, height_cm: float, turn_deg: float, bow_deg: float,
                        neutral_across_cm: float, neutral_height_cm: float) -> float:
    """The eyes' distance from the two estimates (see the module's notes): ``turn_deg`` and
    ``bow_deg`` are the head's yaw and pitch since the neutral, where the two were measured as
    ``neutral_across_cm`` and ``neutral_height_cm``."""
    trust_across = 1.0 / (_BLEND_FLOOR + 1.0 - math.cos(math.radians(turn_deg)))
    trust_height = 1.0 / (_BLEND_FLOOR + 1.0 - math.cos(math.radians(bow_deg)))
    height_as_across = height_cm * neutral_across_cm / neutral_height_cm
    return (trust_across * across_cm + trust_height * height_as_across) / \
        (trust_across + trust_height)


def _eyes_position(face: Face, r: np.ndarray, focal_px: float,
                   eye_spacing_cm: float) -> np.ndarray | None:
    """The 3D midpoint of the eyes, in cm, from where the two iris centres are seen.

    The person's left iris is at E + h*e and the right at E - h*e, with e the head's ear-to-ear
    axis (toward the person's left) and h half the eye spacing. Each seen coordinate gives one
    equation linear in E: f*(Ex + s*h*ex) = u*(Ez + s*h*ez), u measured from the picture's
    centre (same for y)."""
    e = r @ np.array([1.0, 0.0, 0.0])
    h = eye_spacing_cm / 2.0
    rows, rhs = [], []
    for index, sign in ((LEFT_IRIS, 1.0), (RIGHT_IRIS, -1.0)):
        u = face.points[index, 0] - face.width / 2.0
        v = face.points[index, 1] - face.height / 2.0
        rows.append([focal_px, 0.0, -u])
        rhs.append(sign * h * (u * e[2] - focal_px * e[0]))
        rows.append([0.0, focal_px, -v])
        rhs.append(sign * h * (v * e[2] - focal_px * e[1]))
    solution, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    if not np.all(np.isfinite(solution)) or solution[2] <= 1.0:
        return None
    return np.asarray(solution)
