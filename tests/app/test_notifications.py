"""Alerts through the desktop's notifications: a real session bus (dbus-daemon), dunst as the
notification service, dunstctl as the user's clicks, dbus-monitor watching the calls."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from PyQt6.QtDBus import QDBusConnection
from pytestqt.qtbot import QtBot

from conftest import Make, alert
from desktop import Desktop, desktop
from neckline.app.notifier import DesktopNotifications
from neckline.posture.messages import alert_text
from neckline.stretches.catalogue import catalogue

PICK_SNOOZE = "#!/bin/sh\ngrep -m1 Snooze\n"  # dunst's context menu, answered as a user would


def dunstctl(d: Desktop, *args: str) -> str:
    return subprocess.run(["dunstctl", *args], env=d.env, capture_output=True, text=True,
                          timeout=10, check=True).stdout.strip()


def test_alerts_go_to_the_desktop_notifications_and_their_answers_come_back(
        qtbot: QtBot, make: Make, videos: dict[str, Path], tmp_path: Path) -> None:
    picker = tmp_path / "pick"
    picker.write_text(PICK_SNOOZE)
    picker.chmod(0o755)
    settings = tmp_path / "dunstrc"
    settings.write_text(f"[global]\n    dmenu = {picker}\n")
    with desktop(tray=False, bus=True, dunst_config=settings) as d:
        address = d.env["DBUS_SESSION_BUS_ADDRESS"]
        bus = QDBusConnection.connectToBus(address, f"neckline-test-{time.monotonic()}")
        assert bus.isConnected()
        watch = subprocess.Popen(["dbus-monitor", "--address", address,
                                  "interface='org.freedesktop.Notifications',member='Notify'"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            notifier = DesktopNotifications(icon_folder=tmp_path / "icons", bus=bus)
            qtbot.waitUntil(notifier.available, timeout=20000)  # dunst has taken its name
            c = make(videos["nobody"])
            c.delivery.use_notifier(notifier)
            answers: list[tuple[str, str]] = []
            c.alert_response.connect(lambda a, r: answers.append((a.problem, r)))

            c._on_alert(alert())  # a click on the notification: the stretch for that strain
            assert not c.delivery.toasts  # the desktop shows it, not the card
            qtbot.waitUntil(lambda: dunstctl(d, "count", "displayed") == "1", timeout=10000)
            dunstctl(d, "action", "0")
            qtbot.waitUntil(lambda: answers == [("head_tilt", "stretched")], timeout=10000)
            assert c.guide is not None and c.guide.isVisible()
            assert c.guide.stretch is not None
            assert c.guide.stretch.id == "upper_trapezius_side_bend"
            # (sent without waiting for the service: the next is counted once this one went)
            qtbot.waitUntil(lambda: dunstctl(d, "count", "displayed") == "0", timeout=10000)

            c._on_alert(alert("head_down", 25.0))  # closed by the user: dismissed
            qtbot.waitUntil(lambda: dunstctl(d, "count", "displayed") == "1", timeout=10000)
            dunstctl(d, "close")
            qtbot.waitUntil(lambda: answers[-1] == ("head_down", "dismissed"), timeout=10000)
            qtbot.waitUntil(lambda: dunstctl(d, "count", "displayed") == "0", timeout=10000)

            c._on_alert(alert("forward_head", 4.0))  # "Snooze 15 min" from its menu
            qtbot.waitUntil(lambda: dunstctl(d, "count", "displayed") == "1", timeout=10000)
            dunstctl(d, "context")
            qtbot.waitUntil(lambda: answers[-1] == ("forward_head", "snoozed"), timeout=10000)
            assert not c.gate.allows(c.now())
        finally:
            watch.terminate()
            calls = watch.communicate(timeout=10)[0]
    # What went over the bus: the app's name and icon, the strain and how long it was held,
    # the actions.
    assert calls.count("member=Notify") == 3
    assert 'string "neckline"' in calls and "neckline-strained.png" in calls
    title, text = alert_text(alert())
    offered = catalogue().stretches[alert().stretches[0]].title
    assert f'string "{title}"' in calls and f'string "{text}\nTry: {offered}."' in calls
    assert 'string "Snooze 15 min"' in calls
    # dunst lists the click's action in its menu too: "Show stretch" once per notification.
    assert calls.count('string "Show stretch"') == 3
    # Left for the user to answer (no expiry), not recorded as "no response" after 15 s.
    assert calls.count("int32 0\n") >= 3 and "int32 15000" not in calls
    assert 'string "x-neckline.posture"' in calls and '"presence"' not in calls


def test_without_a_notification_service_the_card_is_shown(
        qtbot: QtBot, make: Make, videos: dict[str, Path], tmp_path: Path) -> None:
    with desktop(tray=False, bus=True, notifications=False) as d:
        bus = QDBusConnection.connectToBus(d.env["DBUS_SESSION_BUS_ADDRESS"],
                                           f"neckline-test-{time.monotonic()}")
        c = make(videos["nobody"])
        c.delivery.use_notifier(DesktopNotifications(icon_folder=tmp_path, bus=bus))
        assert not c.delivery.notifier.available()
        c._on_alert(alert())
        assert c.delivery.toasts and c.delivery.toasts[-1].isVisible()


def test_a_notification_service_started_on_demand_is_used(
        qtbot: QtBot, make: Make, videos: dict[str, Path], tmp_path: Path) -> None:
    """dunst installed but not running, as under sway or another window manager: the bus
    starts it at the first notification, which is shown there, not as a card."""
    with desktop(tray=False, bus=True, notifications=False, on_demand=True) as d:
        bus = QDBusConnection.connectToBus(d.env["DBUS_SESSION_BUS_ADDRESS"],
                                           f"neckline-test-{time.monotonic()}")
        notifier = DesktopNotifications(icon_folder=tmp_path, bus=bus)
        qtbot.waitUntil(notifier.available, timeout=10000)
        assert not notifier._running  # nobody owns the name yet
        c = make(videos["nobody"])
        c.delivery.use_notifier(notifier)
        c._on_alert(alert())
        qtbot.waitUntil(lambda: len(notifier.shown) == 1, timeout=15000)
        assert not c.delivery.toasts
        assert dunstctl(d, "count", "displayed") == "1"
        dunstctl(d, "close")
        qtbot.waitUntil(lambda: [r for _, r in c.responses] == ["dismissed"], timeout=10000)


def test_a_break_reminder_can_stay_until_answered(qtbot: QtBot, make: Make,
                                                  videos: dict[str, Path],
                                                  tmp_path: Path) -> None:
    """breaks.keep_on_screen: an urgent notification, which dunst (like GNOME and KDE) leaves
    on screen until it is answered."""
    from neckline.config import Config, apply_overrides
    from neckline.posture.breaks import DeskEvent, DeskEventKind

    with desktop(tray=False, bus=True) as d:
        address = d.env["DBUS_SESSION_BUS_ADDRESS"]
        bus = QDBusConnection.connectToBus(address, f"neckline-test-{time.monotonic()}")
        watch = subprocess.Popen(["dbus-monitor", "--address", address,
                                  "interface='org.freedesktop.Notifications',member='Notify'"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            notifier = DesktopNotifications(icon_folder=tmp_path, bus=bus)
            qtbot.waitUntil(notifier.available, timeout=20000)
            c = make(videos["nobody"], apply_overrides(
                Config(), {"breaks": {"keep_on_screen": True}}))
            c.delivery.use_notifier(notifier)
            assert c._remind_break(DeskEvent(DeskEventKind.REMINDER, 1800.0, 0.0, 1800.0))
            qtbot.waitUntil(lambda: dunstctl(d, "count", "displayed") == "1", timeout=10000)
            qtbot.wait(2000)
            assert dunstctl(d, "count", "displayed") == "1"  # still there
        finally:
            watch.terminate()
            calls = watch.communicate(timeout=10)[0]
    assert 'string "urgency"\n         variant             byte 2' in calls
