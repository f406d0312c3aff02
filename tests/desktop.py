"""A real desktop for the tests that need one: Xvfb, openbox, a trayer tray, and on request a
session bus with dunst as the notification daemon. Every piece is a real program; the test
suite's setup (``test.sh``) installs them."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

TRAY_CHECK = ("from PyQt6.QtWidgets import QApplication, QSystemTrayIcon; "
              "app = QApplication([]); print(QSystemTrayIcon.isSystemTrayAvailable())")


@dataclass
class Desktop:
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, *command: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def windows(self, name: str) -> list[str]:
        """Ids of the visible windows whose title is exactly ``name``."""
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{name}$"],
                               env=self.env, capture_output=True, text=True, check=False)
        return found.stdout.split()

    def wait_for_window(self, name: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while not (found := self.windows(name)):
            assert time.monotonic() < deadline, f"no window called {name!r} appeared"
            time.sleep(0.3)
        return found[0]


def _free_display() -> int:
    return next(n for n in range(90, 200) if not os.path.exists(f"/tmp/.X11-unix/X{n}")
                and not os.path.exists(f"/tmp/.X{n}-lock"))


# A session bus that starts no service on demand: the machine's own (dunst among them, which
# claims org.freedesktop.Notifications) stay out of a test that wants none.
BARE_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
"""


@contextmanager
def desktop(*, tray: bool = True, bus: bool = False, notifications: bool = True,
            on_demand: bool = False, dunst_config: Path | None = None) -> Iterator[Desktop]:
    """Starts an X server with a window manager (and a tray; and a session bus, when ``bus``,
    with dunst running as the notification service, or with none if ``notifications`` is
    False: then the bus starts dunst on demand only if ``on_demand``) and stops them all
    afterwards."""
    number = _free_display()
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM",
                                                             "DBUS_SESSION_BUS_ADDRESS")}
    env["DISPLAY"] = f":{number}"
    d = Desktop(env)
    try:
        d.start("Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp")
        deadline = time.monotonic() + 20
        while not os.path.exists(f"/tmp/.X11-unix/X{number}"):
            assert time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.1)
        if bus:
            config = ["--session"]
            if not notifications and not on_demand:
                bare = Path(tempfile.mkdtemp(prefix="neckline-bus-")) / "bus.conf"
                bare.write_text(BARE_BUS)
                config = [f"--config-file={bare}"]
            daemon = subprocess.Popen(["dbus-daemon", *config, "--nofork",
                                       "--print-address=1"], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL)
            d.processes.append(daemon)
            assert daemon.stdout is not None
            env["DBUS_SESSION_BUS_ADDRESS"] = daemon.stdout.readline().decode().strip()
            if notifications:
                d.start("dunst", *(["-config", str(dunst_config)] if dunst_config else []))
        d.start("openbox")
        if tray:
            d.start("trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
                    "--width", "120", "--height", "24")
            while subprocess.run([sys.executable, "-c", TRAY_CHECK], env=env,
                                 capture_output=True, text=True, check=False,
                                 timeout=30).stdout.strip() != "True":
                assert time.monotonic() < deadline + 20, "the tray did not start"
                time.sleep(0.3)
        yield d
    finally:
        stop(d.processes)


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """Ends ``processes``, the last started first: politely, then for good."""
    for process in reversed(processes):
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()

