"""Videos of a real person in known postures, made from public-domain photos.

Used by ``neckline demo`` (so anyone can see neckline work without a camera) and by the tests.
A photo is rotated about a point between the shoulders on a padded canvas, so a known head and
body tilt is applied without cutting the shoulders off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neckline.capture._cv2 import cv2
from neckline.config.files import file_kind
from neckline.errors import SourceError


def grace_hopper() -> np.ndarray:
    """Grace Hopper's portrait (BGR) from matplotlib's sample data, installed with mediapipe."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    image = cv2.imread(str(path))
    if image is None:
        raise SourceError(f"The demo photo {path} is missing; reinstall matplotlib.")
    return np.asarray(image)


@dataclass(frozen=True)
class Person:
    """One person placed on the canvas: a photo, its width on the canvas, where its centre
    goes, and a roll angle in degrees (positive leans the person to their own left)."""

    photo: np.ndarray
    width: int
    center: tuple[int, int]
    angle_deg: float = 0.0


def place(canvas: np.ndarray, person: Person) -> None:
    """Draws ``person`` onto ``canvas`` in place. A positive angle lowers the image's right
    side, i.e. the person's left ear: a tilt to the person's left."""
    photo = person.photo
    scale = person.width / photo.shape[1]
    h, w = photo.shape[:2]
    # Pivot below the face (at the chest in both demo photos) so the head swings like a lean.
    pivot = (w / 2.0, h * 0.6)
    m = cv2.getRotationMatrix2D(pivot, -person.angle_deg, scale)
    m[0, 2] += person.center[0] - pivot[0]
    m[1, 2] += person.center[1] - pivot[1]
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, canvas.shape[1::-1])
    warped = cv2.warpAffine(photo, m, canvas.shape[1::-1])
    canvas[mask > 127] = warped[mask > 127]


def frame(people: Sequence[Person], size: tuple[int, int] = (640, 480),
          background: int = 96) -> np.ndarray:
    canvas = np.full((size[1], size[0], 3), background, np.uint8)
    for person in people:
        place(canvas, person)
    return canvas


def write_video(path: Path, segments: Sequence[tuple[float, Sequence[Person]]],
                fps: float = 10.0, size: tuple[int, int] = (640, 480)) -> Path:
    """Writes an MJPG .avi: each segment is (seconds, people in view, possibly none)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise SourceError(f"Cannot write a video to {path}.")
    try:
        for seconds, people in segments:
            image = frame(people, size)
            for _ in range(round(seconds * fps)):
                writer.write(image)
    finally:
        writer.release()
    written = cv2.VideoCapture(str(path))
    frames = int(written.get(cv2.CAP_PROP_FRAME_COUNT))
    written.release()
    if frames != sum(round(seconds * fps) for seconds, _ in segments):  # OpenCV does not say
        raise SourceError(f"The video {path} was cut short (is the disk full?).")
    return path


def demo_video(folder: Path) -> Path:
    """A 100-second demo: sitting upright, then a head-and-body tilt held for 70 s, upright
    again, then leaving the desk."""
    path = folder / "neckline-demo.avi"
    stamp = folder / "neckline-demo.avi.sha256"
    if _made_here(path, stamp):
        return path
    folder.mkdir(parents=True, exist_ok=True)
    photo = grace_hopper()
    upright = Person(photo, 380, (320, 270))
    tilted = Person(photo, 380, (320, 270), angle_deg=16.0)
    tmp = folder / "neckline-demo.tmp.avi"
    try:
        write_video(tmp, [(15, [upright]), (70, [tilted]), (10, [upright]), (5, [])])
        digest = _sha256(tmp)
        tmp.replace(path)
        stamp.write_text(f"{DEMO_VERSION} {digest}\n", encoding="utf-8")
    finally:
        tmp.unlink(missing_ok=True)  # a disk that filled part-way leaves no half video
    return path


DEMO_VERSION = 1  # raised when the demo's story changes, so a cached older one is made anew


def _made_here(path: Path, stamp: Path) -> bool:
    """Whether the cached demo is the one neckline wrote, whole: a video cut short, damaged or
    replaced (its checksum differs from the one written beside it) is made again."""
    try:
        version, digest = stamp.read_text(encoding="utf-8").split()
        return version == str(DEMO_VERSION) and file_kind(path) == "file" \
            and _sha256(path) == digest
    except (OSError, ValueError, UnicodeDecodeError):
        return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
