"""The monitor's side of lending its camera (``neckline.capture.lending``): the lender that
watches the camera while the monitor uses it, and the "lent" status while another program has
it. The monitor's loop owns it; the lender's news reach it through the monitor's commands, so
everything here runs in the loop's thread (``start`` and ``stop`` included)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from neckline.capture.lending import Lender, LendingNews, lent_words, returning_words
from neckline.capture.sources import FrameSource
from neckline.config import CameraConfig
from neckline.errors import SourceError
from neckline.live.status import Status


class CameraLending:
    """``send`` puts a command to the monitor's loop (from the lender's thread)."""

    def __init__(self, camera: CameraConfig, send: Callable[[str, object], None],
                 clock: Callable[[], float] = time.time) -> None:
        self.camera = camera
        self._send = send
        self._clock = clock  # dates the lending (the wall clock, like a pause)
        self.lender: Lender | None = None
        self.status: Status | None = None  # "lent", while another program has the camera

    @property
    def on(self) -> bool:
        return self.camera.lend_to_other_apps

    def watch(self, source: FrameSource) -> None:
        """While ``source``, a camera, is used, it is lent to any other program that opens it."""
        device = getattr(source, "device", None)
        if device is None or not self.on:
            self.stop()
        elif self.lender is not None and self.lender.device == device:
            if not self.lender.attach(source):  # taken again while it was being opened
                source.close()
        else:
            self.stop()
            self._start(device, source)

    def lend_at_start(self, e: SourceError) -> bool:
        """A camera that could not be opened because another program holds it is lent to that
        program, not "busy" (a camera another program streams from may not open at all)."""
        if e.device is None or e.kind not in ("busy", "missing") or not self.on:
            return False
        self.stop()
        if self._start(e.device, None):
            return True
        self.stop()
        return False

    def set_camera(self, camera: CameraConfig) -> None:
        self.camera = camera
        if not self.on:
            self.stop()
        elif self.lender is not None:
            self.lender.set_grace(camera.lend_grace_s)

    def news(self, lender: Lender, news: LendingNews) -> Literal["free", "gone"] | None:
        """Takes the lender's news; "free" (open the camera again) and "gone" (the device
        disappeared: lending has stopped) are the monitor's to act on."""
        if lender is not self.lender:
            return None  # from a lender stopped since
        if news.kind in ("free", "gone"):
            return news.kind
        since = self._clock() if self.status is None else self.status.since
        holders = news.holders or (self.status.holders if self.status else ())
        message = "" if news.kind == "released" else \
            returning_words(holders) if news.kind == "returning" else lent_words(holders) + "."
        self.status = Status("lent", message, holders, since)
        return None

    def end(self) -> float:
        """The camera is back, or lending ended: how long it was lent (seconds)."""
        lent_s = 0.0
        if self.status is not None and self.status.since is not None:
            lent_s = max(self._clock() - self.status.since, 0.0)
        self.status = None
        return lent_s

    def stop(self) -> float:
        """No more watching (a pause, a fault, the end); how long the camera was lent."""
        if self.lender is not None:
            self.lender.stop()
            self.lender = None
        return self.end()

    def detach(self) -> None:
        if self.lender is not None:
            self.lender.detach()

    def _start(self, device: str, source: FrameSource | None) -> bool:
        lender = Lender(device, grace_s=self.camera.lend_grace_s,
                        tell=lambda news: self._send("lending", (lender, news)))
        try:
            lent = lender.start(source)
        except OSError:  # no watch here (not Linux, inotify used up): the camera is kept
            return False
        self.lender = lender
        return lent
