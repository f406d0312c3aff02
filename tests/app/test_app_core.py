"""The Qt-free parts of the desktop app: rate, wording, schedule, tally, autostart, state."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from neckline.app.appstate import AppState, state_path
from neckline.app.desktop_entry import (
    add_to_menu,
    autostart_path,
    ensure_identity,
    exec_line,
    icon_path,
    in_menu,
    launch_command,
    menu_path,
    remove_from_menu,
    set_autostart,
)
from neckline.config import (
    Config,
    apply_overrides,
    load_config,
    overrides,
    save_user_config,
)
from neckline.errors import ConfigError
from neckline.live.adaptive import AdaptiveRate
from neckline.live.schedule import AlertGate, in_quiet_hours, pause_until
from neckline.live.tally import DayTally
from neckline.posture.alerts import Alert
from neckline.posture.engine import METRICS, Sample
from neckline.posture.messages import alert_text, clock_words


def sample(t: float, state: str = "good", tilt: float = 0.0) -> Sample:
    metrics: dict[str, float | None] = dict.fromkeys(METRICS, 0.0)
    metrics["head_tilt"] = tilt
    return Sample(t, state != "away", state, ("head_tilt",) if state == "strained" else (),
                  metrics)


def test_rate_drops_when_steady_and_returns_at_the_first_change() -> None:
    rate = AdaptiveRate(10.0, 2.0, 30.0, {"head_tilt": 10.0})
    assert [rate.update(sample(t)) for t in (0, 10, 29)] == [10.0, 10.0, 10.0]
    assert rate.update(sample(31)) == 2.0
    assert rate.update(sample(40, tilt=1.0)) == 2.0  # small sway: still steady
    assert rate.update(sample(41, tilt=4.0)) == 10.0  # moved a quarter of the threshold
    assert rate.update(sample(80, tilt=4.0)) == 2.0
    assert rate.update(sample(81, state="away")) == 10.0  # a change of state
    assert rate.update(sample(112, state="away")) == 2.0
    assert rate.update(sample(113, state="strained", tilt=15.0)) == 10.0
    # a held strain is steady too: its dwell is timed as well at the low rate
    assert rate.update(sample(144, state="strained", tilt=15.5)) == 2.0
    assert rate.update(sample(145, state="good", tilt=1.0)) == 10.0  # back: at once


@pytest.mark.parametrize("problem, value, held, expected", [
    ("head_tilt", 14.0, 62, "Your head has been tilted to the left (14°) for a minute."),
    ("head_tilt", -11.0, 185, "Your head has been tilted to the right (11°) for 3 minutes."),
    ("head_down", 24.0, 60, "Your head has been bent down (24° more than your neutral) for a "
                            "minute."),
    ("forward_head", 4.2, 60, "Your head has been pushed forward (about 4 cm) for a minute."),
    ("shoulders_uneven", 9.0, 120, "Your right shoulder has been higher than the other for 2 "
                                   "minutes."),
    ("too_close", 41.0, 60, "You have been leaning in, closer to the screen than you calibrated "
                            "(about 41 cm), for a minute; sitting back eases your neck and "
                            "eyes."),
])
def test_alert_wording(problem: str, value: float, held: float, expected: str) -> None:
    assert alert_text(Alert(0.0, problem, held, value))[1] == expected


def test_quiet_hours_across_midnight() -> None:
    assert in_quiet_hours(datetime(2026, 1, 1, 23, 0), "22:00", "07:00")
    assert in_quiet_hours(datetime(2026, 1, 1, 6, 59), "22:00", "07:00")
    assert not in_quiet_hours(datetime(2026, 1, 1, 7, 0), "22:00", "07:00")
    assert in_quiet_hours(datetime(2026, 1, 1, 12, 30), "12:00", "13:00")
    assert not in_quiet_hours(datetime(2026, 1, 1, 12, 30), "", "")


def test_pause_choices_and_snooze() -> None:
    now = datetime(2026, 3, 4, 16, 45)
    assert pause_until(now, "15min") == datetime(2026, 3, 4, 17, 0)
    assert pause_until(now, "1h") == datetime(2026, 3, 4, 17, 45)
    assert pause_until(now, "tomorrow") == datetime(2026, 3, 5, 0, 0)
    gate = AlertGate()
    assert gate.allows(now)
    gate.snooze(now)
    assert not gate.allows(datetime(2026, 3, 4, 16, 59))
    assert gate.allows(datetime(2026, 3, 4, 17, 0))


def test_day_tally_rolls_over_at_midnight() -> None:
    tally = DayTally(date(2026, 1, 1))
    tally.add(sample(0), 30, date(2026, 1, 1))
    tally.add(sample(1, "strained", 15), 10, date(2026, 1, 1))
    tally.add(sample(2, "away"), 100, date(2026, 1, 1))
    assert (tally.good_s, tally.strained_s, tally.away_s) == (30, 10, 100)
    assert tally.good_share == 0.75
    assert tally.strained_by_problem == {"head_tilt": 10}
    tally.add(sample(3), 5, date(2026, 1, 2))
    assert (tally.day, tally.good_s, tally.strained_s) == (date(2026, 1, 2), 5, 0)


def test_autostart_entry() -> None:
    path = set_autostart(True, ["/opt/neck line/bin/python", "-m", "neckline"])
    assert path == autostart_path() and path.exists()
    text = path.read_text()
    # Quoted as the Desktop Entry Specification asks (double quotes; no shell quoting).
    assert 'Exec="/opt/neck line/bin/python" -m neckline\n' in text
    assert "X-GNOME-Autostart-enabled=true" in text
    assert f"Icon={icon_path()}" in text and icon_path().exists()
    set_autostart(False)
    assert not path.exists()


def test_exec_lines_follow_the_desktop_entry_quoting() -> None:
    assert exec_line(["/usr/bin/python3", "-m", "neckline"]) == "/usr/bin/python3 -m neckline"
    assert exec_line(['/a "b"/$c`d\\e', "50%"]) == '"/a \\"b\\"/\\$c\\`d\\\\e" 50%%'


def test_the_applications_menu_entry_comes_and_goes_with_its_icon() -> None:
    assert not in_menu()
    path = add_to_menu()
    assert path == menu_path() and in_menu()
    text = path.read_text()
    assert f"Exec={exec_line(launch_command())}\n" in text
    assert "Name=neckline\n" in text and "Categories=Utility;" in text
    assert "X-GNOME-Autostart" not in text
    assert icon_path().read_bytes().startswith(b"<svg")
    remove_from_menu()
    # Out of the menu, the entry stays hidden: the desktop still names the running app.
    assert not in_menu() and "NoDisplay=true\n" in path.read_text() and icon_path().exists()


def test_the_desktop_knows_the_app_by_its_name_without_a_menu_entry(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "system"))
    assert ensure_identity() is None
    text = menu_path().read_text()
    assert "NoDisplay=true\n" in text and "Name=neckline\n" in text and not in_menu()
    assert f"Icon={icon_path()}\n" in text
    add_to_menu()
    assert ensure_identity() is None and in_menu()  # the user's own entry is left alone
    menu_path().unlink()
    installed = tmp_path / "system" / "applications" / "neckline.desktop"
    installed.parent.mkdir(parents=True)
    installed.write_text("[Desktop Entry]\n")
    assert ensure_identity() is None and not menu_path().exists()  # installed system-wide


def test_both_entries_pass_the_freedesktop_validator() -> None:
    for path in (add_to_menu(), set_autostart(True, ["/opt/neck line/bin/python", "-m", "x"])):
        check = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                               text=True, check=False)
        assert check.returncode == 0 and not check.stdout.strip(), check.stdout


def test_app_state_survives_and_tolerates_damage() -> None:
    AppState(True, datetime(2026, 5, 6, 7, 8)).save()
    assert AppState.load() == AppState(True, datetime(2026, 5, 6, 7, 8))
    state_path().write_text("{broken")
    assert AppState.load() == AppState()


def test_settings_round_trip_through_the_user_file() -> None:
    config = apply_overrides(Config(), {"alerts": {"head_tilt": {"threshold": 12.0}},
                                        "app": {"quiet_hours_start": "22:00",
                                                "quiet_hours_end": "07:00"}})
    assert overrides(config) == {"alerts": {"head_tilt": {"threshold": 12.0}},
                                 "app": {"quiet_hours_start": "22:00",
                                         "quiet_hours_end": "07:00"}}
    save_user_config(config)
    assert load_config() == config


@pytest.mark.parametrize("data, message", [
    ({"app": {"quiet_hours_start": "25:00", "quiet_hours_end": "07:00"}}, "HH:MM"),
    ({"app": {"quiet_hours_start": "22:00"}}, "both be set or both be empty"),
    ({"processing": {"idle_rate_fps": 12.0}}, "must not exceed 'processing.rate_fps'"),
    ({"app": {"alert_style": "popup"}}, "'notification' or 'toast' or 'tray' or 'both'"),
])
def test_app_settings_are_validated(data: dict[str, object], message: str,
                                    tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=message):
        apply_overrides(Config(), data)


def test_clock_words_never_say_zero_minutes_of_something() -> None:
    assert clock_words(0) == "0 min"
    assert clock_words(12) == "under a minute"
    assert clock_words(95) == "2 min"
    assert clock_words(3900) == "1 h 05 min"
