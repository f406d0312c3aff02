"""A person from a photo, framed like a desk webcam and posed: the frames of the validation set.

A ``Scene`` is built once per person and distance: the photo is scaled so that the eyes are
``distance_cm`` from a 60-degree webcam (from the photo's own eye spacing, taken as the adult
mean), the face mesh and the person's silhouette are found on that frame, and the head is cut
out as a textured 3D layer (``head3d``). ``Scene.render(posture)`` then draws the person in
any ``Posture``; what was applied is the truth the scorer compares against.

Body-level postures are layers moved rigidly in the image plane or in depth:
- ``lean_deg``: the whole picture of the person rotated about a point at the hips (below the
  frame): a sideways lean of the upper body, head included;
- ``torso_deg``: the torso rotated about the sternum with the head kept level (it follows the
  top of the neck sideways): uneven shoulders with a level head;
- ``closer_cm``: the person moved toward the camera, scaled about the face;
- ``forward_cm``: the head alone moved toward the camera (forward-head posture).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import cv2
import numpy as np
from vset.head3d import LEFT_IRIS, RIGHT_IRIS, Camera, build_head, rotation

MODELS = Path(__file__).resolve().parents[2] / "models"
EYE_SPACING_CM = 6.3  # adult mean interpupillary distance (women ~6.2, men ~6.4)


@dataclass(frozen=True)
class Posture:
    pitch_deg: float = 0.0  # head bowed down (+), about the upper neck
    yaw_deg: float = 0.0  # head turned toward the person's left (+)
    roll_deg: float = 0.0  # head tipped toward the person's left shoulder (+)
    forward_cm: float = 0.0  # head moved toward the camera
    lean_deg: float = 0.0  # whole upper body leaning to the person's left (+)
    torso_deg: float = 0.0  # torso tipped to the person's left (+), head level
    closer_cm: float = 0.0  # whole person moved toward the camera

    def plus(self, other: Posture) -> Posture:
        return Posture(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))

    def values(self) -> tuple[float, ...]:
        return (self.pitch_deg, self.yaw_deg, self.roll_deg, self.forward_cm, self.lean_deg,
                self.torso_deg, self.closer_cm)


NEUTRAL = Posture()


class Landmarkers:
    """MediaPipe's face and pose landmarkers in IMAGE mode, for framing and cutting out."""

    def __init__(self) -> None:
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions, vision

        from neckline.landmarks.models import load_model

        self._mp = mp
        self.face = vision.FaceLandmarker.create_from_options(vision.FaceLandmarkerOptions(
            base_options=BaseOptions(
                model_asset_buffer=(MODELS / "face_landmarker.task").read_bytes()),
            running_mode=vision.RunningMode.IMAGE, num_faces=1,
            output_facial_transformation_matrixes=True))
        self.pose = vision.PoseLandmarker.create_from_options(vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=load_model("full")),
            running_mode=vision.RunningMode.IMAGE, output_segmentation_masks=True))

    def _image(self, bgr: np.ndarray) -> object:
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)

    def face_mesh(self, bgr: np.ndarray) -> np.ndarray | None:
        """(478, 3) points in pixels (z in the same units, + away from the camera)."""
        result = self.face.detect(self._image(bgr))
        if not result.face_landmarks:
            return None
        h, w = bgr.shape[:2]
        return np.array([(p.x * w, p.y * h, p.z * w) for p in result.face_landmarks[0]])

    def head_angles(self, bgr: np.ndarray) -> tuple[float, float, float] | None:
        """(pitch, yaw, roll) in degrees from the facial transformation matrix, in the same
        sense as ``head3d.rotation`` (used to check renders, not by neckline itself)."""
        result = self.face.detect(self._image(bgr))
        if not result.facial_transformation_matrixes:
            return None
        m = np.asarray(result.facial_transformation_matrixes[0])[:3, :3]
        # MediaPipe's metric space: x right, y up, z toward the camera. Convert to the camera
        # frame used here (y down, z away): flip y and z on both sides.
        f = np.diag([1.0, -1.0, -1.0])
        r = f @ m @ f
        return angles_of(r)

    def person(self, bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(pose landmarks in pixels (33, 2), silhouette 0..1) of the most prominent person."""
        result = self.pose.detect(self._image(bgr))
        if not result.pose_landmarks:
            return None
        h, w = bgr.shape[:2]
        points = np.array([(p.x * w, p.y * h) for p in result.pose_landmarks[0]])
        mask = np.asarray(result.segmentation_masks[0].numpy_view())[..., 0]
        return points, cv2.resize(mask, (w, h))

    def close(self) -> None:
        self.face.close()
        self.pose.close()


def angles_of(r: np.ndarray) -> tuple[float, float, float]:
    """(pitch, yaw, roll) of a rotation built as ``head3d.rotation`` builds it:
    R = Rz(roll) Rx(pitch) Ry(-yaw), so R[2,1] = sin(pitch), R[2,0] = cos(pitch) sin(yaw),
    R[2,2] = cos(pitch) cos(yaw), R[0,1] = -sin(roll) cos(pitch), R[1,1] = cos(roll) cos(pitch).
    """
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, float(r[2, 1])))))
    yaw = math.degrees(math.atan2(float(r[2, 0]), float(r[2, 2])))
    roll = math.degrees(math.atan2(-float(r[0, 1]), float(r[1, 1])))
    return pitch, yaw, roll


@dataclass
class Scene:
    """One person framed at one distance, ready to be posed."""

    photo: np.ndarray
    distance_cm: float
    size: tuple[int, int] = (640, 480)
    fov_deg: float = 60.0
    tools: Landmarkers | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.tools is None:
            raise ValueError("a Scene needs Landmarkers")
        w, h = self.size
        self.camera = Camera.webcam(w, h, self.fov_deg)
        mesh = self.tools.face_mesh(self.photo)
        if mesh is None:
            raise ValueError("no face found in the photo")
        eye_px = float(np.linalg.norm(mesh[LEFT_IRIS, :2] - mesh[RIGHT_IRIS, :2]))
        scale = self.camera.focal_px * EYE_SPACING_CM / self.distance_cm / eye_px
        eyes = (mesh[LEFT_IRIS, :2] + mesh[RIGHT_IRIS, :2]) / 2.0
        # Eyes centred across, at 38% of the height: a webcam on top of the screen.
        self.affine = np.array([[scale, 0, w / 2.0 - scale * eyes[0]],
                                [0, scale, 0.38 * h - scale * eyes[1]]])
        border = np.median(np.concatenate([self.photo[0], self.photo[-1], self.photo[:, 0],
                                           self.photo[:, -1]]), axis=0)
        self.frame = cv2.warpAffine(self.photo, self.affine, (w, h), flags=cv2.INTER_AREA,
                                    borderMode=cv2.BORDER_CONSTANT,
                                    borderValue=tuple(float(c) for c in border))
        framed_mesh = self.tools.face_mesh(self.frame)
        found = self.tools.person(self.frame)
        if framed_mesh is None or found is None:
            raise ValueError("the framed person is not found")
        self.mesh = framed_mesh
        self.pose_points, self.silhouette = found
        self.head, self.background = build_head(self.frame, self.silhouette, self.mesh,
                                                self.camera, self.distance_cm)

    @cached_property
    def sternum(self) -> np.ndarray:
        """Mid-shoulders, a little lower: the torso's pivot."""
        left, right = self.pose_points[11], self.pose_points[12]
        width = float(np.linalg.norm(left - right))
        return (left + right) / 2.0 + np.array([0.0, 0.25 * width])

    @cached_property
    def hips(self) -> np.ndarray:
        """Below the frame, where the hips of a seated person would be: the lean's pivot."""
        left, right = self.pose_points[11], self.pose_points[12]
        width = float(np.linalg.norm(left - right))
        return (left + right) / 2.0 + np.array([0.0, 1.6 * width])

    @cached_property
    def neck_top(self) -> np.ndarray:
        return np.asarray(self.camera.project(self.head.pivot))

    def render(self, posture: Posture) -> np.ndarray:
        """The frame of this person holding ``posture``."""
        p = posture
        rot = rotation(p.pitch_deg, p.yaw_deg, p.roll_deg)
        moved_head = p.pitch_deg or p.yaw_deg or p.roll_deg or p.forward_cm or p.torso_deg
        if moved_head:
            shift = (0.0, 0.0, -p.forward_cm)
            if p.torso_deg:
                # The head rides on the top of the neck, which swings with the torso.
                top = self.neck_top
                swung = _rotate_points(top[None], self.sternum, p.torso_deg)[0]
                scale = self.distance_cm / self.camera.focal_px
                shift = ((swung[0] - top[0]) * scale, (swung[1] - top[1]) * scale,
                         -p.forward_cm)
            base = self.background
            if p.torso_deg:
                base = _rotate_image(self.background, self.sternum, p.torso_deg)
            image = self.head.render(base, rot, shift)
        else:
            image = self.frame
        if p.lean_deg:
            image = _rotate_image(image, self.hips, p.lean_deg)
        if p.closer_cm:
            eyes = (self.mesh[LEFT_IRIS, :2] + self.mesh[RIGHT_IRIS, :2]) / 2.0
            k = self.distance_cm / (self.distance_cm - p.closer_cm)
            m = np.array([[k, 0, eyes[0] * (1 - k)], [0, k, eyes[1] * (1 - k)]])
            image = cv2.warpAffine(image, m, self.size, flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
        return image

    def with_distance(self, distance_cm: float) -> Scene:
        return replace(self, distance_cm=distance_cm)

    @cached_property
    def empty(self) -> np.ndarray:
        """The frame with nobody in it: the person painted out (at quarter size, then blended)."""
        h, w = self.frame.shape[:2]
        mask = (cv2.dilate((self.silhouette > 0.3).astype(np.uint8), np.ones((15, 15), np.uint8))
                * 255)
        small = cv2.resize(self.frame, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
        small_mask = cv2.resize(mask, (w // 4, h // 4), interpolation=cv2.INTER_NEAREST)
        filled = cv2.resize(cv2.inpaint(small, small_mask, 5, cv2.INPAINT_TELEA), (w, h),
                            interpolation=cv2.INTER_CUBIC)
        out = self.frame.copy()
        out[mask > 0] = filled[mask > 0]
        return cv2.GaussianBlur(out, (0, 0), 0.8)

    def hand_over_mouth(self, image: np.ndarray) -> np.ndarray:
        """A hand resting over the mouth and chin, drawn in the person's own skin tone."""
        m = self.mesh[:, :2]
        face_w = float(np.linalg.norm(m[454] - m[234]))
        mouth = (m[13] + m[14]) / 2.0
        cheeks = np.concatenate([self.frame[int(y) - 3:int(y) + 3, int(x) - 3:int(x) + 3]
                                 .reshape(-1, 3) for x, y in (m[50], m[280])])
        skin = np.median(cheeks, axis=0)
        layer = np.zeros(image.shape[:2], np.uint8)
        cx, cy = mouth + np.array([0.08 * face_w, 0.12 * face_w])
        cv2.ellipse(layer, (round(cx), round(cy)), (round(0.32 * face_w), round(0.24 * face_w)),
                    -15, 0, 360, 255, -1)
        for k in range(4):  # fingers across the cheek toward the ear
            start = np.array([cx - 0.1 * face_w, cy - 0.18 * face_w + k * 0.11 * face_w])
            end = start + np.array([-0.42 * face_w, -0.06 * face_w + k * 0.02 * face_w])
            cv2.line(layer, tuple(int(v) for v in np.round(start)),
                     tuple(int(v) for v in np.round(end)), 255, max(3, round(0.09 * face_w)),
                     cv2.LINE_AA)
        alpha = cv2.GaussianBlur(layer.astype(np.float32) / 255.0, (0, 0), 1.5)[..., None]
        shade = cv2.GaussianBlur(layer.astype(np.float32) / 255.0, (0, 0), 0.12 * face_w)
        colour = skin[None, None, :] * (0.75 + 0.3 * shade[..., None])
        return (image * (1 - alpha) + colour * alpha).astype(np.uint8)

    def passer_by(self, image: np.ndarray, figure: tuple[np.ndarray, np.ndarray],
                  progress: float) -> np.ndarray:
        """Another person (photo, silhouette) walking across behind the user, left to right
        over the segment, about 2.5 m behind (a smaller figure)."""
        photo, mask = figure
        h, w = image.shape[:2]
        scale = 0.55 * h / photo.shape[0]  # about 2.5 m behind: a smaller figure
        small = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        small_mask = cv2.resize(mask, (small.shape[1], small.shape[0]))
        x = round(-small.shape[1] + progress * (w + small.shape[1]))
        y = round(0.12 * h)
        out = image.astype(np.float32)
        x0, x1 = max(x, 0), min(x + small.shape[1], w)
        y0, y1 = max(y, 0), min(y + small.shape[0], h)
        if x1 <= x0 or y1 <= y0:
            return image
        sub = small[y0 - y:y1 - y, x0 - x:x1 - x].astype(np.float32)
        a = small_mask[y0 - y:y1 - y, x0 - x:x1 - x][..., None]
        behind = 1.0 - np.clip(self.silhouette[y0:y1, x0:x1], 0, 1)[..., None]
        a = a * behind
        out[y0:y1, x0:x1] = out[y0:y1, x0:x1] * (1 - a) + sub * a
        return out.astype(np.uint8)


def _rotation_matrix(pivot: np.ndarray, angle_deg: float) -> np.ndarray:
    # A positive angle tips the person to their own left: the image's right side goes down,
    # which is a clockwise turn on screen, i.e. a negative angle for OpenCV.
    return cv2.getRotationMatrix2D((float(pivot[0]), float(pivot[1])), -angle_deg, 1.0)


def _rotate_image(image: np.ndarray, pivot: np.ndarray, angle_deg: float) -> np.ndarray:
    h, w = image.shape[:2]
    return cv2.warpAffine(image, _rotation_matrix(pivot, angle_deg), (w, h),
                          flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _rotate_points(points: np.ndarray, pivot: np.ndarray, angle_deg: float) -> np.ndarray:
    m = _rotation_matrix(pivot, angle_deg)
    return points @ m[:, :2].T + m[:, 2]
