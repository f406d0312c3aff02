"""A real GNOME desktop for the tests: GNOME Shell 43 on Wayland, headless, with its own
notifications, lock screen, a private system bus (logind's stand-in for the lock is
``gnome_tools.py gdm``), screenshots, keyboard and mouse, and the windows' text over AT-SPI.
What most Linux users run; ``scripts/bootstrap.sh test`` installs it (Debian's gnome-shell)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from desktop import stop

TOOLS = Path(__file__).with_name("gnome_tools.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # with python3-gi, which the venv has not
SYSTEM_BUS = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path={socket}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/><allow user="*"/></policy></busconfig>
"""


@dataclass
class Gnome:
    folder: Path
    env: dict[str, str]
    size: str
    shots: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def tool(self, *args: str, timeout: float = 30) -> str:
        done = subprocess.run([SYSTEM_PYTHON, str(TOOLS), *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)
        assert done.returncode == 0, f"gnome_tools {' '.join(args)}: {done.stderr}"
        return done.stdout

    def shot(self, name: str) -> Path:
        """A screenshot, kept in the folder the test gave (``shots``)."""
        path = self.shots / name
        self.tool("shot", str(path))
        return path

    def key(self, *combos: str) -> None:
        self.tool("key", *combos)

    def type(self, text: str) -> None:
        self.tool("type", text)

    def click(self, x: int, y: int) -> None:
        self.tool("click", str(x), str(y))

    def text(self, app: str = "neckline") -> str:
        return self.tool("text", app)

    def sizes(self, app: str = "neckline") -> dict[str, tuple[int, int]]:
        """Each window of ``app``: its title and size in pixels."""
        out = {}
        for line in self.tool("sizes", app).splitlines():
            size, _, title = line.partition("\t")
            width, height = (int(v) for v in size.split("x"))
            out[title] = (width, height)
        return out

    def wait_for_text(self, words: str, app: str = "neckline", timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            said = self.text(app)
            if words in said:
                return said
            assert time.monotonic() < deadline, f"{words!r} not shown; the windows say:\n{said}"
            time.sleep(0.5)


def gnome_installed() -> bool:
    return shutil.which("gnome-shell") is not None and Path(SYSTEM_PYTHON).exists()


@contextmanager
def gnome(shots: Path, size: str = "1280x752") -> Iterator[Gnome]:
    """A GNOME session of ``size`` (the default leaves a 1280 x 720 work area under the top
    bar), stopped afterwards with everything it started."""
    folder = Path(tempfile.mkdtemp(prefix="neckline-gnome-"))
    runtime, home = folder / "rt", folder / "home"
    runtime.mkdir(mode=0o700)
    home.mkdir()
    socket = folder / "system_bus"
    (folder / "system.conf").write_text(SYSTEM_BUS.format(socket=socket))
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM",
                        "DBUS_SESSION_BUS_ADDRESS")}
    env.update(XDG_RUNTIME_DIR=str(runtime), HOME=str(home),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local/state"),
               DBUS_SYSTEM_BUS_ADDRESS=f"unix:path={socket}", XDG_SESSION_TYPE="wayland",
               XDG_CURRENT_DESKTOP="GNOME", XDG_SESSION_DESKTOP="gnome",
               DESKTOP_SESSION="gnome", GNOME_SIZE=size)
    g = Gnome(folder, env, size, shots)
    shell: subprocess.Popen[bytes] | None = None
    try:
        g.processes.append(subprocess.Popen(
            ["dbus-daemon", f"--config-file={folder / 'system.conf'}", "--nofork"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(socket.exists, "the system bus did not start")
        g.processes.append(subprocess.Popen([SYSTEM_PYTHON, str(TOOLS), "gdm"], env=env,
                                            stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL))
        name = f"wayland-neckline-{os.getpid()}"
        with (folder / "shell.log").open("wb") as log:
            shell = subprocess.Popen(
                ["dbus-run-session", "--", "sh", "-c",
                 f'echo "$DBUS_SESSION_BUS_ADDRESS" > "{folder}/bus"; exec gnome-shell '
                 f"--headless --wayland --virtual-monitor {size} --wayland-display {name}"],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def started() -> bool:
            text = (folder / "shell.log").read_text(errors="replace")
            return "GNOME Shell started" in text and (folder / "bus").exists()

        _wait(started, "GNOME Shell did not start", 90,
              lambda: (folder / "shell.log").read_text(errors="replace")[-3000:])
        text = (folder / "shell.log").read_text(errors="replace")
        found = re.search(r"Using public X11 display (:\d+)", text)
        env.update(DBUS_SESSION_BUS_ADDRESS=(folder / "bus").read_text().strip(),
                   WAYLAND_DISPLAY=name, **({"DISPLAY": found.group(1)} if found else {}))
        subprocess.run(["dbus-update-activation-environment", "DISPLAY", "WAYLAND_DISPLAY",
                        "XDG_CURRENT_DESKTOP", "XDG_SESSION_TYPE", "XDG_RUNTIME_DIR", "HOME",
                        "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                        "DBUS_SYSTEM_BUS_ADDRESS"], env=env, check=False, timeout=30,
                       capture_output=True)
        g.key("Escape")  # a new session opens in the overview: to the desktop
        yield g
    finally:
        if shell is not None:  # the shell and everything its session bus started
            _end_session(shell)
        stop(g.processes)
        doc = runtime / "doc"  # the document portal's FUSE mount
        if doc.is_mount():
            subprocess.run(["fusermount3", "-uz", str(doc)], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _end_session(shell: subprocess.Popen[bytes]) -> None:
    """Ends every process of the shell's session (``setsid``: services its bus started on
    demand, the portals, dconf, outlive the shell otherwise)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        members = [int(pid) for pid, sid in (line.split() for line in subprocess.run(
            ["ps", "-eo", "pid=,sid="], capture_output=True, text=True, check=False
        ).stdout.splitlines()) if int(sid) == shell.pid]
        for pid in members:
            with _quiet():
                os.kill(pid, sig)
        try:
            shell.wait(timeout=15)
            time.sleep(0.5)
        except subprocess.TimeoutExpired:
            continue


def _wait(ready: Callable[[], bool], failure: str, timeout: float = 20,
          why: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert time.monotonic() < deadline, f"{failure}: {why()}"
        time.sleep(0.1)


def _quiet() -> contextlib.suppress:
    return contextlib.suppress(ProcessLookupError)
