"""Screenshots of the real app for the README, taken on a real X display.

Run through scripts/screenshots.sh (Xvfb + a window manager + a tray host). Starts the app as
a new user would (fresh settings, onboarding), on the demo video, and captures: the onboarding
wizard, calibration in progress and done, the main window, an alert toast over the strained
window, the stretch guide the toast opens, a guided stretch checked live on the video, and
the statistics window, for which three weeks of
simulated history (benchmarks/history_scale.py's generator) are put in the fresh profile first.
Writes docs/screenshots/*.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# The real X display (history_scale, imported below, defaults Qt to offscreen for its own
# benchmark: that hid the tray and shrank the screen to 800x800 in earlier screenshots).
os.environ["QT_QPA_PLATFORM"] = "xcb"
HOME = Path(tempfile.mkdtemp(prefix="neckline-shots-"))
for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
    os.environ[var] = str(HOME / var.lower())

from PyQt6.QtCore import QTimer  # noqa: E402
from PyQt6.QtWidgets import QApplication, QWidget  # noqa: E402

from neckline.app.appstate import AppState  # noqa: E402
from neckline.app.controller import AppController  # noqa: E402
from neckline.capture.demo import demo_video  # noqa: E402
from neckline.config import Config, apply_overrides  # noqa: E402
from neckline.history.db import default_db_path  # noqa: E402
from neckline.posture.breaks import DeskEvent, DeskEventKind  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from history_scale import build  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def grab(name: str, widget: QWidget | None) -> None:
    """The window's own rendering, whole (a grab of the screen cut windows that reach past
    the part of the virtual screen Qt reports)."""
    assert widget is not None
    widget.grab().save(str(OUT / f"{name}.png"))
    print(f"saved {name}.png", flush=True)


def screen(name: str) -> None:
    """The whole screen (a notification is the desktop's window, not ours)."""
    subprocess.run(["import", "-window", "root", str(OUT / f"{name}.png")], check=True)
    print(f"saved {name}.png", flush=True)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    build(default_db_path(), date.today() - timedelta(days=1), days=21)
    video = demo_video(HOME / "video")
    # The alert card for the card screenshots; the desktop's notifications later, for a break.
    config = apply_overrides(Config(), {"app": {"alert_style": "toast"}})
    c = AppController(config, str(video), state=AppState(onboarded=False))
    c.start()
    steps: list[tuple[Callable[[], bool], Callable[[], None]]] = []

    def wizard() -> QWidget:
        assert c.wizard is not None
        return c.wizard

    def start_calibration() -> None:
        w = c.wizard
        assert w is not None
        w.pages.setCurrentIndex(w.pages.count() - 1)
        w._update_nav()
        w.start()

    def guide() -> Any:
        assert c.guide is not None
        return c.guide

    def show_stretch() -> None:
        c.delivery.toasts[-1].stretch_button.click()

    steps += [
        (lambda: c.session.display_state() == "good", lambda: grab("onboarding", wizard())),
        (lambda: True, start_calibration),
        (lambda: c.wizard is not None and c.wizard.progress.value() >= 40,
         lambda: grab("calibration", wizard())),
        (lambda: c.wizard is not None and c.wizard.calibration is not None,
         lambda: grab("calibration-done", wizard())),
        (lambda: True, lambda: wizard().accept()),
        (lambda: c.session.sample is not None and c.session.sample.t > 13,
         lambda: grab("main-window", c.window)),
        (lambda: bool(c.delivery.toasts), lambda: None),
        (lambda: True, lambda: grab("alert-toast", c.delivery.toasts[-1])),
        (lambda: True, show_stretch),
        (lambda: c.guide is not None and c.guide.isVisible(), lambda: None),
        (lambda: True, lambda: grab("stretch-guide", c.guide)),
        (lambda: True, lambda: guide().start_guided()),
        (lambda: guide().guided is not None and guide().guided.guided.held_s > 4,
         lambda: grab("guided-stretch", guide().guided)),
        (lambda: True, lambda: guide().guided.close()),
        (lambda: True, lambda: c.open_statistics().show_period("month")),
        (lambda: c.stats_window is not None and c.stats_window.isVisible()
         and not c.stats_window.reading, lambda: None),
        (lambda: True, lambda: grab("statistics", c.stats_window)),
        (lambda: True, lambda: c.open_settings()),
        (lambda: c.settings is not None and c.settings.isVisible(), lambda: None),
        (lambda: True, lambda: grab("settings", c.settings)),
        (lambda: True, lambda: c.settings.reject() if c.settings else None),
        # A break reminder through the desktop's notifications (dunst), over the main window.
        (lambda: True, lambda: c.apply_config(
            apply_overrides(c.config, {"app": {"alert_style": "notification"}}))),
        (lambda: True, c.show_window),
        (lambda: True, lambda: c._remind_break(DeskEvent(DeskEventKind.REMINDER, 1800.0, 0.0,
                                                         1800.0))),
        (lambda: True, lambda: screen("break-notification")),
        # Dark.
        (lambda: True, lambda: c.apply_config(
            apply_overrides(c.config, {"app": {"theme": "dark"}}))),
        (lambda: True, lambda: grab("dark-main-window", c.window)),
        (lambda: True, lambda: c.open_stretches("head_tilt")),
        (lambda: True, lambda: grab("dark-stretch-guide", c.guide)),
        (lambda: True, lambda: c.open_statistics().show_period("month")),
        (lambda: c.stats_window is not None and not c.stats_window.reading,
         lambda: grab("dark-statistics", c.stats_window)),
        (lambda: True, app.quit),
    ]

    def tick() -> None:
        if steps and steps[0][0]():
            _, action = steps.pop(0)
            action()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(700)
    QTimer.singleShot(240_000, app.quit)  # never hang
    app.aboutToQuit.connect(c.shutdown)
    app.exec()
    return 0 if not steps else 1


if __name__ == "__main__":
    sys.exit(main())
