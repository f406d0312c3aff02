"""A camera that lends itself to video calls, for a command that reads frames in a loop.

``neckline analyze 0`` has no monitor loop to pause: it asks its source for frames. So the
source lends: while another program uses the camera, the next frame waits (it says so once,
calmly, not as a fault) and comes when the camera is free again. The lending itself is the
monitor's (``neckline.capture.lending``): a lender thread closes the camera at once, whatever
the reading loop is doing.

Time runs on through the wait, as a camera's clock does (the monotonic clock since the first
frame), and the first frame after a lending says how long it was (``Frame.lent_s``), so the
analysis restarts the moment's timers and does not count the call as a frame's time.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator

from neckline.capture.cameras import camera_identity, list_cameras
from neckline.capture.lending import Lender, LendingNews, lent_words
from neckline.capture.sources import CameraSource, DeviceSource, Frame, FrameSource
from neckline.errors import SourceError


class LendingCamera(FrameSource):
    """Frames from ``open_camera()``'s camera, lent to any other program that opens it."""

    live = True

    def __init__(self, open_camera: Callable[[], DeviceSource], *, name: str, grace_s: float,
                 say: Callable[[str], None]) -> None:
        self.name = name
        self._open = open_camera
        self._say = say
        self._news: queue.SimpleQueue[LendingNews] = queue.SimpleQueue()
        self._t0: float | None = None
        self.lent_s = 0.0  # in all
        camera: DeviceSource | None = None
        error: SourceError | None = None
        try:
            camera = open_camera()
            device = camera.device
        except SourceError as e:  # held by another program, perhaps
            if e.device is None or e.kind not in ("busy", "missing"):
                raise
            device, error = e.device, e
        self._camera = camera
        self._lender: Lender | None = None
        if device is None:
            return
        lender = Lender(device, grace_s=grace_s, tell=self._news.put)
        try:
            lent = lender.start(camera)
        except OSError:  # no watch here: the camera is not lent
            lent = False
        else:
            self._lender = lender
        if error is not None and not lent:
            self.close()
            raise error
        if lent:
            self._camera = None

    def sampled(self, rate_fps: float | Callable[[], float]) -> Iterator[Frame]:
        index = 0
        lent_s = 0.0
        while True:
            camera = self._camera
            if camera is None:
                camera, lent_s = self._wait_for_camera()
            for frame in camera.sampled(rate_fps):  # ends when the lender closes the camera
                now = time.monotonic()
                if self._t0 is None:
                    self._t0 = now
                yield Frame(frame.image, now - self._t0, index, lent_s)
                index += 1
                lent_s = 0.0
            self._camera = None

    def _wait_for_camera(self) -> tuple[DeviceSource, float]:
        """Waits while another program has the camera; the camera opened again, and how long
        it was lent."""
        since = time.monotonic()
        said = False
        while True:
            try:  # a timeout, so that Ctrl-C is heard while waiting
                news = self._news.get(timeout=0.5)
            except queue.Empty:
                continue
            if news.kind == "lent" and not said:
                self._say(lent_words(news.holders) + "; going on when it is free.")
                said = True
            elif news.kind == "gone":
                raise SourceError(f"{self.name} disappeared while another program had it.",
                                  "lost")
            elif news.kind == "free":
                camera = self._open()
                assert self._lender is not None
                if not self._lender.attach(camera):  # taken again meanwhile
                    camera.close()
                    continue
                self._camera = camera
                lent_s = time.monotonic() - since
                self.lent_s += lent_s
                return camera, lent_s

    def close(self) -> None:
        if self._lender is not None:
            self._lender.stop()
            self._lender = None
        if self._camera is not None:
            self._camera.close()
            self._camera = None


def lending_camera(index: int, *, grace_s: float, say: Callable[[str], None]) -> LendingCamera:
    """Camera ``index`` (/dev/video<index>), lent to any other program that opens it; named by
    its stable identity, as ``CameraSource`` is, before it can be opened."""
    return LendingCamera(lambda: CameraSource(index), name=camera_identity(index, list_cameras()),
                         grace_s=grace_s, say=say)
