"""``neckline`` with no command: the desktop app, one instance per user."""

from __future__ import annotations

import getpass
import os
import signal
import sys

from PyQt6.QtCore import QTimer
from PyQt6.QtNetwork import QLocalServer, QLocalSocket
from PyQt6.QtWidgets import QApplication

from neckline.config import Config
from neckline.errors import NecklineError


def _server_name() -> str:
    return f"neckline-{getpass.getuser()}"


def _bring_forward_running_instance() -> bool:
    socket = QLocalSocket()
    socket.connectToServer(_server_name())
    if not socket.waitForConnected(500):
        return False
    socket.write(b"show\n")
    socket.flush()
    socket.waitForBytesWritten(1000)
    socket.disconnectFromServer()
    return True


def run_app(config: Config, source: str | None) -> int:
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM") \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        raise NecklineError("No graphical display found (DISPLAY is not set); start neckline "
                            "from your desktop, or use `neckline analyze` in a terminal.")
    from neckline.app.controller import AppController

    app = QApplication(sys.argv[:1])
    app.setApplicationName("neckline")
    app.setQuitOnLastWindowClosed(False)
    if _bring_forward_running_instance():
        print("neckline is already running; its window has been brought forward.")
        return 0
    QLocalServer.removeServer(_server_name())
    server = QLocalServer()
    server.listen(_server_name())
    controller = AppController(config, source if source is not None else str(config.camera.index))

    def on_connection() -> None:
        connection = server.nextPendingConnection()
        if connection is not None:
            connection.disconnectFromServer()
        controller.show_window()

    server.newConnection.connect(on_connection)
    app.aboutToQuit.connect(controller.shutdown)
    # Ctrl-C and SIGTERM quit cleanly (the camera is released); a timer lets Python see them.
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(300)
    controller.start()
    code = app.exec()
    server.close()
    return code
