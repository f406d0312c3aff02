"""The framing guide's advice, on synthetic faces placed in the picture."""

from __future__ import annotations

import numpy as np

from kinematics import HEIGHT, WIDTH, face_of, pose_body
from neckline.landmarks.head import Face
from neckline.posture.framing import framing_advice


def moved(face: Face, dx: float = 0.0, dy: float = 0.0, scale: float = 1.0) -> Face:
    """The same face shifted by (dx, dy) of the picture and scaled about its centre."""
    points = face.points.copy()
    centre = points[:, :2].mean(axis=0)
    points[:, :2] = (points[:, :2] - centre) * scale + centre + [dx * WIDTH, dy * HEIGHT]
    return Face(points, face.matrix, face.width, face.height)


def centred(face: Face) -> Face:
    cx, cy = face.center
    return moved(face, 0.5 - cx / WIDTH, 0.36 - cy / HEIGHT)


def test_good_framing_says_nothing() -> None:
    assert framing_advice(centred(face_of()), pose_body()) == ""


def test_each_fault_gets_its_own_words() -> None:
    face = centred(face_of())
    body = pose_body()
    assert "your left" in framing_advice(moved(face, dx=-0.3), body)  # image left: user's right
    assert "your right" in framing_advice(moved(face, dx=0.3), body)
    assert "Tilt the camera up" in framing_advice(moved(face, dy=-0.3), body)
    assert "Tilt the camera down" in framing_advice(moved(face, dy=0.3), body)
    assert "Sit back" in framing_advice(moved(face, scale=3.0), body)
    assert "closer" in framing_advice(moved(face, scale=0.3), body)
    assert "shoulders" in framing_advice(face, None)
    assert "Face the camera" in framing_advice(None, body)


def test_the_face_width_of_a_desk_distance_is_within_the_guide() -> None:
    face = face_of(distance_cm=65.0)
    width = float(np.ptp(face.points[:, 0])) / WIDTH
    assert 0.10 < width < 0.34


def test_a_dark_picture_is_said_first() -> None:
    face = centred(face_of())
    assert "dark" in framing_advice(face, pose_body(), brightness=30.0)
    assert framing_advice(face, pose_body(), brightness=120.0) == ""
