"""The live monitor: owns the camera (or video) and the pose model, and runs the engine.

Pure Python: the desktop app runs ``Monitor.run`` in a worker thread and turns the listener
calls into Qt signals; tests drive it directly. Commands (pause, resume, recalibrate, new config,
stop) may come from any thread; the loop picks them up between frames and never spins:
while paused or waiting to retry a camera it sleeps on an event.

Every fault is a status, never an exception out of ``run``: no camera, camera busy, camera
lost mid-session (retried with backoff until it comes back), black frames (a privacy
shutter), a damaged model. While paused the camera is released.

A camera is lent to any other program that opens it (``neckline.capture.lending``): a lender
thread closes it at once, the status says who has it ("lent", not a fault), and when the last
one has closed it and the grace has passed the loop opens it again, with the calibration it had
and the moment's timers fresh; the time lent counts as time at the desk (a call is sitting).
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Protocol

import numpy as np

from neckline.capture._cv2 import cv2
from neckline.capture.cameras import chosen_index, list_cameras
from neckline.capture.lending import Lender, LendingNews
from neckline.capture.sources import CameraSource, Frame, FrameSource, open_source
from neckline.config import Config
from neckline.config.files import short
from neckline.errors import CalibrationError, ModelError, SourceError
from neckline.landmarks.detect import PersonDetector
from neckline.live.adaptive import AdaptiveRate, adaptive_rate
from neckline.live.lending import CameraLending
from neckline.live.status import FAULT_KINDS, SOURCE_KIND, Status, StatusKind
from neckline.posture.calibration import (
    load_camera_calibration,
    save_calibration,
)
from neckline.posture.engine import PostureEngine, Sample

RETRY_DELAYS_S = (1.0, 2.0, 5.0, 10.0, 30.0)
BLACK_LEVEL = 8.0  # mean grey level under which a frame counts as black (0-255)
BLACK_AFTER_S = 2.0


__all__ = ["FAULT_KINDS", "Monitor", "MonitorListener", "SourceOpener", "Status", "StatusKind"]

SourceOpener = Callable[..., FrameSource]
"""Opens a source by its spec, as ``open_source(spec, sequence_fps=...)`` does (tests hand the
monitor a stand-in camera this way)."""


class MonitorListener(Protocol):
    def on_sample(self, sample: Sample, preview: np.ndarray | None) -> None: ...
    def on_status(self, status: Status) -> None: ...


class Monitor:
    def __init__(self, config: Config, source: str, listener: MonitorListener, *,
                 speed: float = 1.0, loop_video: bool = True, preview_width: int = 480,
                 retry_delays: tuple[float, ...] = RETRY_DELAYS_S,
                 open_source: SourceOpener = open_source) -> None:
        self.config = config
        self.source_spec = source
        self.listener = listener
        self.speed = speed  # video files play at this multiple of real time
        self.loop_video = loop_video
        self.preview_width = preview_width
        self.preview_enabled = True
        self.retry_delays = retry_delays
        self._open = open_source
        self._commands: queue.SimpleQueue[tuple[str, object]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stopped = False
        self._paused = False
        self._paused_at = 0.0
        self._paused_by_user = False
        self.source: FrameSource | None = None
        self.frames_analysed = 0  # pictures given to the models (none while paused)
        self._detector: PersonDetector | None = None
        self.engine = PostureEngine(config)
        self.rate = self._make_rate()
        self.status = Status("starting")
        self._offset = 0.0  # engine time = source time + offset, increasing across reopenings
        self._last_t = 0.0
        self._black_since: float | None = None
        self._calibration_loaded = False
        self.lending = CameraLending(config.camera, self._send)

    # -- commands, from any thread -----------------------------------------------------------

    def _send(self, command: str, arg: object = None) -> None:
        self._commands.put((command, arg))
        self._wake.set()

    def stop(self) -> None:
        self._send("stop")

    def pause(self, *, by_user: bool = True) -> None:
        """Releases the camera until ``resume``. ``by_user`` False: the screen is locked or the
        computer about to sleep, which counts as a break when long enough (posture.breaks)."""
        self._send("pause", by_user)

    def resume(self) -> None:
        self._send("resume")

    def recalibrate(self, seconds: float | None = None) -> None:
        self._send("calibrate", seconds)

    def cancel_calibration(self) -> None:
        self._send("cancel_calibration")

    def set_config(self, config: Config) -> None:
        self._send("config", config)

    # -- the loop, in the worker thread ------------------------------------------------------

    def run(self) -> None:
        try:
            self._run()
        except Exception as e:  # a bug: said as a state (never "Starting…" for ever), and kept
            self._set_status(Status("failed", f"Monitoring stopped because of an error in "
                                    f"neckline ({short(str(e) or type(e).__name__, 200)}); "
                                    "quit and start it again, and please report it."))
            traceback.print_exc()
        finally:
            self._stop_lending()
            self._close_source()
            if self._detector is not None:
                self._detector.close()
                self._detector = None

    def _run(self) -> None:
        attempt = 0
        while not self._stopped:
            self._drain_commands()
            if self._stopped:
                break
            if self._paused:
                self._stop_lending()
                self._close_source()
                self._set_status(Status("paused", "Paused; the camera is off."))
                self._sleep(None)
                continue
            if self.lending.status is not None:  # until the lender says the camera is free
                self._close_source()
                if self.lending.status.message:  # (once the holders are named)
                    self._set_status(self.lending.status)
                self._sleep(None)
                continue
            try:
                if self._detector is None:
                    self._detector = _make_detector(self.config)
                if self.source is None:
                    self._open_source()
            except ModelError as e:
                self._set_status(Status("model_problem", str(e)))
                self._sleep(self.retry_delays[-1])
                continue
            except SourceError as e:
                if self.lending.lend_at_start(e):
                    attempt = 0
                    continue
                self._set_status(Status(SOURCE_KIND.get(e.kind, "source_unreadable"), str(e)))
                self._sleep(self.retry_delays[min(attempt, len(self.retry_delays) - 1)])
                attempt += 1
                continue
            attempt = 0
            try:
                self._stream()
            except SourceError as e:  # lost mid-session: release, then retry with backoff
                self._stop_lending()
                self._close_source()
                self._set_status(Status(SOURCE_KIND.get(e.kind, "camera_lost"), str(e)))
                self._sleep(self.retry_delays[0])

    def _stream(self) -> None:
        """Frames until the source ends, a command needs the loop, or stop."""
        assert self.source is not None and self._detector is not None
        frames: Iterator[Frame] = self.source.sampled(lambda: self.rate.fps)
        wall0: float | None = None
        t0 = 0.0
        for frame in frames:
            if not self._commands.empty():
                self._drain_commands()
                if self._stopped or self._paused or self.source is None \
                        or self.lending.status is not None:
                    return
            if not self.source.live:  # play a video at its own pace (times speed)
                if wall0 is None:
                    wall0, t0 = time.monotonic(), frame.t
                delay = wall0 + (frame.t - t0) / self.speed - time.monotonic()
                if delay > 0 and self._sleep(delay):
                    self._drain_commands()
                    if self._stopped or self._paused or self.source is None:
                        return
            self._process(frame)
        live = self.source.live
        self._close_source()  # the video ended; the next loop continues after a gap
        if live:  # a camera ends only when lent (the lender's news is queued already)
            return
        if not self.loop_video:
            self._set_status(Status("ended", "The video has ended."))
            self._sleep(None)

    def _process(self, frame: Frame) -> None:
        assert self._detector is not None
        t = frame.t + self._offset
        self._last_t = t
        if self._is_black(frame.image, t):
            return
        bodies, faces = self._detector.detect(frame.image, t)
        self.frames_analysed += 1
        sample = self.engine.update(t, bodies, faces)
        outcome = sample.calibrated
        if outcome is not None and outcome.calibration is not None and not outcome.loaded:
            self.rate = self._make_rate()  # the tolerances follow the new thresholds
            try:  # made just now: kept for this camera
                save_calibration(outcome.calibration)
            except CalibrationError as e:
                sample = dataclasses.replace(
                    sample, calibrated=dataclasses.replace(outcome, error=str(e)))
        self.rate.update(sample)
        self._set_status(Status("running"))
        self.listener.on_sample(sample, self._preview(frame.image))

    def _is_black(self, image: np.ndarray, t: float) -> bool:
        if float(image[::8, ::8].mean()) >= BLACK_LEVEL:
            self._black_since = None
            return False
        if self._black_since is None:
            self._black_since = t
        if t - self._black_since >= BLACK_AFTER_S:
            self.engine.reset()
            self._set_status(Status("camera_black", "The camera shows only black; is a "
                                    "privacy shutter closed or the lens covered?"))
            return True
        return False

    def _preview(self, image: np.ndarray) -> np.ndarray | None:
        if not self.preview_enabled:
            return None
        height, width = image.shape[:2]
        if width <= self.preview_width:
            return image.copy()
        size = (self.preview_width, round(height * self.preview_width / width))
        return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))

    # -- helpers -----------------------------------------------------------------------------

    def _open_source(self) -> None:
        p = self.config.processing
        self.source = self._open(self.source_spec, sequence_fps=p.sequence_fps)
        self.lending.watch(self.source)
        self.engine.camera = self.source.name
        self.engine.reset()
        if not self._calibration_loaded:
            self._calibration_loaded = True
            try:
                saved = load_camera_calibration(self.source.name)
                legacy = f"camera {self.source.index}" \
                    if isinstance(self.source, CameraSource) else self.source.name
                if saved is None and legacy != self.source.name:
                    # Kept under the index by neckline before cameras had identities.
                    saved = load_camera_calibration(legacy)
            except CalibrationError as e:
                self.engine.load_calibration(None, str(e))
            else:
                if saved is not None:
                    self.engine.load_calibration(saved)
                    self.rate = self._make_rate()

    def _close_source(self) -> None:
        if self.source is not None:
            self.lending.detach()
            self.source.close()
            self.source = None
            # Time goes on while the camera is off: the next frame starts after a gap.
            self._offset = self._last_t + 1.0

    def _drain_commands(self) -> None:
        while True:
            try:
                command, arg = self._commands.get_nowait()
            except queue.Empty:
                self._wake.clear()
                return
            if command == "stop":
                self._stopped = True
            elif command == "pause":
                if not self._paused:
                    self._paused_at = time.time()  # the wall clock: it counts time asleep
                self._paused = True
                self._paused_by_user = self._paused_by_user or bool(arg)
            elif command == "resume":
                if self._paused:
                    self.engine.camera_off(max(time.time() - self._paused_at, 0.0),
                                           by_user=self._paused_by_user)
                self._paused = False
                self._paused_by_user = False
            elif command == "calibrate":
                seconds = arg if isinstance(arg, float | int) else \
                    self.config.calibration.seconds
                if self.source is not None and not self.source.live:
                    # A video is calibrated on its first seconds, as `analyze --calibrate`
                    # does, however long the wizard was read: it starts again from there.
                    self._close_source()
                self.engine.start_calibration(float(seconds))
            elif command == "cancel_calibration":
                self.engine.cancel_calibration()
            elif command == "config" and isinstance(arg, Config):
                self._apply_config(arg)
            elif command == "lending" and isinstance(arg, tuple):
                self._on_lending(*arg)

    def _apply_config(self, config: Config) -> None:
        old, self.config = self.config, config
        detector_settings = ("model", "max_people", "visibility_floor", "head_model")
        changed = any(getattr(old.processing, k) != getattr(config.processing, k)
                      for k in detector_settings) or old.camera.view != config.camera.view
        if changed and self._detector is not None:
            self._detector.close()
            self._detector = None
        if not config.camera.lend_to_other_apps:
            self._stop_lending()
        self.lending.set_camera(config.camera)
        if self.lending.lender is None and self.source is not None:
            self.lending.watch(self.source)
        old_engine = self.engine
        self.engine = PostureEngine(config, old_engine.calibration)
        self.engine.carry_on_from(old_engine)
        self.rate = self._make_rate()
        cameras = list_cameras()
        before, now = chosen_index(old.camera, cameras), chosen_index(config.camera, cameras)
        if before != now and self.source_spec == str(before):  # another camera chosen
            self.source_spec = str(now)
            self._calibration_loaded = False
            self._stop_lending()
            self._close_source()

    def _on_lending(self, lender: Lender, news: LendingNews) -> None:
        act = self.lending.news(lender, news)
        if act == "free":  # the loop opens the camera again
            self.engine.camera_lent(self.lending.end())
        elif act == "gone":  # the usual faults and retries follow
            self._stop_lending()
            self._close_source()

    def _stop_lending(self) -> None:
        self.engine.camera_lent(self.lending.stop())

    def _make_rate(self) -> AdaptiveRate:
        return adaptive_rate(self.config, self.engine.calibration)

    def _sleep(self, seconds: float | None) -> bool:
        """Sleeps until a command arrives or ``seconds`` pass; True if woken by a command."""
        return self._wake.wait(seconds)

    def _set_status(self, status: Status) -> None:
        if status != self.status:
            self.status = status
            self.listener.on_status(status)


def _make_detector(config: Config) -> PersonDetector:
    return PersonDetector(config.processing, config.camera.view)
