"""Nothing leaves the machine: no network call at all from `analyze` or the app, seen with
strace, and no usage-logging uploader in the installed MediaPipe (Google's 1.x wheels carry
one that contacts play.googleapis.com whenever a model loads; see pyproject.toml)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import mediapipe

from desktop import desktop

NETWORK_FAMILIES = re.compile(r"socket\((AF_INET|AF_INET6|AF_PACKET)")
UPLOADER_MARKS = (b"play.googleapis.com", b"clearcut")


def network_calls(trace: Path) -> list[str]:
    return [line for line in trace.read_text().splitlines() if NETWORK_FAMILIES.search(line)
            or ("connect(" in line and "AF_UNIX" not in line and "AF_NETLINK" not in line
            and "resumed" not in line)]


def test_the_installed_mediapipe_carries_no_usage_uploader() -> None:
    libraries = list(Path(mediapipe.__file__).parent.rglob("*.so"))
    assert libraries
    for library in libraries:
        data = library.read_bytes().lower()
        assert not [mark for mark in UPLOADER_MARKS if mark in data], library


def test_analyze_makes_no_network_call(tmp_path: Path, videos: dict[str, Path]) -> None:
    trace = tmp_path / "trace"
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=execve,socket,connect", "-o", str(trace),
                    sys.executable, "-m", "neckline", "analyze", str(videos["held_tilt"]),
                    "--calibrate", "5", "--json"], check=True, capture_output=True,
                   timeout=300)
    assert "execve(" in trace.read_text()  # strace saw the command
    assert network_calls(trace) == []


def test_the_app_makes_no_network_call(tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    with desktop() as d:
        env = dict(d.env, XDG_CONFIG_HOME=str(tmp_path / "config"),
                   XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))
        app = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=socket,connect", "-o",
                                str(trace), sys.executable, "-m", "neckline", "--source",
                                "demo"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        try:
            d.wait_for_window("neckline", timeout=120)
            time.sleep(8)  # monitoring, the history recorder writing
            neckline = subprocess.run(["pgrep", "-P", str(app.pid)], capture_output=True,
                                      text=True, check=True).stdout.split()
            assert len(neckline) == 1
            os.kill(int(neckline[0]), signal.SIGTERM)
            app.communicate(timeout=60)
        finally:
            if app.poll() is None:
                app.kill()
    text = trace.read_text()
    assert "AF_UNIX" in text  # the trace saw the app talk to the X server
    assert network_calls(trace) == [], text[-2000:]
