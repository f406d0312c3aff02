"""``neckline analyze 0`` lends the camera to a video call and goes on after: the real command
and models on the stand-in camera (a real file held open, frames from a video) and a second
process, the call (tests/standin.py). Ctrl-C (a real SIGINT) ends it with its summary."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from neckline.capture.demo import Person, grace_hopper, write_video
from neckline.commands.cli import main
from standin import Holder, StandInCamera


def test_lend_analyze_live_says_it_calmly_and_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    device = tmp_path / "video0"
    device.write_bytes(b"\0" * 16)
    clip = write_video(tmp_path / "clip.avi", [(3, [Person(grace_hopper(), 380, (320, 270))])])
    opened: list[StandInCamera] = []

    def camera(index: int) -> StandInCamera:
        assert index == 0
        opened.append(StandInCamera(device, clip))
        return opened[-1]

    monkeypatch.setattr("neckline.capture.lending_camera.CameraSource", camera)
    config = tmp_path / "lend.toml"
    config.write_text("[camera]\nlend_grace_s = 1.0\n", encoding="utf-8")
    zoom = Holder(device, "zoom")
    failures: list[str] = []

    def call() -> None:
        """The call, while the analysis runs; then Ctrl-C."""
        try:
            deadline = time.monotonic() + 60
            while not (opened and opened[0].reads >= 10) and time.monotonic() < deadline:
                time.sleep(0.05)
            zoom.stream()
            time.sleep(1.0)
            zoom.close()
            while not (len(opened) == 2 and opened[1].reads >= 10) \
                    and time.monotonic() < deadline:
                time.sleep(0.05)
        except Exception as e:  # said by the test, not lost in this thread
            failures.append(repr(e))
        finally:
            os.kill(os.getpid(), signal.SIGINT)

    caller = threading.Thread(target=call)
    caller.start()
    try:
        assert main(["analyze", "0", "--config", str(config)]) == 0
    finally:
        caller.join(60)
        zoom.end()
    assert failures == []
    out, err = capsys.readouterr()
    assert err.splitlines() == ["Paused while zoom uses the camera; going on when it is free."]
    assert "Stopped early (interrupted)." in out
    # A second's call and a second's grace (and a busy machine's delays).
    assert re.search(r"The camera was lent to other programs \(video calls\) for 0:0[23]; "
                     r"not analysed meanwhile\.", out)
    assert len(opened) == 2
