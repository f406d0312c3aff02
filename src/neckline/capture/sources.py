"""Frame sources: a camera by index, a video file, or an image sequence, behind one interface.

Time always comes from the source: a video's frame timestamps, an image sequence's frame number
over its frame rate, a camera's monotonic clock. A 60-second hold in a video is therefore judged
as 60 seconds however fast or slow the analysis runs.
"""

from __future__ import annotations

import glob
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from neckline.capture._cv2 import cv2
from neckline.capture._native import quiet_native_stderr
from neckline.capture.cameras import camera_identity, list_cameras
from neckline.config.files import file_kind, short
from neckline.errors import SourceError


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # BGR, as OpenCV decodes it
    t: float  # seconds of source time since the first frame
    index: int  # position in the source, counting skipped frames
    lent_s: float = 0.0  # the camera was lent to another program this long just before


class FrameSource:
    """Base class: iterate ``frames()`` for every frame, ``sampled(rate)`` for a fixed rate."""

    name: str = ""
    fps: float | None = None  # None for a camera, whose rate is whatever it delivers
    frame_count: int | None = None
    live: bool = False
    frames_read: int = 0  # frames grabbed so far (a file that ends early reads fewer)

    @property
    def duration_s(self) -> float | None:
        if self.fps and self.frame_count:
            return self.frame_count / self.fps
        return None

    def grab(self) -> float | None:
        """Advance one frame without converting it; its time, or None at the end."""
        raise NotImplementedError

    def retrieve(self) -> np.ndarray:
        """The image of the frame last grabbed."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or file."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sampled(self, rate_fps: float | Callable[[], float]) -> Iterator[Frame]:
        """Frames at most ``rate_fps`` per second of source time; the rest are grabbed, not
        converted or analysed. ``rate_fps`` may be a function, asked after every frame, so the
        app can lower the rate while posture is steady."""
        rate = rate_fps if callable(rate_fps) else (lambda: rate_fps)
        next_due = 0.0
        index = -1
        while True:
            t = self.grab()
            if t is None:
                return
            index += 1
            self.frames_read = index + 1
            # A small tolerance keeps a 30 fps video at exactly every third frame for 10 fps.
            if t + 1e-6 < next_due:
                continue
            image = self.retrieve()
            period = 1.0 / rate()
            next_due = max(next_due + period, t + period / 2)
            yield Frame(image, t, index)


class VideoFileSource(FrameSource):
    def __init__(self, path: str) -> None:
        self.name = path
        if not path:
            raise SourceError("No source given: give a video file, an image pattern or a "
                              "camera index.", "missing")
        kind = file_kind(path)
        if kind == "missing":
            raise SourceError(f"No such video file: {path}.", "missing")
        if kind == "folder":
            raise SourceError(f"{path} is a folder; give a video file or an image pattern.")
        if kind != "file":
            raise SourceError(f"{short(path)} {kind}; give a video file.")
        # OpenCV is handed the open file, not its name: a name that is not UTF-8 crashed it
        # (signal 11), and one with %, * or ? was taken as a pattern of images.
        try:
            self._fd: int | None = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except OSError as e:
            raise SourceError(f"{short(path)} cannot be opened ({e.strerror}).") from None
        by_fd = f"/proc/self/fd/{self._fd}"
        with quiet_native_stderr():
            self._cap = cv2.VideoCapture(by_fd if os.path.exists(by_fd) else path)
            opened = self._cap.isOpened()
            # Fail now rather than halfway: the first frame must decode.
            first = opened and self._cap.grab()
        if not opened:
            self.close()
            raise SourceError(f"{short(path)} is not a video neckline can read "
                              "(unknown format or damaged file).")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 0 < fps < 1000 else 25.0
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = count if count > 0 else None
        self._index = -1
        if not first:
            self.close()
            raise SourceError(f"{short(path)} has no frame neckline can decode (damaged or "
                              "empty).")
        self._pending = True

    def grab(self) -> float | None:
        if self._pending:
            self._pending = False
        elif not self._cap.grab():
            return None
        self._index += 1
        return self._index / float(self.fps or 25.0)

    def retrieve(self) -> np.ndarray:
        ok, image = self._cap.retrieve()
        if not ok or image is None:
            raise SourceError(f"Frame {self._index} of {self.name} cannot be decoded.")
        return np.asarray(image)

    def close(self) -> None:
        self._cap.release()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class ImageSequenceSource(FrameSource):
    """Numbered images: a printf pattern (``frames/%04d.png``) or a glob (``frames/*.png``)."""

    def __init__(self, pattern: str, fps: float) -> None:
        self.name = pattern
        self.fps = fps
        if "%" in pattern:
            _check_printf(pattern)
            files = []
            start = 0 if file_kind(_printf(pattern, 0)) != "missing" else 1
            i = start
            while file_kind(_printf(pattern, i)) != "missing":
                files.append(_printf(pattern, i))
                i += 1
        else:
            try:
                files = sorted(glob.glob(pattern))
            except (OSError, RecursionError) as e:
                raise SourceError(f"{short(pattern)} cannot be searched ({e}).") from None
        if not files:
            raise SourceError(f"No images match {short(pattern)}.", "missing")
        for name in files:  # a pipe or device among them would hang the reading
            kind = file_kind(name)
            if kind != "file":
                raise SourceError(f"{short(name)} (matched by the pattern) "
                                  f"{'is a folder' if kind == 'folder' else kind}; "
                                  "give a pattern that matches only images.")
        self._files = files
        self.frame_count = len(files)
        self._index = -1

    def grab(self) -> float | None:
        self._index += 1
        if self._index >= len(self._files):
            return None
        return self._index / float(self.fps or 10.0)

    def retrieve(self) -> np.ndarray:
        path = self._files[self._index]
        try:  # read by Python, decoded by OpenCV: any name, as for videos
            data = np.fromfile(path, dtype=np.uint8)
        except OSError as e:
            raise SourceError(f"Image {short(path)} cannot be read ({e.strerror}).") from None
        image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
        if image is None:
            raise SourceError(f"Image {short(path)} cannot be read (not an image or "
                              "damaged).")
        return np.asarray(image)


_PRINTF_FIELD = re.compile(r"%(0?)(\d*)d")


def _check_printf(pattern: str) -> None:
    """One %d field, with a width of at most 9 digits' worth: '%0999999999d' would build a
    name of a billion characters."""
    fields = _PRINTF_FIELD.findall(pattern)
    bare = pattern.replace("%%", "")
    if len(fields) != 1 or bare.count("%") != 1:
        raise SourceError(f"{short(pattern)} is not a valid image pattern "
                          "(use one %d field, e.g. frame_%04d.png).")
    width = fields[0][1]
    if width and int(width) > 9:
        raise SourceError(f"{short(pattern)} asks for numbers {int(width)} digits wide; "
                          "use a width up to 9 (e.g. frame_%04d.png).")


def _printf(pattern: str, i: int) -> str:
    try:
        return pattern % i
    except (TypeError, ValueError):
        raise SourceError(f"{pattern} is not a valid image pattern "
                          "(use one %d field, e.g. frame_%04d.png).") from None


class DeviceSource(FrameSource):
    """A device that streams in real time and is held open while used (a camera); time is the
    monotonic clock since the first frame.

    ``close`` may come from another thread at any moment: the lender closes the camera the
    moment a video call opens it (``neckline.capture.lending``), whatever the reading thread
    is doing. It waits for a read under way (at most a frame period), and the frames end.
    """

    live = True
    device: str | None = None  # the device node held open (watched for other programs)

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a read and the release, never both at once
        self._closed = threading.Event()
        self._released = False
        self._t0: float | None = None
        self._image: np.ndarray | None = None

    def _read(self) -> np.ndarray:
        """The next picture (under the lock); SourceError "lost" when none comes."""
        raise NotImplementedError

    def _drop(self) -> None:
        """Drops the picture the device buffered while the reader slept (under the lock)."""

    def _release(self) -> None:
        """Closes the device (under the lock, once)."""

    def grab(self) -> float | None:
        with self._lock:
            if self._released:
                return None
            self._image = self._read()
        now = time.monotonic()
        if self._t0 is None:
            self._t0 = now
        return now - self._t0

    def retrieve(self) -> np.ndarray:
        assert self._image is not None
        return self._image

    def sampled(self, rate_fps: float | Callable[[], float]) -> Iterator[Frame]:
        # A camera produces frames in real time: rather than reading and discarding them, sleep
        # until the next one is due so the camera thread costs nothing in between.
        rate = rate_fps if callable(rate_fps) else (lambda: rate_fps)
        index = 0
        while True:
            t = self.grab()
            if t is None:
                return
            yield Frame(self.retrieve(), t, index)
            index += 1
            assert self._t0 is not None
            delay = self._t0 + t + 1.0 / rate() - time.monotonic()
            if delay > 0 and self._closed.wait(delay):
                return
            with self._lock:
                if not self._released:
                    self._drop()  # so the next frame is fresh

    def close(self) -> None:
        self._closed.set()  # a reader asleep between frames stops at once
        with self._lock:
            if not self._released:
                self._released = True
                self._release()


class CameraSource(DeviceSource):
    """A live camera, /dev/video<index> (OpenCV's V4L2 backend)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        # Named by the camera's stable identity, so its calibration follows it to another index.
        self.name = camera_identity(index, list_cameras())
        self.index = index
        self.device = f"/dev/video{index}"
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            self._cap.release()
            # A camera another program streams from may fail to open at all: the device says
            # whether it is there and who holds it.
            raise SourceError(f"No camera found at index {index}.", "missing", self.device)
        ok, image = self._cap.read()
        if not ok or image is None:
            self._cap.release()
            raise SourceError(f"Camera {index} gives no picture; "
                              "another app (a video call?) may be using it.", "busy",
                              self.device)
        self._first: np.ndarray | None = image

    def _read(self) -> np.ndarray:
        if self._first is not None:
            image, self._first = self._first, None
            return image
        ok, image = self._cap.read()
        if not ok or image is None:
            raise SourceError(f"Camera {self.index} stopped delivering pictures "
                              "(unplugged or taken by another app).", "lost")
        return np.asarray(image)

    def _drop(self) -> None:
        self._cap.grab()

    def _release(self) -> None:
        self._cap.release()


_CAMERA = re.compile(r"^\d{1,2}$")


def is_camera(spec: str) -> bool:
    """Whether ``spec`` names a camera (an index) rather than a file or image pattern."""
    return bool(_CAMERA.match(spec))


def open_source(spec: str, *, sequence_fps: float = 10.0) -> FrameSource:
    """A camera index ("0"), a video file path, or an image pattern (contains %, * or ?, and
    is not itself the name of a file: ``what?.avi`` may be one)."""
    if is_camera(spec):
        return CameraSource(int(spec))
    if any(c in spec for c in "%*?") and file_kind(spec) == "missing":
        return ImageSequenceSource(spec, sequence_fps)
    return VideoFileSource(spec)
