from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neckline.capture._cv2 import cv2
from neckline.capture.sources import ImageSequenceSource, VideoFileSource, open_source
from neckline.errors import SourceError


def numbered_video(path: Path, frames: int, fps: float) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (64, 48))
    for i in range(frames):
        writer.write(np.full((48, 64, 3), 2 * i, np.uint8))  # brightness encodes the index
    writer.release()
    return path


def test_time_comes_from_the_video_and_frames_are_skipped(tmp_path: Path) -> None:
    with open_source(str(numbered_video(tmp_path / "v.avi", 90, 30.0))) as source:
        assert isinstance(source, VideoFileSource)
        assert source.duration_s == pytest.approx(3.0)
        frames = list(source.sampled(10.0))
    assert [f.index for f in frames] == list(range(0, 90, 3))
    assert [round(f.t, 3) for f in frames] == [round(i / 10, 3) for i in range(30)]
    brightness = [float(f.image.mean()) / 2 for f in frames[:4]]  # JPEG shifts it a little
    assert brightness == pytest.approx([0, 3, 6, 9], abs=1.0)


def test_a_slower_video_gives_every_frame(tmp_path: Path) -> None:
    with open_source(str(numbered_video(tmp_path / "v.avi", 20, 5.0))) as source:
        assert [f.index for f in source.sampled(10.0)] == list(range(20))


def test_image_sequence_printf_and_glob(tmp_path: Path) -> None:
    for i in range(1, 6):
        cv2.imwrite(str(tmp_path / f"f_{i:03d}.png"), np.full((8, 8, 3), i, np.uint8))
    printf = open_source(str(tmp_path / "f_%03d.png"), sequence_fps=5.0)
    assert isinstance(printf, ImageSequenceSource)
    assert [f.t for f in printf.sampled(5.0)] == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    globbed = open_source(str(tmp_path / "f_*.png"), sequence_fps=5.0)
    assert [int(f.image[0, 0, 0]) for f in globbed.sampled(5.0)] == [1, 2, 3, 4, 5]


def test_a_damaged_image_in_a_sequence_is_one_error(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "a.png"), np.zeros((8, 8, 3), np.uint8))
    (tmp_path / "b.png").write_bytes(b"not a png")
    with pytest.raises(SourceError, match=r"b\.png cannot be read"):
        list(open_source(str(tmp_path / "*.png")).sampled(10.0))


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.avi", "No such video file"),
    (lambda p: p, "is a folder"),
    (lambda p: p / "none_*.png", "No images match"),
    (lambda p: (p / "junk.avi").write_bytes(b"\x00junk" * 100) and p / "junk.avi",
     "not a video neckline can read|no frame neckline can decode"),
])
def test_bad_sources(tmp_path: Path, make: object, message: str) -> None:
    spec = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(SourceError, match=message):
        open_source(str(spec))


def test_no_camera_here() -> None:
    with pytest.raises(SourceError, match="No camera found at index 9"):
        open_source("9")
