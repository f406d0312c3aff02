"""A camera without a camera, for the lending tests (no webcam can be attached here).

The device node is a real file, opened and held as V4L2 holds /dev/videoN, read from at every
frame, watched with real inotify and found in real /proc; the pictures come from a video. V4L2
lets several programs open a camera but only one stream from it; a flock on the file stands in
for that (``tests/holder.py``, the other program, takes it when it "streams"). ``Holder`` runs
that program in a process of its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from neckline.capture.sources import DeviceSource, VideoFileSource
from neckline.errors import SourceError

HOLDER = Path(__file__).with_name("holder.py")


def device_file(folder: Path) -> Path:
    """A stand-in device node: a real file, as the camera's /dev/video0 is."""
    path = folder / "video0"
    path.write_bytes(b"\0" * 16)
    return path


class StandInCamera(DeviceSource):
    """Frames of ``video`` (looped) while holding ``device`` open and streaming from it.
    ``closed_at`` is time.monotonic() right after the device's descriptor was closed."""

    def __init__(self, device: Path, video: Path, name: str = "stand-in camera") -> None:
        super().__init__()
        self.name = name
        self.device = str(device)
        self.closed_at: float | None = None
        self.reads = 0
        try:
            self._fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise SourceError(f"No camera found at {device}.", "missing", str(device)) from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise SourceError(f"{device} gives no picture; another app may be using it.",
                              "busy", str(device)) from None
        self._video_path = video
        self._video = VideoFileSource(str(video))

    def _read(self) -> np.ndarray:
        os.pread(self._fd, 1, 0)  # from the device, as a camera's read is
        self.reads += 1
        if self._video.grab() is None:
            self._video.close()
            self._video = VideoFileSource(str(self._video_path))
            self._video.grab()
        return self._video.retrieve()

    def _release(self) -> None:
        os.close(self._fd)
        self.closed_at = time.monotonic()
        self._video.close()


class Holder:
    """The other program (``tests/holder.py``) in a process of its own, named ``comm``."""

    def __init__(self, device: Path, comm: str = "videocall") -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HOLDER), str(device), "--comm", comm],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.pid = int(self._reply()["ready"])

    def _ask(self, line: str) -> dict[str, float | bool | None]:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self._reply()

    def _reply(self, timeout: float = 20.0) -> dict[str, float | bool | None]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        assert ready, "the holder did not answer"
        reply: dict[str, float | bool | None] = json.loads(self.process.stdout.readline())
        return reply

    def open(self) -> float:
        opened = self._ask("open")["opened"]
        assert isinstance(opened, float)
        return opened

    def stream(self, setup_s: float = 0.0, wait_s: float = 5.0
               ) -> dict[str, float | bool | None]:
        """Opens the device, waits ``setup_s``, and starts streaming (trying for ``wait_s``)."""
        return self._ask(f"stream {setup_s} {wait_s}")

    def close(self) -> float:
        closed = self._ask("close")["closed"]
        assert isinstance(closed, float)
        return closed

    def kill(self) -> None:
        """Dies with the device open (SIGKILL): the kernel closes it."""
        self.process.kill()
        self.process.wait(10)

    def end(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
