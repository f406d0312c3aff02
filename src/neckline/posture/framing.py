"""Where a person should sit in the picture for neckline to read them well, and what to change
when they do not: the framing guide the calibration wizard draws over the camera's picture.

The guide is for a webcam on top of the screen, facing the user: the eyes a little above the
middle of the picture, centred across, the face about a fifth of the picture's width (which
is about 60 cm away with a 60-degree webcam), and both shoulders in the picture. Positions are
fractions of the picture's width and height, in the camera's own (not mirrored) picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from neckline.landmarks.body import LEFT_SHOULDER, RIGHT_SHOULDER, Body
from neckline.landmarks.head import Face


@dataclass(frozen=True)
class Guide:
    head_x: float = 0.5  # the oval's centre
    head_y: float = 0.36
    head_half_w: float = 0.14
    head_half_h: float = 0.22
    shoulders_y: float = 0.82  # where the shoulder line should be, about
    face_min: float = 0.10  # the face's width, as a share of the picture's width
    face_max: float = 0.34


GUIDE = Guide()
# Mean grey level (0-255) under which the picture is called dark. The validation set's dark
# clips sit at 28 (calibration there still works, but with noisier landmarks), its dimmed-light
# clip at 57, a normally lit one at 128.
DARK_LEVEL = 50.0


def framing_advice(face: Face | None, body: Body | None, guide: Guide = GUIDE,
                   brightness: float | None = None) -> str:
    """One sentence on what to change, or "" when the framing is good. ``face`` and ``body``
    from the same frame; either may be missing; ``brightness`` is the picture's mean grey
    level, when known."""
    if brightness is not None and brightness < DARK_LEVEL:
        return "It is dark for the camera: turn on a light in front of you, not behind you."
    if face is None:
        return "Face the camera so that your face is inside the oval."
    cx, cy = face.center
    x, y = cx / face.width, cy / face.height
    width = (face.points[:, 0].max() - face.points[:, 0].min()) / face.width
    if width > guide.face_max:
        return "Sit back a little: you are very close to the camera."
    if width < guide.face_min:
        return "Come a little closer, or move the camera nearer: you are small in the picture."
    # The picture is the camera's: its left is the user's right.
    if x < guide.head_x - guide.head_half_w:
        return "Move a little to your left, or turn the camera, so your head is in the oval."
    if x > guide.head_x + guide.head_half_w:
        return "Move a little to your right, or turn the camera, so your head is in the oval."
    if y < guide.head_y - guide.head_half_h:
        return "Tilt the camera up a little: your head is near the top of the picture."
    if y > guide.head_y + guide.head_half_h:
        return "Tilt the camera down a little: your head is low in the picture."
    if body is None or not body.has(LEFT_SHOULDER, RIGHT_SHOULDER):
        return "Both shoulders should be in the picture: sit back a little or tilt the camera " \
               "down."
    return ""
