"""Monitoring holds, and the camera is released, while the screen is locked or the machine
sleeps: the lock and sleep signals sent with dbus-send on a real bus (dbus-daemon)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from PyQt6.QtCore import QMetaType
from PyQt6.QtDBus import QDBusArgument, QDBusConnection, QDBusMessage, QDBusVariant
from pytestqt.qtbot import QtBot

from conftest import Make
from desktop import Desktop, desktop
from neckline.app.controller import AppController
from neckline.app.session_watch import SessionWatch


def send(d: Desktop, path: str, member: str, value: bool) -> None:
    subprocess.run(["dbus-send", "--bus=" + d.env["DBUS_SESSION_BUS_ADDRESS"],
                    "--type=signal", path, member, f"boolean:{str(value).lower()}"],
                   check=True, timeout=10)


def watched(d: Desktop, make: Make, video: Path) -> AppController:
    """The app on ``video``, hearing lock and sleep on the test's bus, which stands for both the
    session bus and the system bus (logind)."""
    bus = QDBusConnection.connectToBus(d.env["DBUS_SESSION_BUS_ADDRESS"],
                                       f"neckline-test-{time.monotonic()}")
    c = make(video, speed=1.0)
    c.pausing.use_session_watch(SessionWatch(session_bus=bus, system_bus=bus))
    assert c.pausing.watch.listening
    return c


def test_monitoring_holds_while_locked_or_asleep(qtbot: QtBot, make: Make,
                                                 videos: dict[str, Path]) -> None:
    with desktop(tray=False, bus=True, notifications=False) as d:
        c = watched(d, make, videos["upright"])
        qtbot.waitUntil(lambda: c.session.status.kind == "running", timeout=30000)

        send(d, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged",
             True)
        qtbot.waitUntil(lambda: c.session.status.kind == "paused", timeout=10000)
        assert c.worker.monitor.source is None  # the camera is released
        assert c.session.display_state() == "paused"
        assert "screen is locked" in c.window.detail
        count = c.worker.monitor.frames_analysed
        qtbot.wait(1500)
        assert c.worker.monitor.frames_analysed == count  # nothing analysed meanwhile
        send(d, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged",
             False)
        qtbot.waitUntil(lambda: c.session.status.kind == "running", timeout=10000)

        # GNOME's own screen saver, and sleep (logind's PrepareForSleep).
        send(d, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", True)
        qtbot.waitUntil(lambda: c.session.status.kind == "paused", timeout=10000)
        send(d, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver.ActiveChanged", False)
        qtbot.waitUntil(lambda: c.session.status.kind == "running", timeout=10000)
        send(d, "/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep",
             True)
        qtbot.waitUntil(lambda: c.session.status.kind == "paused", timeout=10000)
        assert "computer sleeps" in c.window.detail
        send(d, "/org/freedesktop/login1", "org.freedesktop.login1.Manager.PrepareForSleep",
             False)
        qtbot.waitUntil(lambda: c.session.status.kind == "running", timeout=10000)


def test_a_pause_chosen_by_the_user_outlasts_an_unlock(qtbot: QtBot, make: Make,
                                                       videos: dict[str, Path]) -> None:
    with desktop(tray=False, bus=True, notifications=False) as d:
        c = watched(d, make, videos["upright"])
        c.pause("1h")
        send(d, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged",
             True)
        qtbot.waitUntil(lambda: c.pausing.watch.locked, timeout=10000)
        send(d, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver.ActiveChanged",
             False)
        qtbot.waitUntil(lambda: not c.pausing.watch.locked, timeout=10000)
        qtbot.wait(500)
        # still paused for the hour chosen
        assert c.session.paused and c.session.status.kind == "paused"


def test_a_lock_that_logind_tells_is_heard(qtbot: QtBot, make: Make, videos: dict[str, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """sway and other wlroots desktops have no screen saver service: their lock is logind's
    session Lock/Unlock (loginctl lock-session, swayidle) and LockedHint. Another login
    session's lock is not ours."""
    monkeypatch.setenv("XDG_SESSION_ID", "3")
    with desktop(tray=False, bus=True, notifications=False) as d:
        c = watched(d, make, videos["upright"])
        qtbot.waitUntil(lambda: c.session.status.kind == "running", timeout=30000)
        address = d.env["DBUS_SESSION_BUS_ADDRESS"]

        def signal(path: str, member: str) -> None:
            subprocess.run(["dbus-send", f"--bus={address}", "--type=signal", path,
                            f"org.freedesktop.login1.Session.{member}"], check=True, timeout=10)

        signal("/org/freedesktop/login1/session/_34", "Lock")  # session 4: someone else's
        qtbot.wait(1000)
        assert c.session.status.kind == "running"
        signal("/org/freedesktop/login1/session/_33", "Lock")
        qtbot.waitUntil(lambda: c.session.status.kind == "paused", timeout=10000)
        assert "screen is locked" in c.window.detail
        signal("/org/freedesktop/login1/session/_33", "Unlock")
        qtbot.waitUntil(lambda: c.session.status.kind == "running", timeout=10000)

        logind = QDBusConnection.connectToBus(address, f"logind-{time.monotonic()}")

        def hint(value: bool) -> None:  # as logind says it: a{sv} (dbus-send cannot)
            message = QDBusMessage.createSignal("/org/freedesktop/login1/session/_33",
                                                "org.freedesktop.DBus.Properties",
                                                "PropertiesChanged")
            message.setArguments(["org.freedesktop.login1.Session",
                                  {"LockedHint": QDBusVariant(value)},
                                  QDBusArgument([], QMetaType.fromName(b"QStringList").id())])
            assert logind.send(message)

        hint(True)
        qtbot.waitUntil(lambda: c.session.status.kind == "paused", timeout=10000)
        hint(False)
        qtbot.waitUntil(lambda: c.session.status.kind == "running", timeout=10000)
