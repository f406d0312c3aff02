"""The app lends its camera to a video call, on a real X server with a tray: what the window
and the tray say while the call has the camera, that it goes on after, and the call's time in
the history (the camera is a stand-in: tests/standin.py)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from desktop import desktop
from neckline.capture.demo import Person, grace_hopper, write_video
from standin import Holder

RUNNER = Path(__file__).parents[1] / "lending_app.py"


def test_lend_the_app_says_who_has_the_camera_and_counts_the_call(tmp_path: Path) -> None:
    device = tmp_path / "video0"
    device.write_bytes(b"\0" * 16)
    data = tmp_path / "data"
    apps = data / "applications"
    apps.mkdir(parents=True)
    (apps / "zoom.desktop").write_text("[Desktop Entry]\nType=Application\nName=Zoom\n"
                                       "Exec=/usr/bin/zoom %U\n")
    video = write_video(tmp_path / "upright.avi",
                        [(20, [Person(grace_hopper(), 380, (320, 270))])])
    history = tmp_path / "history.db"
    seen: list[dict[str, str]] = []
    with desktop() as d:
        env = dict(d.env, XDG_DATA_HOME=str(data), XDG_DATA_DIRS=str(tmp_path / "none"),
                   XDG_CONFIG_HOME=str(tmp_path / "config"))
        app = subprocess.Popen([sys.executable, str(RUNNER), str(device), str(video),
                                str(history)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        assert app.stdout is not None
        reader = threading.Thread(
            target=lambda: seen.extend(json.loads(line) for line in app.stdout), daemon=True)
        reader.start()
        call = None
        try:
            _until(seen, lambda s: s["kind"] == "running", "the app never ran")
            call = Holder(device, "zoom")
            call.stream()
            lent = _until(seen, lambda s: s["kind"] == "lent", "the camera was not lent")
            assert lent["detail"] == "Paused while Zoom uses the camera."
            assert lent["state"] == "Paused" and "Paused while Zoom uses the camera" in (
                lent["tray"] or "")
            time.sleep(3)  # the call goes on
            call.close()
            _until(seen, lambda s: s["kind"] == "running", "the camera was not taken back")
        finally:
            if call is not None:
                call.end()
            app.send_signal(signal.SIGTERM)
            _, err = app.communicate(timeout=60)
    assert app.returncode == 0 and "Traceback" not in err, err
    with sqlite3.connect(history) as connection:
        rows = connection.execute("SELECT seconds, holder FROM lent").fetchall()
    assert len(rows) == 1 and rows[0][1] == "Zoom" and 3.0 <= rows[0][0] <= 6.0, rows


def _until(seen: list[dict[str, str]], check: object, what: str,
           timeout: float = 60.0) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    start = len(seen)
    while time.monotonic() < deadline:
        for said in seen[start:]:
            if check(said):  # type: ignore[operator]
                return said
        time.sleep(0.2)
    raise AssertionError(f"{what}: the app said {seen[-3:]}")
