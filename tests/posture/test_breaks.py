"""Break reminders from presence: the pure timer, the engine, and a real recording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from conftest import Make
from neckline.app.controller import BreakOffer
from neckline.capture.demo import Person, grace_hopper, write_video
from neckline.commands.cli import main
from neckline.config import REGISTRY, Config, apply_overrides
from neckline.posture.breaks import BreakTimer, DeskEvent, DeskEventKind
from neckline.stretches.catalogue import catalogue, stretches_for

REMINDER, BREAK, PAUSED = DeskEventKind.REMINDER, DeskEventKind.BREAK, DeskEventKind.PAUSED


def run(timer: BreakTimer, presence: list[tuple[float, bool]], step: float = 1.0,
        start: float = 0.0) -> list[tuple[DeskEventKind, float, float]]:
    """Feeds ``presence`` spans (seconds, present) one sample per ``step``; returns the events
    as (kind, t, at_desk_s)."""
    events = []
    t = start
    for seconds, present in presence:
        end = t + seconds
        while t < end - 1e-9:
            events += [(e.kind, e.t, e.at_desk_s) for e in timer.update(t, present)]
            t += step
    return events


def test_a_reminder_after_the_stretch_and_again_after_half_of_it_while_ignored() -> None:
    timer = BreakTimer(every_s=1800, break_s=120)
    events = run(timer, [(3000, True)])
    assert events == [(REMINDER, 1800, 1800), (REMINDER, 2700, 2700)]
    assert timer.at_desk_s == 2999


def test_leaving_long_enough_is_the_break_and_starts_the_count_again() -> None:
    timer = BreakTimer(every_s=1800, break_s=120)
    events = run(timer, [(1500, True), (180, False), (1700, True)])
    # The stretch ended at the last time the user was seen; the break is known after 120 s.
    assert events == [(BREAK, 1620, 1499)]
    assert timer.at_desk_s == 1699  # counted from the return, not from the first sitting


def test_short_absences_belong_to_the_stretch() -> None:
    timer = BreakTimer(every_s=1800, break_s=120)
    events = run(timer, [(900, True), (100, False), (900, True)])
    assert events == [(REMINDER, 1800, 1800)]


def test_nobody_yet_means_no_stretch_and_no_break() -> None:
    timer = BreakTimer(every_s=60, break_s=30)
    assert run(timer, [(500, False)]) == []
    assert timer.at_desk_s is None


def test_a_locked_screen_long_enough_is_a_break_a_pause_ends_the_stretch_without_one() -> None:
    timer = BreakTimer(every_s=1800, break_s=120)
    run(timer, [(600, True)])
    timer.camera_off(119, by_user=False)  # too short: nothing
    assert run(timer, [(10, True)], start=600) == []
    timer.camera_off(300, by_user=False)
    events = timer.update(700, True)
    assert [(e.kind, e.at_desk_s, e.away_s) for e in events] == [(BREAK, 609, 300)]
    assert timer.at_desk_s == 0
    timer.camera_off(60, by_user=True)
    assert [e.kind for e in timer.update(800, True)] == [PAUSED]
    assert timer.update(801, True) == ()  # once


def test_new_lengths_apply_to_the_next_reminder() -> None:
    timer = BreakTimer(every_s=1800, break_s=120)
    run(timer, [(100, True)])
    timer.set_lengths(every_s=600, break_s=60)
    assert run(timer, [(100, False)], start=100)[0][:2] == (BREAK, 160)


def test_lending_the_camera_to_a_call_is_time_at_the_desk() -> None:
    """A call is sitting: the stretch goes on through it, however long, with no break; a
    reminder that fell due during the call comes at the first sighting after it."""
    timer = BreakTimer(every_s=1800, break_s=120)
    run(timer, [(1000, True)])
    timer.camera_lent(1200)  # a 20-minute call; the engine's time goes on by a second or so
    assert timer.at_desk_s == 2199
    events = timer.update(1001, True)
    assert [(e.kind, e.t, e.at_desk_s) for e in events] == [(REMINDER, 1001, 2201)]
    assert run(timer, [(100, True)], start=1002) == []  # ignored: again after 15 minutes
    timer.camera_lent(0)  # nothing lent, nothing changes
    assert timer.at_desk_s == 2301  # seen last at 1101, the stretch began 1200 s before 0


def test_lending_the_camera_ends_an_absence_and_starts_a_first_stretch() -> None:
    timer = BreakTimer(every_s=1800, break_s=120)
    run(timer, [(100, True), (60, False)])  # away a minute when the call began
    timer.camera_lent(300)
    assert timer.update(161, True) == ()  # back in view after the call: not a break
    assert timer.at_desk_s == 461
    first = BreakTimer(every_s=1800, break_s=120)
    first.camera_lent(600)  # a call from the start, before anyone was seen
    assert first.update(10, True) == ()
    assert first.at_desk_s == 600
    assert [e.kind for e in first.update(1210, True)] == [REMINDER]
    nobody = BreakTimer(every_s=1800, break_s=120)
    nobody.camera_lent(600)
    nobody.update(10, False)  # nobody in view after the call: it was not theirs to count
    nobody.update(11, True)
    assert nobody.at_desk_s == 0


# -- a real recording through the real models --------------------------------------------------

@pytest.mark.slow
def test_on_a_recording_the_reminder_fires_at_the_desk_and_not_after_a_break(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Six minutes of someone at a desk, with breaks every 2 minutes of presence and 30 s away
    counting as a break: a reminder at 2:00; a 40 s absence is a break, so the next stretch
    starts at the return and brings no reminder for 100 s; a 15 s absence does not restart the
    count, so the reminder comes 120 s after that return, at 5:10."""
    hopper = Person(grace_hopper(), 380, (320, 270))
    video = write_video(tmp_path / "desk.avi", [(150, [hopper]), (40, []), (100, [hopper]),
                                                (15, []), (55, [hopper])], fps=2.0)
    config = tmp_path / "breaks.toml"
    config.write_text("[breaks]\nevery_min = 2\nlength_min = 0.5\n", encoding="utf-8")
    db = tmp_path / "history.db"
    assert main(["analyze", str(video), "--json", "--config", str(config), "--record",
                 "--db", str(db)]) == 0
    breaks = json.loads(capsys.readouterr().out)["breaks"]
    reminders = [e["t"] for e in breaks["reminders"]]
    taken = [(e["t"], e["at_desk_s"]) for e in breaks["taken"]]
    assert len(reminders) == 2, breaks
    assert reminders[0] == pytest.approx(120, abs=2.5)
    assert reminders[1] == pytest.approx(190 + 120, abs=3.5)
    assert len(taken) == 1, breaks
    assert taken[0][0] == pytest.approx(150 + 30, abs=3.5)  # known 30 s into the absence
    assert taken[0][1] == pytest.approx(150, abs=3.5)
    assert breaks["longest_at_desk_s"] == pytest.approx(170, abs=4)  # 190 s to the end

    # Recorded: the statistics count the break, the reminders and the longest stretch.
    assert main(["stats", "--json", "--db", str(db)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["breaks"], stats["break_reminders"]) == (1, 2)
    assert stats["longest_at_desk_s"] == pytest.approx(170, abs=4)
    assert main(["stats", "--db", str(db)]) == 0
    assert "Breaks: 1 taken (1.0 a day at the desk); longest stretch at the desk 3 min; " \
        "break reminders: 2." in capsys.readouterr().out

    quiet = tmp_path / "quiet.toml"
    quiet.write_text("[breaks]\nremind = false\nevery_min = 2\nlength_min = 0.5\n",
                     encoding="utf-8")
    assert main(["analyze", str(video), "--json", "--config", str(quiet)]) == 0
    breaks = json.loads(capsys.readouterr().out)["breaks"]
    assert breaks["reminders"] == [] and len(breaks["taken"]) == 1


# -- the desktop app ---------------------------------------------------------------------------

def test_the_app_reminds_a_break_and_offers_a_stretch_for_the_days_strain(
        qtbot: QtBot, make: Make, videos: dict[str, Path]) -> None:
    """Held tilt from 0:10 (the demo leans head and body) and breaks every minute: the reminder
    at 1:00 offers the first stretch for the strain held longest so far, and opens the guide
    at it."""
    config = apply_overrides(Config(), {"breaks": {"every_min": 1.0}})
    c = make(videos["held_tilt"], config)
    qtbot.waitUntil(lambda: any(isinstance(t.subject, BreakOffer) for t in c.delivery.toasts),
                    timeout=60000)
    card = next(t for t in c.delivery.toasts if isinstance(t.subject, BreakOffer))
    assert card.title_label.text() == "<b>Time for a short break</b>"
    assert "at your desk for a minute" in card.text_label.text()
    offer = card.subject
    assert isinstance(offer, BreakOffer) and offer.problem in ("head_tilt", "shoulders_uneven")
    held = c.session.tally.strained_by_problem
    assert held[offer.problem] == max(held.values())
    assert offer.stretch_id == stretches_for(offer.problem)[0]
    assert f"{REGISTRY[offer.problem].title.lower()}: today's most held strain" in \
        card.text_label.text()
    assert card.offer_label.text() == f"Try: {catalogue().stretches[offer.stretch_id].title}"
    qtbot.mouseClick(card.stretch_button, Qt.MouseButton.LeftButton)
    assert c.guide is not None and c.guide.isVisible()
    assert c.guide.stretch is not None and c.guide.stretch.id == offer.stretch_id
    assert all(r[0].problem == "head_tilt" for r in c.responses)  # breaks are not alerts


def test_break_reminders_respect_pause_lock_quiet_hours_and_snooze(
        qtbot: QtBot, make: Make, videos: dict[str, Path]) -> None:
    c = make(videos["nobody"])
    due = DeskEvent(DeskEventKind.REMINDER, 1800.0, 0.0, 1800.0)
    c._remind_break(due)
    card = c.delivery.toasts[-1]
    assert "for 30 minutes" in card.text_label.text()
    assert card.offer_label.text() == "Try: " + catalogue().stretches["neck_rotation"].title
    qtbot.mouseClick(card.snooze_button, Qt.MouseButton.LeftButton)
    assert not c.delivery.toasts
    c._remind_break(due)  # snoozed (the same snooze as alerts)
    assert not c.delivery.toasts
    c.gate.snoozed_until = None
    c.pause("15min")
    c._remind_break(due)
    assert not c.delivery.toasts
    c.resume()
    c.gate.quiet_start, c.gate.quiet_end = "00:00", "23:59"
    c._remind_break(due)
    assert not c.delivery.toasts
    c.gate.quiet_start = c.gate.quiet_end = ""
    c._remind_break(due)
    assert len(c.delivery.toasts) == 1


def test_a_shorter_interval_applies_to_the_running_stretch_at_once() -> None:
    """Set to 1 minute, the first reminder came at the old 30; then an ignored one came
    every 30 s."""
    timer = BreakTimer(every_s=1800, break_s=120)
    run(timer, [(300, True)])
    timer.set_lengths(every_s=60, break_s=120)
    events = run(timer, [(1000, True)], start=300)
    assert [t for kind, t, _ in events if kind is REMINDER] == [300, 600, 900, 1200]


def test_reminders_held_back_are_not_counted(qtbot: QtBot, make: Make, videos: dict[str, Path],
                                             tmp_path: Path) -> None:
    """Statistics said 8 reminders where 5 were shown (three fell in a snooze)."""
    import sqlite3

    config = apply_overrides(Config(), {"breaks": {"every_min": 1.0}})
    c = make(videos["upright"], config, history_path=tmp_path / "h.db", speed=8.0)
    c.pausing.snooze(60)  # every reminder of this run falls in the snooze
    due: list[DeskEvent] = []
    c.worker.sample_ready.connect(lambda sample, _p: due.extend(
        e for e in sample.desk_events if e.kind is REMINDER))
    qtbot.waitUntil(lambda: bool(due), timeout=60000)  # a reminder fell due (at 1:00)
    assert not c.delivery.toasts
    c.shutdown()
    with sqlite3.connect(tmp_path / "h.db") as connection:
        reminders = connection.execute("SELECT SUM(reminders) FROM desk_stretches").fetchone()
    assert (reminders[0] or 0) == 0
