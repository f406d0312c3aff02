"""The live monitor on real videos, the real model and real threads (no Qt)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from monitoring import Recorder
from neckline.capture._cv2 import cv2
from neckline.config import Config, apply_overrides
from neckline.live.monitor import Monitor
from neckline.posture.breaks import DeskEventKind
from neckline.posture.calibration import calibrations_dir


def test_pause_releases_the_source_and_resume_reopens(videos: dict[str, Path],
                                                      run_monitor: Callable[..., tuple[
                                                          Monitor, Recorder]]) -> None:
    monitor, rec = run_monitor(str(videos["held_tilt"]), speed=4.0)
    rec.wait_for(lambda: len(rec.samples) >= 5)
    monitor.pause()
    rec.wait_for(lambda: rec.statuses[-1].kind == "paused")
    assert monitor.source is None
    count = len(rec.samples)
    time.sleep(0.5)
    assert len(rec.samples) == count  # nothing processed while paused
    monitor.resume()
    rec.wait_for(lambda: rec.statuses[-1].kind == "running" and len(rec.samples) > count + 3)
    assert monitor.source is not None
    assert rec.previews == len(rec.samples)


def test_time_off_camera_ends_the_stretch_at_the_desk(videos: dict[str, Path],
                                                      run_monitor: Callable[..., tuple[
                                                          Monitor, Recorder]]) -> None:
    """A pause the user chose ends the stretch without a break; a locked screen as long as a
    break is one, measured on the wall clock while the camera was off."""
    monitor, rec = run_monitor(str(videos["upright"]), speed=4.0)
    monitor.engine.breaks.set_lengths(every_s=600.0, break_s=0.4)
    rec.wait_for(lambda: any(s.at_desk_s for s in rec.samples))

    def off_and_on(by_user: bool, seconds: float) -> list[DeskEventKind]:
        monitor.pause(by_user=by_user)
        rec.wait_for(lambda: rec.statuses[-1].kind == "paused")
        count = len(rec.samples)
        time.sleep(seconds)
        monitor.resume()
        rec.wait_for(lambda: len(rec.samples) > count + 2)
        return [e.kind for s in rec.samples[count:] for e in s.desk_events]

    assert off_and_on(True, 0.1) == [DeskEventKind.PAUSED]
    assert off_and_on(False, 0.1) == []  # a locked screen shorter than a break
    assert off_and_on(False, 0.6) == [DeskEventKind.BREAK]


def test_no_camera_is_a_status_and_retried(run_monitor: Callable[..., tuple[Monitor, Recorder]]
                                           ) -> None:
    _, rec = run_monitor("9", retry_delays=(0.05,))
    rec.wait_for(lambda: bool(rec.statuses) and rec.statuses[-1].kind == "camera_missing")
    assert "No camera found at index 9" in rec.statuses[-1].message
    assert rec.statuses[-1].is_fault


def test_black_frames_are_reported(tmp_path: Path,
                                   run_monitor: Callable[..., tuple[Monitor, Recorder]]) -> None:
    path = tmp_path / "black.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (320, 240))
    for _ in range(60):
        writer.write(np.zeros((240, 320, 3), np.uint8))
    writer.release()
    _, rec = run_monitor(str(path), speed=4.0)
    rec.wait_for(lambda: any(s.kind == "camera_black" for s in rec.statuses))


def test_missing_model_is_a_status(videos: dict[str, Path], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   run_monitor: Callable[..., tuple[Monitor, Recorder]]) -> None:
    monkeypatch.setenv("NECKLINE_MODELS", str(tmp_path))
    _, rec = run_monitor(str(videos["held_tilt"]))
    rec.wait_for(lambda: any(s.kind == "model_problem" for s in rec.statuses))
    assert "model is missing" in rec.statuses[-1].message


def test_recalibrate_saves_per_source(videos: dict[str, Path],
                                      run_monitor: Callable[..., tuple[Monitor, Recorder]]
                                      ) -> None:
    monitor, rec = run_monitor(str(videos["held_tilt"]), speed=4.0)
    monitor.recalibrate(2.0)
    rec.wait_for(lambda: bool(rec.calibrations))
    calibration, error = rec.calibrations[0]
    assert error is None and calibration is not None
    assert calibration.camera == str(videos["held_tilt"])
    assert list(calibrations_dir().glob("*.json"))
    assert any(s.state == "calibrating" for s in rec.samples)


def test_calibration_on_an_empty_video_fails_with_the_reason(
        videos: dict[str, Path], run_monitor: Callable[..., tuple[Monitor, Recorder]]) -> None:
    monitor, rec = run_monitor(str(videos["nobody"]), speed=4.0)
    monitor.recalibrate(2.0)
    rec.wait_for(lambda: bool(rec.calibrations))
    assert rec.calibrations[0] == (None, "Calibration failed: no person was in view.")


def test_alerts_come_through_and_a_new_config_applies_live(
        videos: dict[str, Path], run_monitor: Callable[..., tuple[Monitor, Recorder]]) -> None:
    quick = apply_overrides(Config(), {"alerts": {"head_tilt": {"dwell_s": 3.0}}})
    monitor, rec = run_monitor(str(videos["held_tilt"]), quick, speed=6.0)
    monitor.recalibrate(3.0)
    rec.wait_for(lambda: bool(rec.alerts), timeout=60)
    assert rec.alerts[0].problem == "head_tilt"
    assert rec.alerts[0].t == pytest.approx(13.0, abs=1.5)  # tilt at 10 s + 3 s dwell
    off = apply_overrides(quick, {"alerts": {"head_tilt": {"enabled": False}}})
    monitor.set_config(off)
    rec.wait_for(lambda: "head_tilt" not in monitor.engine.trackers)
    assert monitor.engine.calibration is not None  # kept across the change
