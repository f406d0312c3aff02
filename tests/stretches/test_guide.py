"""The stretch guide window and a guided stretch, offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from neckline.app.guide import GuideWindow
from neckline.posture.engine import METRICS, Sample
from neckline.stretches.catalogue import stretches_for


def sample(**values: float) -> Sample:
    metrics: dict[str, float | None] = dict.fromkeys(METRICS)
    metrics.update(values)
    return Sample(0.0, True, "good", (), metrics)


def test_browse_and_filter(qtbot: QtBot, tmp_path: Path) -> None:
    guide = GuideWindow()
    qtbot.addWidget(guide)
    assert guide.list.count() == 8
    guide.show_problem("head_down")
    assert [guide.list.item(i).data(Qt.ItemDataRole.UserRole)  # type: ignore[union-attr]
            for i in range(guide.list.count())] == list(stretches_for("head_down"))
    assert "eye level" in guide.fix_label.text()
    guide.show_problem("head_tilt", "levator_scapulae")
    assert guide.stretch is not None and guide.stretch.id == "levator_scapulae"
    text = guide.body.text()
    assert "<ol>" in text and "https://" in text and "When to see a doctor" in text
    assert guide.body.openExternalLinks()
    doctor = guide.open_doctor()
    texts = " ".join(label.text() for label in doctor.findChildren(type(guide.title)))
    assert "Numbness, tingling or weakness" in texts and "emergency" in texts.lower()
    assert guide.grab().save(str(tmp_path / "guide.png"))


def test_guided_stretch_pauses_when_the_position_is_lost(qtbot: QtBot) -> None:
    guide = GuideWindow()
    qtbot.addWidget(guide)
    done: list[tuple[str, object]] = []
    guide.stretch_done.connect(lambda s, p: done.append((s, p)))
    guide.show_problem("head_tilt", "upper_trapezius_side_bend")
    guided = guide.start_guided()
    guided.timer.stop()  # drive the clock by hand
    guided.guided.rest_s = 0.0
    for _ in range(10):
        guided.on_sample(sample(head_tilt=3.0))
        guided.tick()
    assert "Timer paused" in guided.status_label.text()
    assert guided.progress.value() == 0
    for _ in range(25):
        guided.on_sample(sample(head_tilt=17.0))
        guided.tick()
    assert "In position" in guided.status_label.text()
    assert guided.progress.value() > 0
    for _ in range(400):  # the rest of the four holds, alternating sides
        hold = guided.guided.current
        tilt = 17.0 if hold is None or hold.side == "left" else -17.0
        guided.on_sample(sample(head_tilt=tilt))
        guided.tick()
    assert guided.guided.completed
    assert done == [("upper_trapezius_side_bend", "head_tilt")]
    assert "Done" in guided.step_label.text()


@pytest.mark.parametrize("how", ["stop", "escape"])
def test_a_stopped_guided_stretch_is_not_counted(how: str, qtbot: QtBot) -> None:
    """Stop and Esc only hid the dialog: its timer ran on without samples and counted the
    stretch about 75 s later."""
    guide = GuideWindow()
    qtbot.addWidget(guide)
    done: list[tuple[str, object]] = []
    guide.stretch_done.connect(lambda s, p: done.append((s, p)))
    guide.show_problem("shoulders_uneven", "shoulder_rolls")  # timed only: no camera check
    guided = guide.start_guided()
    guided.guided.rest_s = 0.0
    qtbot.wait(500)
    assert "of" in guided.rep_label.text() and guided.timer.isActive()
    if how == "stop":
        qtbot.mouseClick(guided.close_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.keyClick(guided, Qt.Key.Key_Escape)
    assert not guided.isVisible() and not guided.timer.isActive()
    assert done == []


def test_a_lost_position_says_its_unit(qtbot: QtBot) -> None:
    guide = GuideWindow()
    qtbot.addWidget(guide)
    guide.show_problem("forward_head", "chin_tuck")
    guided = guide.start_guided()
    guided.timer.stop()
    guided.guided.rest_s = 0.0
    for _ in range(5):
        guided.on_sample(sample(forward_head=-0.4))  # 0.4 cm back of the 1.5 wanted
        guided.tick()
    assert "0.4 cm of 1.5 cm" in guided.status_label.text(), guided.status_label.text()


def test_a_stretch_is_counted_once_per_showing(qtbot: QtBot) -> None:
    """Opened again by a later alert, the guide still said "Counted — well done", and a click
    on it counted another stretch."""
    guide = GuideWindow()
    qtbot.addWidget(guide)
    done: list[tuple[str, object]] = []
    guide.stretch_done.connect(lambda s, p: done.append((s, p)))
    guide.show_problem("head_tilt")
    qtbot.mouseClick(guide.done_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(guide.done_button, Qt.MouseButton.LeftButton)
    assert len(done) == 1 and not guide.done_button.isEnabled()
    guide.show_problem("head_tilt")  # a later alert opens it again
    assert guide.done_button.isEnabled() and "did this stretch" in guide.done_button.text()
    qtbot.mouseClick(guide.done_button, Qt.MouseButton.LeftButton)
    assert len(done) == 2
