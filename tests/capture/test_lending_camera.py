"""A camera that lends itself, as ``neckline analyze 0`` reads it, on the stand-in camera (a
real file held open, frames from a video) and a second process, the call (tests/standin.py)."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from neckline.capture.demo import Person, grace_hopper, write_video
from neckline.capture.lending_camera import LendingCamera
from neckline.capture.sources import Frame
from neckline.errors import SourceError
from standin import Holder, StandInCamera, device_file


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clip")
    return write_video(folder / "clip.avi", [(2, [Person(grace_hopper(), 190, (160, 135))])],
                       size=(320, 240))


@pytest.fixture
def device(tmp_path: Path) -> Path:
    return device_file(tmp_path)


@pytest.fixture
def holder(device: Path) -> Iterator[Holder]:
    h = Holder(device, "zoom")
    yield h
    h.end()


class Opener:
    def __init__(self, device: Path, clip: Path) -> None:
        self.device, self.clip = device, clip
        self.opened: list[StandInCamera] = []

    def __call__(self) -> StandInCamera:
        self.opened.append(StandInCamera(self.device, self.clip))
        return self.opened[-1]


def later(seconds: float, action: Callable[[], object]) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


def test_lend_camera_waits_while_lent_says_so_once_and_goes_on(
        device: Path, clip: Path, holder: Holder) -> None:
    said: list[str] = []
    opener = Opener(device, clip)
    frames: list[Frame] = []
    with LendingCamera(opener, name="stand-in", grace_s=0.3, say=said.append) as camera:
        for frame in camera.sampled(10.0):
            frames.append(frame)
            if len(frames) == 5:
                call = holder.stream()
                first = opener.opened[0]
                assert first.closed_at is not None and call["streaming"] is not None
                assert isinstance(call["opened"], float)
                assert first.closed_at - call["opened"] < 0.1
                later(0.5, holder.close)
            if len(frames) == 10:
                break
    assert said == ["Paused while zoom uses the camera; going on when it is free."]
    assert [f.index for f in frames] == list(range(10))
    after = [f for f in frames if f.lent_s]
    assert len(after) == 1 and after[0] is frames[5]
    assert after[0].lent_s >= 0.5 + 0.3
    assert frames[5].t - frames[4].t >= after[0].lent_s  # the camera's clock ran on
    assert len(opener.opened) == 2 and all(c.closed_at for c in opener.opened)


def test_lend_camera_at_start_when_a_call_has_it(device: Path, clip: Path,
                                                 holder: Holder) -> None:
    holder.stream()
    said: list[str] = []
    opener = Opener(device, clip)
    with LendingCamera(opener, name="stand-in", grace_s=0.3, say=said.append) as camera:
        assert opener.opened == []  # busy: it could not be opened
        later(0.3, holder.close)
        frame = next(iter(camera.sampled(10.0)))
    assert frame.lent_s >= 0.3 and said == [
        "Paused while zoom uses the camera; going on when it is free."]


def test_lend_camera_busy_without_another_program_is_a_fault(device: Path, clip: Path) -> None:
    """Busy, but no other program holds it (here: this very process): not a lending."""
    mine = os.open(device, os.O_RDONLY)
    fcntl.flock(mine, fcntl.LOCK_EX)
    try:
        with pytest.raises(SourceError) as raised:
            LendingCamera(Opener(device, clip), name="stand-in", grace_s=0.3, say=print)
        assert raised.value.kind == "busy"
    finally:
        os.close(mine)
