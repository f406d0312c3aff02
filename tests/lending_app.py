"""The desktop app on a stand-in camera (tests/standin.py), for the lending test on a real X
server: ``python tests/lending_app.py DEVICE VIDEO HISTORY``. Every half second it prints, as
one JSON line, what the user sees: the window's state and detail, and the tray's tooltip.
SIGTERM quits it as it quits the app."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))
from neckline.app.appstate import AppState
from neckline.app.controller import AppController
from neckline.config import apply_overrides, load_config
from standin import StandInCamera


def main(device: str, video: str, history: str) -> int:
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    config = apply_overrides(load_config(), {"camera": {"lend_grace_s": 1.0}})
    controller = AppController(
        config, "0", state=AppState(onboarded=True), history_path=Path(history),
        open_source=lambda spec, **_: StandInCamera(Path(device), Path(video), "stand-in"))
    app.aboutToQuit.connect(controller.shutdown)
    signal.signal(signal.SIGTERM, lambda *_: controller.quit())

    def say() -> None:
        w, tray = controller.window, controller.tray
        print(json.dumps({"state": w.state_label.text(), "detail": w.detail_label.text(),
                          "tray": tray.icon.toolTip() if tray else None,
                          "kind": controller.session.status.kind}), flush=True)

    timer = QTimer()
    timer.timeout.connect(say)
    timer.start(500)
    controller.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
