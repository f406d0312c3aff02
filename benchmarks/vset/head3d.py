"""A textured 3D head cut from a photo, turned about the upper neck and re-projected.

The head is a height field seen from the camera: every pixel of the head (face, hair, ears)
gets a depth. Inside the face the depth comes from the face mesh's own z, rescaled so the face
has a real face's proportions (MediaPipe's canonical face: see ``FACE_DEPTH_RATIO``); outside
it (hair, ears, the skull's outline) from an ellipsoid of adult head size that meets the face's
edge. The pixels are lifted to 3D through the same pinhole camera that frames the scene, rotated
about a pivot at the upper neck (roughly C1, below and behind the ear line), moved, projected in
perspective and splatted at 2x super-sampling with a depth buffer, so a turned head hides its own
far cheek and a bowed head shows its crown. Truth is known by construction: the head turns by
exactly the applied rotation.

Limits: what the photo never showed (the far ear when turned, the underside of the chin when
raised) cannot appear; the skull outline is an ellipsoid, not the person's own; the neck does
not bend, only the head turns, as in a nod about the upper neck.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

# Landmark indices of MediaPipe's 478-point face mesh.
NOSE_TIP = 1
CHIN = 152
FACE_LEFT_EDGE = 454  # the person's left side of the face oval (image right), near the ear
FACE_RIGHT_EDGE = 234
LEFT_IRIS = 473
RIGHT_IRIS = 468
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
             400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54,
             103, 67, 109)

# Depth of the face oval's sides (454/234) behind the nose tip, over their distance apart, in
# MediaPipe's canonical metric face (the canonical mesh in the face landmarker bundle's geometry
# metadata: 454/234 at x = +-7.66, z = -2.44 cm; nose tip at z = +7.48 cm): 9.91 / 15.33. The
# mesh of a single photo is flatter than that, so its z is rescaled to this ratio.
FACE_DEPTH_RATIO = 0.65
# Adult head semi-axes in cm (breadth 15, height 22 to the chin-to-vertex, length 19.5).
HEAD_HALF_BREADTH_CM = 7.5
HEAD_HALF_HEIGHT_CM = 11.5
HEAD_HALF_LENGTH_CM = 9.8


def rotation(pitch_deg: float = 0.0, yaw_deg: float = 0.0, roll_deg: float = 0.0) -> np.ndarray:
    """Camera-frame rotation (x right, y down, z away from the camera): pitch + bows the face
    down, yaw + turns it toward the person's left (the image's right), roll + tips the head
    toward the person's left shoulder (the image's right side goes down). Applied yaw first,
    then pitch, then roll."""
    p, y, r = (math.radians(a) for a in (pitch_deg, yaw_deg, roll_deg))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(-y), 0, math.sin(-y)], [0, 1, 0],
                   [-math.sin(-y), 0, math.cos(-y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    return rz @ rx @ ry


@dataclass
class Camera:
    width: int
    height: int
    focal_px: float

    @classmethod
    def webcam(cls, width: int, height: int, fov_deg: float = 60.0) -> Camera:
        return cls(width, height, (width / 2.0) / math.tan(math.radians(fov_deg) / 2.0))

    def lift(self, u: np.ndarray, v: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.stack([(u - self.width / 2.0) * z / self.focal_px,
                         (v - self.height / 2.0) * z / self.focal_px, z], axis=-1)

    def project(self, xyz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = xyz[..., 2]
        return (xyz[..., 0] * self.focal_px / z + self.width / 2.0,
                xyz[..., 1] * self.focal_px / z + self.height / 2.0)


@dataclass
class Head:
    """The head layer of one framed person: colour, alpha and 3D position of its pixels."""

    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the head's crop in the frame
    colour: np.ndarray  # crop, BGR float32, super-sampled 2x
    alpha: np.ndarray  # crop, 0..1, super-sampled 2x
    points: np.ndarray  # crop, (h, w, 3) camera-frame cm, super-sampled 2x
    pivot: np.ndarray  # upper neck, camera-frame cm
    camera: Camera

    def render(self, background: np.ndarray, rot: np.ndarray,
               shift_cm: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> np.ndarray:
        """``background`` (the frame with the head removed) with the head turned by ``rot``
        about the upper neck and moved by ``shift_cm`` (camera axes; -z is toward the camera)."""
        pts = (self.points - self.pivot) @ rot.T + self.pivot + np.asarray(shift_cm)
        u, v = self.camera.project(pts)
        h, w = background.shape[:2]
        ui, vi = np.rint(u).astype(np.int64), np.rint(v).astype(np.int64)
        keep = (self.alpha > 0.02) & (ui >= 0) & (ui < w) & (vi >= 0) & (vi < h)
        ui, vi, z = ui[keep], vi[keep], pts[..., 2][keep]
        colour, alpha = self.colour[keep], self.alpha[keep]
        # Depth buffer: for each target pixel the nearest source sample wins.
        index = vi * w + ui
        order = np.lexsort((z, index))
        first = np.ones(len(order), dtype=bool)
        first[1:] = index[order][1:] != index[order][:-1]
        chosen = order[first]
        out_c = np.zeros((h * w, 3), np.float32)
        out_a = np.zeros(h * w, np.float32)
        out_c[index[chosen]] = colour[chosen]
        out_a[index[chosen]] = alpha[chosen]
        out_c = out_c.reshape(h, w, 3)
        out_a = out_a.reshape(h, w)
        # Close pinholes left where the head is magnified or seen at a grazing angle.
        covered = (out_a > 0).astype(np.uint8)
        closed = cv2.morphologyEx(covered, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
        holes = (closed > 0) & (covered == 0)
        if holes.any():
            weight = cv2.blur(covered.astype(np.float32), (3, 3))
            blur_c = cv2.blur(out_c * out_a[..., None], (3, 3))
            blur_a = cv2.blur(out_a, (3, 3))
            safe = np.maximum(weight, 1e-6)
            out_c[holes] = (blur_c / np.maximum(blur_a, 1e-6)[..., None])[holes]
            out_a[holes] = (blur_a / safe)[holes]
        a = out_a[..., None]
        return np.clip(background.astype(np.float32) * (1 - a) + out_c * a, 0, 255) \
            .astype(np.uint8)


def build_head(frame: np.ndarray, person_mask: np.ndarray, mesh_px: np.ndarray,
               camera: Camera, eye_distance_cm: float) -> tuple[Head, np.ndarray]:
    """The head layer of the person in ``frame`` and the frame with the head removed.

    ``mesh_px``: the 478 face-mesh points in frame pixels, z in the same pixel units (as
    MediaPipe gives it, times the image width). ``eye_distance_cm``: the eyes' distance from the
    camera, known from the framing.
    """
    h, w = frame.shape[:2]
    xy = mesh_px[:, :2]
    left, right = xy[FACE_LEFT_EDGE], xy[FACE_RIGHT_EDGE]
    face_w = float(np.linalg.norm(left - right))
    eyes = (xy[LEFT_IRIS] + xy[RIGHT_IRIS]) / 2.0
    chin = xy[CHIN]
    # Head region: the person's pixels within an ellipse around the skull, down to the chin.
    centre = (left + right) / 2.0
    up = eyes - chin
    up /= np.linalg.norm(up)
    skull_c = centre + up * 0.3 * face_w
    axes = (0.85 * face_w, 1.05 * face_w)
    angle = math.degrees(math.atan2(up[0], -up[1]))  # the ellipse's long axis along "up"
    region = np.zeros((h, w), np.uint8)
    cv2.ellipse(region, (round(skull_c[0]), round(skull_c[1])),
                (round(axes[0]), round(axes[1])), angle, 0, 360, 255, -1)
    # Cut below the chin, perpendicular to the face's up direction.
    yy, xx = np.mgrid[0:h, 0:w]
    below_chin = ((xx - chin[0]) * up[0] + (yy - chin[1]) * up[1]) < -0.03 * face_w
    region[below_chin] = 0
    oval = np.zeros((h, w), np.uint8)
    cv2.fillPoly(oval, [np.round(xy[list(FACE_OVAL)]).astype(np.int32)], 255)
    head_mask = ((region > 0) & (person_mask > 0.5)) | (oval > 0)
    head_mask = cv2.morphologyEx(head_mask.astype(np.uint8), cv2.MORPH_CLOSE,
                                 np.ones((5, 5), np.uint8)) > 0

    # Depth. Scale: cm per pixel at the eyes; the mesh's z turned into cm at a real face's depth.
    cm_per_px = eye_distance_cm / camera.focal_px
    z_px = mesh_px[:, 2]
    depth_span_px = float((z_px[FACE_LEFT_EDGE] + z_px[FACE_RIGHT_EDGE]) / 2 - z_px[NOSE_TIP])
    gain = FACE_DEPTH_RATIO * face_w / max(depth_span_px, 1e-6)
    eye_z = float((z_px[LEFT_IRIS] + z_px[RIGHT_IRIS]) / 2)
    mesh_z_cm = eye_distance_cm + (z_px - eye_z) * gain * cm_per_px

    x0, y0, x1, y1 = _box(head_mask, pad=round(0.3 * face_w), shape=(h, w))
    sub = 2
    crop = frame[y0:y1, x0:x1]
    colour = cv2.resize(crop, None, fx=sub, fy=sub, interpolation=cv2.INTER_LINEAR)
    feather = cv2.GaussianBlur(head_mask.astype(np.float32), (0, 0), 1.2)[y0:y1, x0:x1]
    alpha = cv2.resize(feather, None, fx=sub, fy=sub, interpolation=cv2.INTER_LINEAR)
    gh, gw = alpha.shape
    vv, uu = np.mgrid[0:gh, 0:gw].astype(np.float64)
    u = x0 + (uu + 0.5) / sub - 0.5
    v = y0 + (vv + 0.5) / sub - 0.5

    # Skull ellipsoid: centred between the face's sides, set back so its front meets the face's
    # edge depth; pixels outside its outline (hair) sit at its rim depth.
    edge_z = float((mesh_z_cm[FACE_LEFT_EDGE] + mesh_z_cm[FACE_RIGHT_EDGE]) / 2)
    centre_z = edge_z + 0.35 * HEAD_HALF_LENGTH_CM
    centre3 = camera.lift(np.array(skull_c[0]), np.array(skull_c[1]), np.array(centre_z))
    # The ellipsoid's axes follow the face's own up direction (a head already tilted in the
    # photo stays consistent).
    ux, uy = float(up[0]), float(up[1])
    dx = (u - camera.width / 2.0) * centre_z / camera.focal_px - centre3[0]
    dy = (v - camera.height / 2.0) * centre_z / camera.focal_px - centre3[1]
    across = dx * (-uy) + dy * ux
    along = -(dx * ux + dy * uy)
    inside = 1.0 - (across / HEAD_HALF_BREADTH_CM) ** 2 - (along / HEAD_HALF_HEIGHT_CM) ** 2
    shell_z = centre_z - HEAD_HALF_LENGTH_CM * np.sqrt(np.clip(inside, 0.0, 1.0))

    # Face relief: the mesh depth interpolated over its triangles. Around the face, the depth
    # continues smoothly from the face's edge (painted outward) and turns into the skull's shell
    # over a third of the face's width, so nothing tears apart at the seam when the head turns.
    face_z = _interpolate_mesh_depth(xy, mesh_z_cm, (x0, y0, x1, y1), sub, (gh, gw))
    in_face = np.isfinite(face_z)
    outside = (~in_face).astype(np.uint8)
    seed = np.where(in_face, face_z, 0.0).astype(np.float32)
    extended = cv2.inpaint(seed, outside, 3, cv2.INPAINT_TELEA).astype(np.float64)
    gap = cv2.distanceTransform(outside, cv2.DIST_L2, 5)
    blend = np.clip(gap / (0.33 * face_w * sub), 0.0, 1.0)
    depth = np.where(in_face, face_z,
                     (1 - blend) * extended + blend * np.maximum(shell_z, extended))
    points = camera.lift(u, v, depth)

    # Upper-neck pivot: below the ear line by a fifth of the face's height, at the skull's
    # centre depth (the atlanto-occipital joint sits roughly below the ears, mid-skull).
    face_h_cm = float(np.linalg.norm(eyes - chin)) * cm_per_px * 1.6
    ear_mid = camera.lift(np.array(centre[0]), np.array(centre[1]), np.array(centre_z))
    pivot = ear_mid - np.array([ux, uy, 0.0]) * 0.2 * face_h_cm

    background = cv2.inpaint(frame, cv2.dilate(head_mask.astype(np.uint8) * 255,
                                               np.ones((9, 9), np.uint8)), 7, cv2.INPAINT_TELEA)
    head = Head((x0, y0, x1, y1), colour.astype(np.float32).reshape(gh, gw, 3),
                alpha.astype(np.float32), points, pivot, camera)
    return head, background


def _box(mask: np.ndarray, pad: int, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    h, w = shape
    return (max(int(xs.min()) - pad, 0), max(int(ys.min()) - pad, 0),
            min(int(xs.max()) + pad + 1, w), min(int(ys.max()) + pad + 1, h))


def _interpolate_mesh_depth(xy: np.ndarray, z: np.ndarray, box: tuple[int, int, int, int],
                            sub: int, shape: tuple[int, int]) -> np.ndarray:
    """Depth over the face mesh's triangles (Delaunay of its points), NaN outside the face."""
    from scipy.interpolate import LinearNDInterpolator

    x0, y0, _, _ = box
    gh, gw = shape
    vv, uu = np.mgrid[0:gh, 0:gw].astype(np.float64)
    u = x0 + (uu + 0.5) / sub - 0.5
    v = y0 + (vv + 0.5) / sub - 0.5
    hull = np.zeros((gh, gw), np.uint8)
    oval = (np.stack([(xy[list(FACE_OVAL), 0] - x0 + 0.5) * sub - 0.5,
                      (xy[list(FACE_OVAL), 1] - y0 + 0.5) * sub - 0.5], axis=1))
    cv2.fillPoly(hull, [np.round(oval).astype(np.int32)], 1)
    depth = LinearNDInterpolator(xy[:468], z[:468])(u, v)
    depth[hull == 0] = np.nan
    return np.asarray(depth)
