"""Shared fixtures: isolated user directories, real photos, generated videos, the live monitor,
the app."""

from __future__ import annotations

import os
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # widget tests never need a display
# Nor the user's session bus: desktop notifications are tested on a bus of their own
# (tests/desktop.py), and elsewhere the app shows its own alert card.
os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from monitoring import Recorder, RunMonitor
from neckline.app.appstate import AppState
from neckline.app.controller import AppController
from neckline.capture.demo import Person, grace_hopper, write_video
from neckline.config import Config
from neckline.live.monitor import Monitor
from neckline.posture.alerts import Alert


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config, calibrations or cache."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    from skimage import data

    return np.ascontiguousarray(data.astronaut()[:, :, ::-1])  # RGB -> BGR


@pytest.fixture(scope="session")
def hopper() -> np.ndarray:
    return grace_hopper()


@pytest.fixture(scope="session")
def videos(tmp_path_factory: pytest.TempPathFactory, hopper: np.ndarray,
           astronaut: np.ndarray) -> dict[str, Path]:
    """Generated 10 fps videos of a real photo; calibration in the first 5 s of each."""
    folder = tmp_path_factory.mktemp("videos")
    upright = Person(hopper, 380, (320, 270))
    tilted = Person(hopper, 380, (320, 270), angle_deg=16.0)
    small_tilted = Person(astronaut, 130, (560, 110), angle_deg=-25.0)
    glances: list[tuple[float, list[Person]]] = [(10, [upright])]
    for _ in range(8):
        glances += [(3, [tilted]), (7, [upright])]
    specs: dict[str, list[tuple[float, list[Person]]]] = {
        "held_tilt": [(10, [upright]), (70, [tilted]), (10, [upright])],
        "glances": glances,
        "away": [(10, [upright]), (70, []), (5, [upright])],
        "second_person": [(10, [upright]), (70, [upright, small_tilted])],
        "nobody": [(8, [])],
        "upright": [(40, [upright])],
    }
    return {name: write_video(folder / f"{name}.avi", segments)
            for name, segments in specs.items()}


@pytest.fixture
def run_monitor() -> Iterator[RunMonitor]:
    """Starts the live monitor in a thread of its own; stopped and checked at the end."""
    started: list[tuple[Monitor, threading.Thread]] = []

    def start(source: str, config: Config | None = None, **kw: object) -> tuple[Monitor,
                                                                               Recorder]:
        recorder = Recorder()
        monitor = Monitor(config or Config(), source, recorder, **kw)  # type: ignore[arg-type]
        thread = threading.Thread(target=monitor.run, daemon=True)
        thread.start()
        started.append((monitor, thread))
        return monitor, recorder

    yield start
    for monitor, thread in started:
        monitor.stop()
        thread.join(10)
        assert not thread.is_alive()
        assert monitor.source is None  # the camera/video is released at the end
        assert monitor.lending.lender is None  # and no longer watched


Make = Callable[..., AppController]


@pytest.fixture
def make(qtbot: QtBot) -> Iterator[Make]:
    made: list[AppController] = []

    def build(source: Path | str, config: Config | None = None, *, onboarded: bool = True,
              tray: bool = False, speed: float = 4.0,
              history_path: Path | None = None) -> AppController:
        controller = AppController(config or Config(), str(source), speed=speed, tray=tray,
                                   state=AppState(onboarded=onboarded),
                                   history_path=history_path)
        made.append(controller)
        controller.start()
        return controller

    yield build
    for controller in made:
        controller.shutdown()


def alert(problem: str = "head_tilt", value: float = 14.0) -> Alert:
    """An alert as the engine raises it, offering the first two stretches for a tilted head."""
    return Alert(80.0, problem, 61.0, value, ("upper_trapezius_side_bend", "levator_scapulae"))
