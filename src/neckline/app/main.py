"""``neckline`` with no command: the desktop app, one instance per user, display and data folder."""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import re
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from importlib import resources

from PyQt6.QtCore import QLoggingCategory, QTimer, QtMsgType, qInstallMessageHandler
from PyQt6.QtGui import QIcon
from PyQt6.QtNetwork import QLocalServer, QLocalSocket
from PyQt6.QtWidgets import QApplication

from neckline.app.desktop_entry import ensure_identity
from neckline.capture.cameras import chosen_index, list_cameras
from neckline.config import Config, user_data_dir
from neckline.errors import NecklineError


def server_name() -> str:
    """One neckline per user, display and data folder: a neckline on another display (or with
    another HOME) is another desktop's and does not stop this one from starting."""
    where = f"{os.environ.get('WAYLAND_DISPLAY') or os.environ.get('DISPLAY', '')}\0" \
            f"{user_data_dir()}"
    return f"neckline-{getpass.getuser()}-{hashlib.sha256(where.encode()).hexdigest()[:12]}"


def _bring_forward_running_instance() -> bool:
    """Asks a neckline already running here to show its window, handing it the activation
    token this start was given (Wayland lets a program raise its window only with one: GNOME
    shows "neckline is ready" instead)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name())
    if not socket.waitForConnected(500):
        return False
    token = os.environ.get("XDG_ACTIVATION_TOKEN", "")
    socket.write(f"show {token}".strip().encode("utf-8", "replace")[:1000] + b"\n")
    socket.flush()
    if socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
        socket.waitForBytesWritten(1000)
    if socket.state() == QLocalSocket.LocalSocketState.ConnectedState:
        socket.waitForDisconnected(1000)  # the running one read it and hung up
    socket.abort()
    return True


def _listen_for_later_starts(server: QLocalServer, show: Callable[[str], None]) -> None:
    """A later start's "show [token]": the window is shown (raised with the token)."""

    def on_connection() -> None:
        connection = server.nextPendingConnection()
        if connection is None:
            return

        def answer() -> None:
            if not connection.canReadLine():
                return
            words = bytes(connection.readLine(1000)).decode("utf-8", "replace").split()
            connection.disconnectFromServer()
            if words[:1] == ["show"]:
                show(words[1] if len(words) > 1 else "")

        connection.readyRead.connect(answer)
        connection.disconnected.connect(connection.deleteLater)
        answer()

    server.newConnection.connect(on_connection)


def x_server_answers(display: str) -> bool:
    """Whether an X server accepts a connection for ``display`` (":0", "host:1.0"); an
    address of another form is left for Qt to try."""
    match = re.fullmatch(r"(?P<host>[^:/]*):(?P<number>\d+)(?:\.\d+)?", display)
    if match is None:
        return True
    host, number = match["host"], int(match["number"])
    if host in ("", "unix"):
        for address in (f"\0/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(2.0)
                try:
                    sock.connect(address)
                    return True
                except OSError:
                    continue
        return False
    try:
        socket.create_connection((host, 6000 + number), timeout=2.0).close()
        return True
    except OSError:
        return False


_WHY_QT_FAILED = re.compile(r"could not connect to display.*|Failed to create wl_display.*|"
                            r"Could not find the Qt platform plugin.*|"
                            r"Could not connect to any X display.*", re.IGNORECASE)


@contextlib.contextmanager
def _one_sentence_if_qt_fails() -> Iterator[None]:
    """While Qt starts: when no display can be used (a wrong DISPLAY, a dead Wayland socket, a
    platform that does not exist), Qt aborts after lines about plugins; neckline says why in
    one sentence and exits with status 2 instead."""
    said: list[str] = []

    def handler(kind: QtMsgType, _context: object, message: str | None) -> None:
        text = message or ""
        if kind != QtMsgType.QtFatalMsg:
            said.append(text)
            return
        why = next((m.group(0) for line in said if (m := _WHY_QT_FAILED.search(line))),
                   text.splitlines()[0] if text else "no reason given")
        platform = os.environ.get("QT_QPA_PLATFORM")
        sys.stderr.write(f"neckline: the desktop cannot be reached ("
                         f"{f'Qt platform {platform}: ' if platform else ''}"
                         f"{why.strip().rstrip('.')}); start neckline from your desktop "
                         "session, or use `neckline analyze` in a terminal.\n")
        sys.stderr.flush()
        os._exit(2)  # Qt aborts as soon as this returns

    qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(None)
    for line in said:  # what Qt said on the way to a working start still reaches the user
        print(line, file=sys.stderr)


def run_app(config: Config, source: str | None) -> int:
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM") \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        raise NecklineError("No graphical display found (DISPLAY is not set); start neckline "
                            "from your desktop, or use `neckline analyze` in a terminal.")
    display = os.environ.get("DISPLAY", "")
    if sys.platform.startswith("linux") and display and not os.environ.get("WAYLAND_DISPLAY") \
            and os.environ.get("QT_QPA_PLATFORM", "xcb") == "xcb" \
            and not x_server_answers(display):
        # Qt would abort (SIGABRT) with five lines about plugins; say it in one.
        raise NecklineError(f"No X server answers on DISPLAY={display}; start neckline from "
                            "your desktop session, or use `neckline analyze` in a terminal.")
    # Qt Multimedia (the chime, the camera names) prints a line for every optional library it
    # looks for and does not find (VA-API's libva, PipeWire), as it loads, and which FFmpeg it
    # uses. None of it is for the user (QT_LOGGING_RULES still overrides this).
    QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver*=false\n"
                                    "qt.multimedia.ffmpeg.info=false")
    from neckline.app.controller import AppController

    # Named to the desktop before any window maps: GNOME matches a window to its entry when
    # the window appears (written later, the generic icon stayed for a minute).
    named = ensure_identity() if sys.platform.startswith("linux") else None
    with _one_sentence_if_qt_fails():
        app = QApplication(sys.argv[:1])
    app.setApplicationName("neckline")
    # Its id on Wayland (and its X11 class): the desktop finds the name and icon by it.
    app.setDesktopFileName("neckline")
    app.setWindowIcon(QIcon(str(resources.files("neckline.app").joinpath("neckline.svg"))))
    app.setQuitOnLastWindowClosed(False)
    if _bring_forward_running_instance():
        print("neckline is already running; its window has been brought forward.")
        return 0
    QLocalServer.removeServer(server_name())
    server = QLocalServer()
    server.listen(server_name())
    if source is None:  # the camera chosen in Settings, wherever it is plugged in now
        source = str(chosen_index(config.camera, list_cameras()))
    controller = AppController(config, source)
    if named is not None:
        controller.window.show_notice(named)
    _listen_for_later_starts(server, controller.show_window)
    app.aboutToQuit.connect(controller.shutdown)
    # Ctrl-C and SIGTERM quit cleanly (the camera is released); a timer lets Python see them.
    signal.signal(signal.SIGINT, lambda *_: controller.quit())
    signal.signal(signal.SIGTERM, lambda *_: controller.quit())
    tick = QTimer()
    tick.timeout.connect(lambda: None)
    tick.start(300)
    controller.start()
    code = app.exec()
    server.close()
    return code
