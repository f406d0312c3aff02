"""The statistics window: today, this week, this month or any range, drawn with pyqtgraph.

pyqtgraph is maintained, pure Python on top of the Qt the app already has (no second Qt
binary, unlike Qt Charts' separate wheel), and draws thousands of bars or a year-long heatmap
without effort. The numbers come from neckline.history.stats; this module only draws them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QDate, QEvent, pyqtSignal
from PyQt6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from neckline.app.keys import closes_with_keys, shortcut
from neckline.app.placement import fit_on_screen
from neckline.app.stats_reader import Reading, StatsReader
from neckline.app.theme import is_dark
from neckline.config import PROBLEMS, REGISTRY
from neckline.history.report import breaks_words, lent_words, points_words
from neckline.history.stats import RESPONSES, Stats
from neckline.posture.messages import clock_words

pg.setConfigOptions(antialias=True, background="w", foreground="#333333")

GREEN, GREY, AMBER = "#2e9d5b", "#b9bec7", "#e08a12"
RESPONSE_COLOURS = {"stretched": GREEN, "snoozed": "#5b7fa6", "dismissed": "#8a8f98",
                    "no_response": "#d6d9de"}
# The trend charts: the problems measured in degrees on one, forward head (cm) on its own.
ANGLE_METRICS = tuple(p for p in PROBLEMS if REGISTRY[p].threshold_unit == "degrees")
EMPTY = ("<h2>No history yet</h2><p>neckline records your posture, as numbers only, while it "
         "watches. Come back after a session at your desk and your days will appear here.</p>")


def period(name: str, today: date) -> tuple[date, date]:
    if name == "today":
        return today, today
    if name == "week":
        return today - timedelta(days=today.weekday()), today
    if name == "month":
        return today.replace(day=1), today
    raise ValueError(name)


class StatsWindow(QWidget):
    shown_changed = pyqtSignal()  # the range asked for is read and drawn
    exported = pyqtSignal(str)  # an export is done: what it did, in a sentence

    def __init__(self, db_path: Path | None = None, *,
                 today: Callable[[], date] = date.today, goal_percent: float = 80.0) -> None:
        super().__init__()
        self.goal_percent = goal_percent  # history.daily_goal_percent
        self.setWindowTitle("neckline statistics")
        self.db_path = db_path
        self.today = today
        self.stats: Stats | None = None
        self.shown: tuple[date, date] = (today(), today())
        self.reading = False  # a read of ``shown`` is under way
        self.reader = StatsReader(db_path)  # (not a child: it outlives the C++ window briefly)
        self.reader.read.connect(self._on_read)
        self.reader.exported.connect(self._exported)
        reader = self.reader
        self.destroyed.connect(lambda _=None: reader.close())

        buttons = QHBoxLayout()
        for label, name in (("T&oday", "today"), ("This &week", "week"),
                            ("This &month", "month")):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, n=name: self.show_period(n))
            buttons.addWidget(button)
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for edit, name in ((self.start_edit, "From"), (self.end_edit, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(f"{name} (date)")
        show_range = QPushButton("Show &range")
        show_range.clicked.connect(self._show_edited_range)
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Save the days shown as CSV or JSON (Ctrl+E)")
        shortcut(self, "Ctrl+E", self._choose_export_file)
        closes_with_keys(self)
        self.export_button.clicked.connect(self._choose_export_file)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("From"))
        buttons.addWidget(self.start_edit)
        buttons.addWidget(QLabel("to"))
        buttons.addWidget(self.end_edit)
        buttons.addWidget(show_range)
        buttons.addWidget(self.export_button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.status = QLabel()  # where an export went
        self.good_plot = _plot("Time in good posture per day (minutes)")
        self.heatmap_plot = _plot("Strained minutes by day and hour")
        self.problem_plot = _plot("Strained minutes per problem")
        self.alert_plot = _plot("Alerts per day and what was done (count)")
        self.trend_plot = _plot("Daily average against your neutral (°)")
        self.forward_plot = _plot("Forward head, daily average (cm)")
        # Legends under the charts, never over the data.
        self.good_legend = _legend([(GREY, "previous period"), (GREEN, "this period")])
        self.alert_legend = _legend([(RESPONSE_COLOURS[r], r.replace("_", " "))
                                     for r in RESPONSES])
        self.trend_legend = _legend([(REGISTRY[m].colour, REGISTRY[m].gauge)
                                     for m in ANGLE_METRICS])
        charts = QGridLayout()
        charts.addWidget(_with_legend(self.good_plot, self.good_legend), 0, 0)
        charts.addWidget(self.heatmap_plot, 0, 1)
        charts.addWidget(self.problem_plot, 1, 0)
        charts.addWidget(_with_legend(self.alert_plot, self.alert_legend), 1, 1)
        charts.addWidget(_with_legend(self.trend_plot, self.trend_legend), 2, 0)
        charts.addWidget(self.forward_plot, 2, 1)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(self.summary)
        content_layout.addWidget(self.status)
        content_layout.addLayout(charts, 1)
        self.empty_label = QLabel(EMPTY)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMargin(40)
        scroll = QScrollArea()  # the charts scroll on a low screen rather than run off it
        scroll.setAccessibleName("Charts")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.pages = QStackedWidget()
        self.pages.addWidget(scroll)
        self.pages.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.pages, 1)
        fit_on_screen(self, 1000, 760)
        self.show_period("week")

    # -- choosing the range ------------------------------------------------------------------

    def show_period(self, name: str) -> None:
        self.show_range(*period(name, self.today()))

    def _show_edited_range(self) -> None:
        start, end = self.start_edit.date().toPyDate(), self.end_edit.date().toPyDate()
        if start > end:
            start, end = end, start
        self.show_range(start, end)

    def changeEvent(self, event: QEvent | None) -> None:
        """Light or dark changed: the charts take the new colours."""
        super().changeEvent(event)
        if event is not None and event.type() == QEvent.Type.PaletteChange:
            for plot in (self.good_plot, self.heatmap_plot, self.problem_plot, self.alert_plot,
                         self.trend_plot, self.forward_plot):
                _colour_plot(plot)
            if self.stats is not None and not self.stats.empty:  # the heatmap too
                self._draw(self.stats)

    def refresh(self) -> None:
        """Reads the range shown again (new history has been written)."""
        self.show_range(*self.shown)

    def show_range(self, start: date, end: date) -> None:
        """Shows ``start`` to ``end``: the dates at once, the charts when the read is done."""
        self.shown = (start, end)
        self.start_edit.setDate(QDate(start.year, start.month, start.day))
        self.end_edit.setDate(QDate(end.year, end.month, end.day))
        self.reading = True
        self.reader.request(start, end)

    def _exported(self, said: str) -> None:
        self.status.setText(said)
        self.exported.emit(said)

    def _on_read(self, reading: Reading) -> None:
        if (reading.start, reading.end) != self.shown:
            return  # an older request, overtaken by a newer one still being read
        self.reading = False
        self.stats = reading.stats
        if reading.stats is None:
            self.empty_label.setText(f"<h2>Statistics unavailable</h2><p>{reading.error}</p>")
            self.pages.setCurrentWidget(self.empty_label)
        elif reading.stats.empty:
            notice = reading.notice
            self.empty_label.setText(EMPTY + (f"<p>{notice}</p>" if notice else ""))
            self.pages.setCurrentWidget(self.empty_label)
        else:
            self.pages.setCurrentIndex(0)
            self._draw(reading.stats)
        self.shown_changed.emit()

    # -- drawing -----------------------------------------------------------------------------

    def _draw(self, stats: Stats) -> None:
        x = np.arange(len(stats.days))
        ticks = _day_ticks(stats)
        good = np.array([d.good_s / 60 for d in stats.days])
        previous = np.array([d.good_s / 60 for d in stats.previous])
        self.good_plot.clear()
        self.good_plot.addItem(pg.BarGraphItem(x=x - 0.2, height=previous, width=0.38,
                                               brush=GREY, name="previous period"))
        self.good_plot.addItem(pg.BarGraphItem(x=x + 0.2, height=good, width=0.38, brush=GREEN,
                                               name="this period"))
        self.good_plot.getAxis("bottom").setTicks([ticks])
        # Minutes from 0 up (a few minutes used to give an axis from -0.4 to 0.4), and every
        # day's label inside the view (the first one fell off its edge).
        top = max(float(good.max(initial=0)), float(previous.max(initial=0)))
        self.good_plot.setYRange(0, max(1.0, top), padding=0.05)
        days_range = (-0.6, len(stats.days) - 0.4)
        self.good_plot.setXRange(*days_range, padding=0)

        self.heatmap_plot.clear()
        heat = np.array(stats.heatmap, dtype=float)  # [day][hour]
        image = pg.ImageItem(heat)
        calm = (38, 40, 44) if is_dark() else (245, 246, 248)  # no strain: the chart's ground
        image.setColorMap(pg.ColorMap([0.0, 1.0], [calm, (224, 138, 18)]))
        image.setLevels((0.0, max(1.0, float(heat.max()))))
        self.heatmap_plot.addItem(image)
        self.heatmap_plot.getAxis("bottom").setTicks([[(i + 0.5, label) for i, label in ticks]])
        self.heatmap_plot.getAxis("left").setTicks([[(h + 0.5, f"{h:02d}")
                                                     for h in range(0, 24, 3)]])
        self.heatmap_plot.setLimits(xMin=0, xMax=len(stats.days), yMin=0, yMax=24)
        self.heatmap_plot.invertY(True)

        self.problem_plot.clear()
        minutes = stats.problem_minutes()
        self.problem_plot.addItem(pg.BarGraphItem(
            x0=0, y=np.arange(len(PROBLEMS)), height=0.6,
            width=[minutes[p] for p in PROBLEMS], brush=AMBER))
        self.problem_plot.getAxis("left").setTicks([[(i, REGISTRY[p].gauge)
                                                     for i, p in enumerate(PROBLEMS)]])
        self.problem_plot.setXRange(0, max(1.0, max(minutes.values())), padding=0.05)

        self.alert_plot.clear()
        bottom = np.zeros(len(stats.days))
        for response in RESPONSES:
            counts = np.array([d.alerts[response] for d in stats.days], dtype=float)
            if counts.any():
                self.alert_plot.addItem(pg.BarGraphItem(
                    x=x, y0=bottom, height=counts, width=0.6,
                    brush=RESPONSE_COLOURS[response], name=response.replace("_", " ")))
            bottom += counts
        self.alert_plot.getAxis("bottom").setTicks([ticks])
        # Counts are whole: ticks at whole numbers only.
        most = int(bottom.max()) if len(bottom) else 0
        step = max(1, math.ceil(most / 5))
        self.alert_plot.getAxis("left").setTicks([[(v, str(v))
                                                   for v in range(0, most + step + 1, step)]])
        self.alert_plot.setYRange(0, max(1, most), padding=0.05)
        self.alert_plot.setXRange(*days_range, padding=0)

        for plot, metrics in ((self.trend_plot, ANGLE_METRICS),
                              (self.forward_plot, ("forward_head",))):
            plot.clear()
            for metric in metrics:
                colour = REGISTRY[metric].colour
                values = np.array([np.nan if d.means[metric] is None else d.means[metric]
                                   for d in stats.days], dtype=float)
                if np.isfinite(values).any():
                    plot.plot(x, values, pen=pg.mkPen(colour, width=2), symbol="o",
                              symbolSize=5, symbolBrush=colour, connect="finite")
            plot.getAxis("bottom").setTicks([ticks])
            plot.setXRange(*days_range, padding=0)
        # Before any calibration the measures are against a level head, not a neutral.
        self.trend_plot.setTitle("Daily average against your neutral (°)" if stats.calibrated
                                 else "Daily average, not calibrated yet: against a level "
                                 "head (°)")
        self.summary.setText(_summary(stats, self.goal_percent))

    # -- export ------------------------------------------------------------------------------

    def _choose_export_file(self) -> None:
        start, end = self.shown
        name = f"neckline-{start.isoformat()}-to-{end.isoformat()}.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export posture history",
                                              str(Path.home() / name),
                                              "CSV (*.csv);;JSON (*.json)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Writes the days shown to ``path`` (JSON for a .json name, else CSV) and says so when
        it is done (``exported``)."""
        self.status.setText(f"Exporting to {path}…")
        self.reader.export(*self.shown, path)


def _legend(items: list[tuple[str, str]]) -> QLabel:
    label = QLabel("&nbsp;&nbsp;".join(f"<span style='color:{colour}'>■</span> {name}"
                                       for colour, name in items))
    label.setStyleSheet("font-size: 8pt;")
    return label


def _with_legend(plot: pg.PlotWidget, legend: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(plot, 1)
    layout.addWidget(legend)
    return box


def _plot(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(title=title)
    plot.setAccessibleName(title)
    plot.setProperty("title", title)
    _colour_plot(plot)
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMinimumHeight(180)
    return plot


def _colour_plot(plot: pg.PlotWidget) -> None:
    """The chart's ground, axes and title in the colours in force (light or dark)."""
    ground, ink = ("#1f2124", "#d5d8dd") if is_dark() else ("w", "#333333")
    plot.setBackground(ground)
    plot.setTitle(plot.property("title"), color=ink)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen(ink))
        axis.setTextPen(pg.mkPen(ink))


def _day_ticks(stats: Stats) -> list[tuple[float, str]]:
    count = len(stats.days)
    step = 1 if count <= 14 else 7 if count <= 120 else 30
    fmt = "%a %d" if count <= 7 else "%d %b"
    return [(i, d.day.strftime(fmt)) for i, d in enumerate(stats.days) if i % step == 0]


def _summary(stats: Stats, goal_percent: float) -> str:
    share, before = stats.good_share, stats.previous_good_share
    watched = stats.total("good_s") + stats.total("strained_s")
    text = (f"<b>{share:.0%}</b> of your time at the desk in good posture "
            f"({clock_words(stats.total('good_s'))} of {clock_words(watched)})"
            if share is not None else "No time in view in this period")
    if share is not None and before is not None:
        text += f", {points_words(share, before)} against the period before"
    responses = stats.responses()
    streak = stats.longest_good_streak_min
    streak_words = f"{streak} min" if streak else \
        ("under a minute" if stats.total("good_s") > 0 else "none")
    text += (f". Longest unbroken good stretch: <b>{streak_words}</b>. "
             f"Stretches done: <b>{int(stats.total('stretches'))}</b>. "
             f"Alerts: <b>{sum(responses.values())}</b>"
             f" ({responses['stretched']} led to a stretch).<br>"
             + breaks_words(stats))
    if stats.total("lent_s"):
        text += "<br>" + lent_words(stats) + "."
    return text + "<br>" + stats.goal(goal_percent).words()
