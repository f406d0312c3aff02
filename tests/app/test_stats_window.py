"""The statistics window, offscreen, on real history databases."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from PyQt6.QtGui import QImage
from pytestqt.qtbot import QtBot

from neckline.app.stats_window import StatsWindow, period
from neckline.posture.alerts import Alert
from recorded import NINE, morning, record

MONDAY = date(2026, 3, 2)


def read(qtbot: QtBot, window: StatsWindow) -> StatsWindow:
    """Waits for the window's reading thread to answer what it last asked."""
    qtbot.waitUntil(lambda: not window.reading, timeout=10000)
    return window


def test_periods() -> None:
    wednesday = date(2026, 3, 4)
    assert period("today", wednesday) == (wednesday, wednesday)
    assert period("week", wednesday) == (MONDAY, wednesday)
    assert period("month", wednesday) == (date(2026, 3, 1), wednesday)


def test_empty_history_is_a_friendly_page(qtbot: QtBot, tmp_path: Path) -> None:
    window = StatsWindow(tmp_path / "h.db", today=lambda: MONDAY)
    qtbot.addWidget(window)
    read(qtbot, window)
    assert window.pages.currentWidget() is window.empty_label
    assert "No history yet" in window.empty_label.text()


def window_on_a_recorded_morning(qtbot: QtBot, tmp_path: Path) -> StatsWindow:
    """The window on a database holding one recorded morning with one head-tilt alert."""
    path = tmp_path / "h.db"
    record(path, morning(), [Alert(70.0, "head_tilt", 60.0, 15.0)])
    window = StatsWindow(path, today=lambda: date(2026, 3, 4))
    qtbot.addWidget(window)
    return read(qtbot, window)


def test_charts_render_known_data(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on_a_recorded_morning(qtbot, tmp_path)
    window.show()
    assert window.pages.currentIndex() == 0
    stats = window.stats
    assert stats is not None and stats.start == MONDAY
    assert "80%" in window.summary.text() and "Stretches done: <b>1</b>" in window.summary.text()
    # The heatmap holds what was recorded: 0.5 strained minutes on Monday at 9.
    heat = next(item for item in window.heatmap_plot.getPlotItem().items
                if item.__class__.__name__ == "ImageItem")
    assert heat.image[0, 9] == pytest.approx(0.5) and heat.image.sum() == pytest.approx(0.5)
    bars = [item for item in window.good_plot.getPlotItem().items
            if item.__class__.__name__ == "BarGraphItem"]
    assert [list(np.round(b.opts["height"], 2)) for b in bars][1] == [2.0, 0.0, 0.0]
    out = tmp_path / "stats.png"
    window.resize(1000, 720)  # (opened, it fits the 800 x 600 test screen: the charts scroll)
    assert window.grab().save(str(out))
    image = QImage(str(out))
    assert image.width() > 800 and image.height() > 600
    # Some pixels carry the good-posture green of the bars.
    pixels = {image.pixel(x, y) & 0xFFFFFF for x in range(0, image.width(), 3)
              for y in range(0, image.height(), 3)}
    assert 0x2E9D5B in pixels


def test_a_range_and_today(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    record(path, morning())
    window = StatsWindow(path, today=lambda: date(2026, 3, 4))
    qtbot.addWidget(window)
    read(qtbot, window).show_period("today")
    read(qtbot, window)
    assert window.pages.currentWidget() is window.empty_label  # nothing on Wednesday
    window.show_range(date(2026, 2, 1), date(2026, 3, 31))
    read(qtbot, window)
    assert window.stats is not None and len(window.stats.days) == 59
    assert window.pages.currentIndex() == 0


def test_a_damaged_database_is_reported_in_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_bytes(b"\x00garbage" * 1000)
    window = read(qtbot, StatsWindow(path, today=lambda: MONDAY))
    qtbot.addWidget(window)
    # A file the user pointed at is reported, and left as it is (only neckline's own
    # database in its data folder is moved aside when damaged).
    assert "not a neckline history database" in window.empty_label.text()
    assert not list(tmp_path.glob("h.db.damaged-*"))
    assert path.read_bytes() == b"\x00garbage" * 1000
    assert datetime.fromtimestamp(NINE).date() == MONDAY


def test_counts_have_whole_ticks_units_stay_apart_and_legends_sit_below(
        qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on_a_recorded_morning(qtbot, tmp_path)
    window.show()
    ticks = window.alert_plot.getAxis("left")._tickLevels[0]
    assert ticks and all(float(value).is_integer() for value, _ in ticks)
    assert "(°)" in window.trend_plot.getPlotItem().titleLabel.text
    assert "(cm)" in window.forward_plot.getPlotItem().titleLabel.text
    for plot in (window.good_plot, window.alert_plot, window.trend_plot):
        assert plot.getPlotItem().legend is None  # no legend box over the bars or lines
    assert "this period" in window.good_legend.text()
    assert "snoozed" in window.alert_legend.text()


def test_export_writes_the_days_shown(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on_a_recorded_morning(qtbot, tmp_path)
    out = tmp_path / "week.csv"
    with qtbot.waitSignal(window.exported, timeout=10000):
        window.export_to(out)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("record,time") and len(lines) == 1 + 3 + 1 + 1
    assert "Exported 5 records" in window.status.text()
    with qtbot.waitSignal(window.exported, timeout=10000):
        window.export_to(tmp_path / "no-such-folder" / "x.json")
    assert window.status.text().startswith("Not exported:")


def test_the_window_reads_again_on_refresh(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    window = StatsWindow(path, today=lambda: MONDAY)
    qtbot.addWidget(window)
    assert read(qtbot, window).pages.currentWidget() is window.empty_label
    record(path, morning())
    window.refresh()
    read(qtbot, window)
    assert window.pages.currentIndex() == 0


def test_the_window_shows_the_daily_goal(qtbot: QtBot, tmp_path: Path) -> None:
    window = window_on_a_recorded_morning(qtbot, tmp_path)
    assert "Daily goal (80% good)" in window.summary.text()
    window.goal_percent = 60.0
    window.refresh()
    read(qtbot, window)
    assert "Daily goal (60% good)" in window.summary.text()


def test_a_history_file_replaced_meanwhile_is_read_anew(qtbot: QtBot, tmp_path: Path) -> None:
    """The window keeps one connection, but a file put in the database's place (restored from
    a backup, say) is opened again, not read through the old one."""
    path = tmp_path / "h.db"
    window = StatsWindow(path, today=lambda: MONDAY)
    qtbot.addWidget(window)
    assert read(qtbot, window).pages.currentWidget() is window.empty_label
    backup = tmp_path / "backup.db"
    record(backup, morning())
    backup.replace(path)
    for stale in tmp_path.glob("h.db-*"):  # the old file's WAL and shared memory
        stale.unlink()
    window.refresh()
    read(qtbot, window)
    assert window.pages.currentIndex() == 0
    assert window.stats is not None and window.stats.total("good_s") > 0


def test_the_window_and_stats_agree_on_every_figure_they_both_show(
        qtbot: QtBot, tmp_path: Path) -> None:
    """`stats` said "11 min of 21 min in view" and two lines later "of 22": the window and the
    command now count time at the desk the same way, to the second."""
    import re

    from neckline.commands.cli import main

    path = tmp_path / "h.db"
    samples = morning()
    samples += [(s, t + 7200) for s, t in morning()]  # a second session at 11:00
    record(path, samples, [Alert(70.0, "head_tilt", 60.0, 15.0)])
    window = StatsWindow(path, today=lambda: date(2026, 3, 4))
    qtbot.addWidget(window)
    read(qtbot, window)
    stats = window.stats
    assert stats is not None
    good, watched = stats.total("good_s"), stats.total("good_s") + stats.total("strained_s")
    assert watched - good == pytest.approx(60.0, abs=0.5)  # 2 x 30 s strained, to the second
    summary = re.sub("<[^>]+>", "", window.summary.text())
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["stats", "--db", str(path), "--from", "2026-03-02", "--to",
                     "2026-03-04"]) == 0
    text = out.getvalue()
    from neckline.posture.messages import clock_words

    for figure in (f"{clock_words(good)} of {clock_words(watched)}", f"{good / watched:.0%}"):
        assert figure in summary and figure in text, (figure, summary, text)
    assert "Stretches done: 1" in summary and "Stretches done: 1" in text
    assert f"good of {clock_words(watched)} at the desk" in text  # the day's line: the same
