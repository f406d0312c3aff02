"""The app on GNOME, as most Linux users have it: GNOME Shell 43 on Wayland, its own
notifications, its lock screen and no tray (tests/gnome.py). One run as a new user would go:
the first-run wizard and Settings fit a 1280 x 720 work area, the app is "neckline" to the
desktop (not "python3"), an alert comes as a GNOME notification while typing goes on in
another window, a click on it opens the stretch, a lock pauses and an unlock resumes, a second
start brings the window forward and Ctrl+Q quits."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from gnome import Gnome, gnome, gnome_installed
from neckline.capture.demo import Person, grace_hopper, write_video

WORK_AREA = (1280, 720)  # the session's 1280 x 752 screen under GNOME's top bar
TITLE_BAR = 48  # what the window's frame adds around what AT-SPI measures, at most
CONFIG = """[alerts]
cooldown_s = 0
[alerts.head_tilt]
dwell_s = 8
[alerts.shoulders_uneven]
enabled = false
[app]
alert_style = "toast"
"""


def _video(folder: Path) -> Path:
    """Upright, then the head and body tilted 16 degrees for 16 s, again and again."""
    photo = grace_hopper()
    upright = Person(photo, 380, (320, 270))
    tilted = Person(photo, 380, (320, 270), angle_deg=16.0)
    return write_video(folder / "tilts.avi", [(4, [upright]), (16, [tilted]), (6, [upright])])


def _fits(g: Gnome, title: str) -> None:
    width, height = g.sizes()[title]
    assert width <= WORK_AREA[0] and height + TITLE_BAR <= WORK_AREA[1], (title, width, height)


def _wait_for(check: object, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def test_a_day_on_gnome(tmp_path: Path) -> None:
    assert gnome_installed(), "GNOME Shell is missing: ./test.sh installs it"
    video = _video(tmp_path)
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    with gnome(tmp_path) as g:
        env = dict(g.env, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", WAYLAND_DEBUG="client")
        notes = (tmp_path / "notifications.log").open("w")
        monitor = subprocess.Popen(["dbus-monitor", "--session",
                                    "interface='org.freedesktop.Notifications'"],
                                   env=env, stdout=notes, stderr=subprocess.DEVNULL)
        stderr = (tmp_path / "app.err").open("w")
        app = subprocess.Popen([sys.executable, "-m", "neckline", "--config", str(config),
                                "--source", str(video)], env=env, stdout=subprocess.DEVNULL,
                               stderr=stderr)
        editor = None
        try:
            # First run: the wizard, on top, fitting the screen; Esc puts it off.
            g.wait_for_text("Welcome to neckline")
            _fits(g, "Welcome to neckline")
            g.shot("wizard.png")
            g.key("Escape")
            _wait_for(lambda: "Welcome to neckline" not in g.text(), "the wizard stayed")
            # Settings fit the screen too (Ctrl+, in the main window, which has the keys).
            g.key("ctrl+comma")
            g.wait_for_text("neckline settings")
            _fits(g, "neckline settings")
            assert "alerts come as its notifications" in g.text()  # the card style is moot
            g.shot("settings.png")
            g.key("Escape")
            _wait_for(lambda: "neckline settings" not in g.text(), "Settings stayed")
            said = g.text()
            assert "shows no tray icons" in said and "closing it quits" in said

            # Typing in another window: an alert comes as GNOME's notification and the
            # keyboard stays where it was.
            editor, typed = _editor(g, tmp_path, "first")
            g.type("ab")
            _wait_for(lambda: "member=Notify" in (tmp_path / "notifications.log").read_text(),
                      "no notification came", timeout=90)
            g.shot("alert.png")
            g.click(WORK_AREA[0] // 2, 70)  # on the banner: the stretch for that strain
            g.wait_for_text("neckline stretch guide")
            log = (tmp_path / "notifications.log").read_text()
            assert 'string "Head tilted"' in log and "member=ActionInvoked" in log
            g.shot("guide.png")
            assert "TEXT 'ab'" in typed.read_text()
            editor.kill()
            editor.wait(timeout=10)

            # A second alert while typing in a new window: every key reaches it.
            editor, typed = _editor(g, tmp_path, "second")
            count = log.count("member=Notify")
            g.type("cd")
            _wait_for(lambda: (tmp_path / "notifications.log").read_text()
                      .count("member=Notify") > count, "no second notification", 90)
            g.type("ef")
            _wait_for(lambda: "TEXT 'cdef'" in typed.read_text(),
                      "typing went elsewhere: " + typed.read_text()[-300:], timeout=10)

            # A real lock pauses monitoring; unlocking resumes it.
            _gnome_screensaver(g, "Lock")
            g.wait_for_text("screen is locked")
            _gnome_screensaver(g, "SetActive", "false")
            _wait_for(lambda: "screen is locked" not in g.text(), "the unlock was not heard")

            # A second start brings the window forward; Ctrl+Q there quits.
            again = subprocess.run([sys.executable, "-m", "neckline"], env=g.env,
                                   capture_output=True, text=True, timeout=60, check=False)
            assert again.returncode == 0 and "brought forward" in again.stdout, again.stderr
            time.sleep(1)
            g.shot("forward.png")
            g.key("ctrl+q")
            app.wait(timeout=30)
        finally:
            for process in (app, editor, monitor):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
            stderr.close()
            notes.close()
    err = (tmp_path / "app.err").read_text(errors="replace")
    assert app.returncode == 0
    assert 'set_app_id("neckline")' in err and 'set_app_id("python3")' not in err
    assert "Traceback" not in err


def _editor(g: Gnome, folder: Path, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    """A new editor window, which GNOME gives the keyboard; what it is typed goes to a log."""
    log = folder / f"editor-{name}.log"
    with log.open("w") as out:
        editor = subprocess.Popen([sys.executable, "-c", EDITOR], env=g.env, stdout=out,
                                  stderr=subprocess.DEVNULL)
    _wait_for(lambda: "FOCUS Typing here" in log.read_text(),
              "the editor did not get the keyboard")
    return editor, log


def _gnome_screensaver(g: Gnome, method: str, *args: str) -> None:
    subprocess.run(["gdbus", "call", "--session", "--dest", "org.gnome.ScreenSaver",
                    "--object-path", "/org/gnome/ScreenSaver", "--method",
                    f"org.gnome.ScreenSaver.{method}", *args], env=g.env, check=True,
                   capture_output=True, timeout=30)


# A stand-in editor: a window with a text field that prints what it receives and when it gains
# or loses the keyboard.
EDITOR = """
import sys, time
from PyQt6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication(sys.argv)
app.setDesktopFileName("typing-here")
w = QPlainTextEdit()
w.setWindowTitle("Typing here")
w.resize(500, 300)
w.textChanged.connect(lambda: print("TEXT", repr(w.toPlainText()), flush=True))
app.focusWindowChanged.connect(
    lambda win: print(time.strftime("%T"), "FOCUS", win.title() if win else None, flush=True))
w.show()
app.exec()
"""
