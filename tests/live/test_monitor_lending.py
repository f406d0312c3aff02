"""The real monitor lends its camera: a stand-in camera (a real file held open as V4L2 holds a
device node, frames from a video) and a second process, the video call, that opens, streams
from, holds and closes it (tests/standin.py)."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from monitoring import Recorder, RunMonitor
from neckline.capture.cameras import list_cameras
from neckline.capture.demo import Person, grace_hopper, write_video
from neckline.config import Config, apply_overrides
from standin import Holder, StandInCamera

GRACE_S = 0.3


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    hopper = grace_hopper()
    upright = Person(hopper, 380, (320, 270))
    tilted = Person(hopper, 380, (320, 270), angle_deg=16.0)
    return {"upright_then_tilted": write_video(folder / "then.avi", [(2, [upright]),
                                                                       (40, [tilted])]),
            "tilted": write_video(folder / "tilted.avi", [(4, [tilted])])}


class Camera:
    """Opens the stand-in camera as the monitor's source (one a call, like open_source), the
    clip of its first opening and then ``later``'s."""

    def __init__(self, device: Path, first: Path, later: Path | None = None) -> None:
        self.device, self.first, self.later = device, first, later or first
        self.opened: list[StandInCamera] = []

    def __call__(self, spec: str, *, sequence_fps: float = 10.0) -> StandInCamera:
        clip = self.later if self.opened else self.first
        source = StandInCamera(self.device, clip)  # raises SourceError like a camera
        self.opened.append(source)
        return source


@pytest.fixture
def device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "video0"
    path.write_bytes(b"\0" * 16)
    # The desktop names the call's program: an entry in the user's applications.
    apps = Path(os.environ["XDG_DATA_HOME"]) / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    (apps / "zoom.desktop").write_text("[Desktop Entry]\nType=Application\nName=Zoom\n"
                                       "Exec=/usr/bin/zoom %U\n")
    monkeypatch.setenv("XDG_DATA_DIRS", str(path.parent / "none"))
    return path


@pytest.fixture
def holder(device: Path) -> Iterator[Callable[..., Holder]]:
    started: list[Holder] = []

    def start(comm: str = "zoom") -> Holder:
        started.append(Holder(device, comm))
        return started[-1]

    yield start
    for h in started:
        h.end()


def lending(grace_s: float = GRACE_S, **camera: object) -> Config:
    """Lending on the given terms; the grace shorter than a user may set (1 s), to be quick."""
    config = apply_overrides(Config(), {"camera": camera})
    return dataclasses.replace(config, camera=dataclasses.replace(config.camera,
                                                                   lend_grace_s=grace_s))


def kinds(rec: Recorder) -> list[str]:
    return [s.kind for s in rec.statuses]


def last_is(rec: Recorder, kind: str, message: str | None = None) -> Callable[[], bool]:
    return lambda: bool(rec.statuses) and rec.statuses[-1].kind == kind and (
        message is None or rec.statuses[-1].message == message)


def test_lend_monitor_pauses_while_a_call_holds_the_camera_and_goes_on_after(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    camera = Camera(device, clips["tilted"])
    monitor, rec = run_monitor("0", lending(), open_source=camera)
    rec.wait_for(lambda: len(rec.samples) >= 3)
    zoom = holder("zoom")
    call = zoom.stream()  # opens the camera and starts streaming, as a call does
    first = camera.opened[0]
    assert first.closed_at is not None
    opened = call["opened"]
    assert isinstance(opened, float) and first.closed_at - opened < 0.1
    assert call["streaming"] is not None  # the call got the camera
    rec.wait_for(last_is(rec, "lent", "Paused while Zoom uses the camera."))
    lent = rec.statuses[-1]
    assert not lent.is_fault and lent.holders == ("Zoom",) and lent.since is not None
    count = len(rec.samples)
    time.sleep(0.5)
    assert len(rec.samples) == count and monitor.source is None  # nothing read meanwhile
    closed = zoom.close()
    rec.wait_for(last_is(rec, "running"))
    back = rec.statuses[-2]
    assert (back.kind, back.message) == ("lent", "Zoom has finished with the camera; going "
                                                 "on in a moment.")
    assert back.since == lent.since  # one lending
    assert rec.status_times[-1] - closed >= GRACE_S
    assert kinds(rec)[-4:] == ["running", "lent", "lent", "running"]
    rec.wait_for(lambda: len(rec.samples) > count + 3)
    assert len(camera.opened) == 2 and monitor.source is camera.opened[1]


def test_lend_monitor_keeps_the_calibration_and_starts_the_timers_fresh(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    """Calibrated on the upright start, tilted until the call: the tilt held before the call
    never alerts; after it, the tilt alerts a whole dwell after the camera came back."""
    config = apply_overrides(lending(), {"alerts": {"head_tilt": {"dwell_s": 3.0}}})
    camera = Camera(device, clips["upright_then_tilted"], clips["tilted"])
    monitor, rec = run_monitor("0", config, open_source=camera)
    monitor.recalibrate(1.0)
    rec.wait_for(lambda: bool(rec.calibrations), timeout=60)
    calibration = monitor.engine.calibration
    assert calibration is not None
    rec.wait_for(lambda: "head_tilt" in rec.samples[-1].problems, timeout=60)
    zoom = holder("zoom")
    zoom.stream()
    rec.wait_for(last_is(rec, "lent"))
    assert rec.alerts == []  # lent before the dwell had passed
    lent_at = len(rec.samples)
    time.sleep(1.0)
    zoom.close()
    rec.wait_for(lambda: bool(rec.alerts), timeout=60)
    after = rec.samples[lent_at:]
    assert monitor.engine.calibration is calibration  # kept, not taken or loaded again
    assert len(rec.calibrations) == 1
    alert = rec.alerts[0]
    assert alert.problem == "head_tilt"
    assert alert.t - after[0].t >= 3.0 - 0.2  # a whole dwell after the camera came back
    assert alert.held_s == pytest.approx(3.0, abs=1.0)  # not counting what came before


def test_lend_monitor_to_a_holder_that_opens_and_closes_repeatedly(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    camera = Camera(device, clips["tilted"])
    _, rec = run_monitor("0", lending(0.4), open_source=camera)
    rec.wait_for(last_is(rec, "running"))
    obs = holder("obs")
    obs.open()
    rec.wait_for(last_is(rec, "lent", "Paused while obs uses the camera."))
    for _ in range(6):  # a program that reopens the camera while it sets up
        obs.close()
        time.sleep(0.15)
        obs.open()
    last = obs.close()
    rec.wait_for(last_is(rec, "running"))
    assert rec.status_times[-1] - last >= 0.4  # only a grace after the last close
    assert kinds(rec).count("running") == 2  # never running in between


def test_lend_monitor_to_two_holders_at_once(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    camera = Camera(device, clips["tilted"])
    _, rec = run_monitor("0", lending(), open_source=camera)
    rec.wait_for(last_is(rec, "running"))
    zoom, obs = holder("zoom"), holder("obs")
    zoom.stream()
    rec.wait_for(last_is(rec, "lent", "Paused while Zoom uses the camera."))
    obs.open()
    rec.wait_for(lambda: set(rec.statuses[-1].holders) == {"Zoom", "obs"})
    assert rec.statuses[-1].message in ("Paused while Zoom and obs use the camera.",
                                        "Paused while obs and Zoom use the camera.")
    zoom.close()
    rec.wait_for(last_is(rec, "lent", "Paused while obs uses the camera."))
    time.sleep(2 * GRACE_S)
    assert rec.statuses[-1].kind == "lent"  # obs still has it
    obs.close()
    rec.wait_for(last_is(rec, "running"))


def test_lend_monitor_takes_back_from_a_holder_killed_while_holding(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    camera = Camera(device, clips["tilted"])
    _, rec = run_monitor("0", lending(), open_source=camera)
    rec.wait_for(last_is(rec, "running"))
    zoom = holder("zoom")
    zoom.stream()
    zoom.open()
    rec.wait_for(last_is(rec, "lent"))
    zoom.kill()  # SIGKILL with the camera open twice, streaming from one
    rec.wait_for(last_is(rec, "running"))
    assert len(camera.opened) == 2


def test_lend_monitor_faults_and_retries_when_the_camera_disappears_while_lent(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    camera = Camera(device, clips["tilted"])
    _, rec = run_monitor("0", lending(), open_source=camera, retry_delays=(0.1,))
    rec.wait_for(last_is(rec, "running"))
    zoom = holder("zoom")
    zoom.stream()
    rec.wait_for(last_is(rec, "lent"))
    device.unlink()  # unplugged while the call has it
    rec.wait_for(last_is(rec, "camera_missing"))
    assert rec.statuses[-1].is_fault
    device.write_bytes(b"\0" * 16)  # plugged in again (a new device node)
    rec.wait_for(last_is(rec, "running"))
    zoom.close()  # the call ends on the old node: nothing to do with the new one
    time.sleep(2 * GRACE_S)
    assert rec.statuses[-1].kind == "running"


def test_lend_monitor_never_lends_to_its_own_opens(
        device: Path, clips: dict[str, Path], run_monitor: RunMonitor) -> None:
    """Reconnects, camera listing and the Settings window's picture happen in neckline's own
    process: none of them is a call."""
    camera = Camera(device, clips["tilted"])
    monitor, rec = run_monitor("0", lending(), open_source=camera)
    rec.wait_for(last_is(rec, "running"))
    for _ in range(10):
        os.close(os.open(device, os.O_RDONLY))  # a look at the camera, as Settings takes
    picture = os.open(device, os.O_RDONLY)  # a picture held for a while
    list_cameras()
    time.sleep(0.3)
    os.close(picture)
    monitor.pause()  # a reconnect: the monitor closes and opens the camera again
    rec.wait_for(last_is(rec, "paused"))
    monitor.resume()
    rec.wait_for(lambda: last_is(rec, "running")() and len(camera.opened) == 2)
    monitor.set_config(lending(1.0))
    time.sleep(0.5)
    assert "lent" not in kinds(rec)


def test_lend_monitor_at_start_when_a_call_has_the_camera_already(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    zoom = holder("zoom")
    zoom.stream()
    camera = Camera(device, clips["tilted"])
    _, rec = run_monitor("0", lending(), open_source=camera)
    rec.wait_for(last_is(rec, "lent", "Paused while Zoom uses the camera."))
    assert "camera_busy" not in kinds(rec)  # the same calm state, not a fault
    assert camera.opened == []  # it could not be opened: busy
    zoom.close()
    rec.wait_for(last_is(rec, "running"))


def test_lend_monitor_turned_off_keeps_the_camera_and_says_busy(
        device: Path, clips: dict[str, Path], holder: Callable[..., Holder],
        run_monitor: RunMonitor) -> None:
    camera = Camera(device, clips["tilted"])
    off = lending(lend_to_other_apps=False)
    monitor, rec = run_monitor("0", off, open_source=camera, retry_delays=(0.1,))
    rec.wait_for(last_is(rec, "running"))
    assert monitor.lending.lender is None
    zoom = holder("zoom")
    call = zoom.stream(wait_s=0.5)
    assert call["busy"] and call["streaming"] is None  # the call found the camera busy
    assert "lent" not in kinds(rec)
    monitor.set_config(lending())  # turned on: lent at once to the program holding it
    rec.wait_for(last_is(rec, "lent", "Paused while Zoom uses the camera."))
    assert zoom.stream()["streaming"] is not None  # now the call gets it
    monitor.set_config(off)  # off while lent: the camera is wanted back, and busy
    rec.wait_for(last_is(rec, "camera_busy"))
