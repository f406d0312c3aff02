"""Statistics over a range of days, as the statistics window and ``neckline stats`` show them.

Everything is aggregated in SQL over the per-minute rows (indexed by local day), so a year of
daily use answers in tens of milliseconds. Standard library only: the CLI path stays light.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, get_args

from neckline.config import PROBLEMS
from neckline.history.schema import METRICS
from neckline.posture.alerts import Response

RESPONSES: tuple[Response, ...] = get_args(Response)
_T = TypeVar("_T")


@dataclass
class DayStats:
    day: date
    present_s: float = 0.0
    good_s: float = 0.0
    strained_s: float = 0.0
    problem_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PROBLEMS, 0.0))
    alerts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESPONSES, 0))
    stretches: int = 0
    breaks: int = 0  # breaks taken (away from the desk, or the screen locked, long enough)
    longest_at_desk_s: float = 0.0  # the longest stretch at the desk begun that day
    break_reminders: int = 0
    lent_s: float = 0.0  # the camera lent to another program (a video call)
    calibrated: bool = False  # a session that day measured against a calibrated neutral
    means: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(METRICS))

    @property
    def good_share(self) -> float | None:
        watched = self.good_s + self.strained_s
        return self.good_s / watched if watched > 0 else None


DESK_DAY_S = 15 * 60  # a day counts for the goal with at least this much time in view


@dataclass(frozen=True)
class Goal:
    percent: float
    met_days: int
    desk_days: int
    streak_days: int  # desk days in a row, to the period's last, that met it

    def words(self) -> str:
        if not self.desk_days:
            return f"Daily goal ({self.percent:g}% good): no desk day in this period."
        streak = f"{self.streak_days} day{'s' * (self.streak_days != 1)} in a row"
        return (f"Daily goal ({self.percent:g}% good): met on {self.met_days} of "
                f"{self.desk_days} desk day{'s' * (self.desk_days != 1)}; {streak} now.")


@dataclass
class Stats:
    start: date
    end: date
    days: list[DayStats]
    previous: list[DayStats]
    heatmap: list[list[float]]  # [day][hour] strained minutes
    longest_good_streak_min: int
    skipped: int = 0  # damaged rows left out (see compute_stats)

    @property
    def calibrated(self) -> bool:
        """Some of the period was measured against a calibrated neutral."""
        return any(d.calibrated for d in self.days)

    @property
    def empty(self) -> bool:
        return not any(d.present_s or d.lent_s for d in self.days)

    @property
    def longest_at_desk_s(self) -> float:
        return max((d.longest_at_desk_s for d in self.days), default=0.0)

    def total(self, attribute: str) -> float:
        return float(sum(getattr(d, attribute) for d in self.days))

    @property
    def good_share(self) -> float | None:
        return _share(self.days)

    @property
    def previous_good_share(self) -> float | None:
        return _share(self.previous)

    def problem_minutes(self) -> dict[str, float]:
        return {p: sum(d.problem_s[p] for d in self.days) / 60 for p in PROBLEMS}

    def responses(self) -> dict[str, int]:
        return {r: sum(d.alerts[r] for d in self.days) for r in RESPONSES}

    def goal(self, percent: float) -> Goal:
        """How the desk days of the period did against a daily goal of ``percent`` good."""
        desk = [d for d in self.days if d.good_s + d.strained_s >= DESK_DAY_S]
        met = [d.good_share is not None and d.good_share * 100 >= percent for d in desk]
        streak = 0
        for ok in reversed(met):  # days away from the desk neither count nor break it
            if not ok:
                break
            streak += 1
        return Goal(percent, sum(met), len(desk), streak)

    def to_json(self, goal_percent: float | None = None) -> dict[str, Any]:
        goal = None if goal_percent is None else self.goal(goal_percent)
        return {
            "goal": None if goal is None else {
                "percent": goal.percent, "met_days": goal.met_days,
                "desk_days": goal.desk_days, "streak_days": goal.streak_days},
            "from": self.start.isoformat(), "to": self.end.isoformat(),
            "present_s": round(self.total("present_s"), 1),
            "good_s": round(self.total("good_s"), 1),
            "strained_s": round(self.total("strained_s"), 1),
            "good_share": _round(self.good_share),
            "previous_good_share": _round(self.previous_good_share),
            "strained_minutes": {p: round(v, 1) for p, v in self.problem_minutes().items()},
            "alerts": self.responses(),
            "stretches": int(self.total("stretches")),
            "breaks": int(self.total("breaks")),
            "break_reminders": int(self.total("break_reminders")),
            "lent_s": round(self.total("lent_s"), 1),
            "longest_at_desk_s": round(self.longest_at_desk_s, 1),
            "longest_good_streak_min": self.longest_good_streak_min,
            "days": [{
                "day": d.day.isoformat(), "present_s": round(d.present_s, 1),
                "good_s": round(d.good_s, 1), "strained_s": round(d.strained_s, 1),
                "strained_s_by_problem": {p: round(v, 1) for p, v in d.problem_s.items()},
                "alerts": d.alerts, "stretches": d.stretches, "breaks": d.breaks,
                "break_reminders": d.break_reminders, "lent_s": round(d.lent_s, 1),
                "longest_at_desk_s": round(d.longest_at_desk_s, 1),
                "means": {m: _round(v) for m, v in d.means.items()}} for d in self.days],
            "heatmap_strained_minutes": [[round(v, 1) for v in row] for row in self.heatmap],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _share(days: list[DayStats]) -> float | None:
    good = sum(d.good_s for d in days)
    watched = good + sum(d.strained_s for d in days)
    return good / watched if watched > 0 else None


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def parse_day(value: object) -> date | None:
    """A day as the database keeps it ('2026-03-02'); None for anything else (a damaged row:
    fromisoformat alone would also take '20260302')."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _on(table: dict[date, _T], value: object) -> _T | None:
    """What ``table`` holds for the day ``value`` names (None: not a day, or not in it)."""
    day = parse_day(value)
    return None if day is None else table.get(day)


def is_number(value: object) -> bool:
    """A number a sum of a lifetime of them keeps finite: not text, NULL, infinity or 1e308
    written into a damaged row."""
    return isinstance(value, int | float) and math.isfinite(value) and abs(value) < 1e15


# Rows of stretches at the desk that can be summed (checked in SQL: they are grouped there).
_DESK_ROW_OK = ("typeof(seconds) IN ('integer', 'real') AND abs(seconds) < 1e15 "
                "AND typeof(reminders) = 'integer' AND abs(reminders) < 1e15")


def compute_stats(connection: sqlite3.Connection, start: date, end: date) -> Stats:
    """Reads the day and hour rollups (kept by the recorder), alerts, stretches done and
    stretches at the desk. A damaged row (a day that is not a date, text or an absurd number
    where a number belongs) is skipped and counted in ``Stats.skipped``: one bad row must not
    hide the rest."""
    days = {d: DayStats(d) for d in _days(start, end)}
    back = min((end - start).days + 1, (start - date.min).days)  # none before the year 1
    previous = {d: DayStats(d) for d in _days(start - timedelta(days=back), start)[:-1]}
    bounds = (start.isoformat(), end.isoformat())
    columns = ("present_s, good_s, strained_s, "
               + ", ".join(f"strained_{p}_s" for p in PROBLEMS) + ", "
               + ", ".join(f"sum_{m}, weight_{m}" for m in METRICS)
               + ", streak_max, first_run_start, first_run_len, last_run_end, last_run_len")
    streak = _Streak()
    skipped = 0
    for row in connection.execute(f"SELECT day, {columns} FROM days WHERE day BETWEEN ? AND ? "
                                  "ORDER BY day", bounds):
        d = _on(days, row[0])
        i = 4 + len(PROBLEMS)
        runs = row[i + len(METRICS) * 2:]
        if d is None or not all(is_number(v) for v in row[1:i + len(METRICS) * 2]) or \
                not all(is_number(v) or (v is None and k in (1, 3)) for k, v in enumerate(runs)):
            skipped += 1
            continue
        d.present_s, d.good_s, d.strained_s = row[1], row[2], row[3]
        d.problem_s = dict(zip(PROBLEMS, row[4:i], strict=True))
        for metric in METRICS:
            total, weight = row[i], row[i + 1]
            d.means[metric] = total / weight if weight else None
            i += 2
        streak.add(*runs)
    if previous:
        for day_text, good, strained in connection.execute(
                "SELECT day, good_s, strained_s FROM days WHERE day BETWEEN ? AND ?",
                (min(previous).isoformat(), max(previous).isoformat())):
            p = _on(previous, day_text)
            if p is not None and is_number(good) and is_number(strained):
                p.good_s, p.strained_s = good, strained
    for day_text, response, count in connection.execute(
            "SELECT day, response, COUNT(*) FROM alerts WHERE day BETWEEN ? AND ? "
            "GROUP BY day, response", bounds):
        d = _on(days, day_text)
        if d is None or response not in RESPONSES:
            skipped += count
            continue
        d.alerts[response] = count
    for day_text, count in connection.execute(
            "SELECT day, COUNT(*) FROM stretches WHERE day BETWEEN ? AND ? GROUP BY day",
            bounds):
        d = _on(days, day_text)
        if d is None:
            skipped += count
            continue
        d.stretches = count
    skipped += connection.execute(
        f"SELECT COUNT(*) FROM desk_stretches WHERE day BETWEEN ? AND ? AND NOT ({_DESK_ROW_OK})",
        bounds).fetchone()[0]
    for day_text, breaks, longest, reminders, count in connection.execute(
            "SELECT day, COUNT(*) FILTER (WHERE ended_by = 'break'), MAX(seconds), "
            f"SUM(reminders), COUNT(*) FROM desk_stretches WHERE day BETWEEN ? AND ? "
            f"AND {_DESK_ROW_OK} GROUP BY day", bounds):
        d = _on(days, day_text)
        if d is None:
            skipped += count
            continue
        d.breaks, d.longest_at_desk_s, d.break_reminders = breaks, longest, reminders
    for day_text, seconds in connection.execute(
            "SELECT day, SUM(seconds) FROM lent WHERE day BETWEEN ? AND ? GROUP BY day",
            bounds):
        d = _on(days, day_text)
        if d is None or not is_number(seconds):
            skipped += 1
            continue
        d.lent_s = seconds
    for (day_text,) in connection.execute(
            "SELECT DISTINCT minutes.day FROM minutes JOIN sessions ON sessions.id = "
            "minutes.session_id WHERE sessions.calibration_id IS NOT NULL AND minutes.day "
            "BETWEEN ? AND ?", bounds):
        d = _on(days, day_text)
        if d is not None:
            d.calibrated = True
    ordered = list(days)
    index = {d: i for i, d in enumerate(ordered)}
    heatmap = [[0.0] * 24 for _ in ordered]
    for day_text, hour, strained in connection.execute(
            "SELECT day, hour, strained_s FROM hours WHERE day BETWEEN ? AND ?", bounds):
        at = _on(index, day_text)
        if at is None or not isinstance(hour, int) or not 0 <= hour < 24 or \
                not is_number(strained):
            skipped += 1
            continue
        heatmap[at][hour] = strained / 60.0
    return Stats(start, end, [days[d] for d in ordered], [previous[d] for d in previous],
                 heatmap, streak.longest, skipped)


class _Streak:
    """The longest run of good minutes over days in order, joining a run that ends at a day's
    last minute with one that starts the next minute (past midnight)."""

    def __init__(self) -> None:
        self.longest = 0
        self._open_end: float | None = None  # last minute of the run still open
        self._open_len = 0

    def add(self, day_max: int, first_start: float | None, first_len: int,
            last_end: float | None, last_len: int) -> None:
        self.longest = max(self.longest, day_max)
        if first_start is None or last_end is None:
            self._open_end, self._open_len = None, 0
            return
        joined = first_len
        if self._open_end is not None and abs(first_start - self._open_end - 60.0) < 1.0:
            joined += self._open_len
            self.longest = max(self.longest, joined)
        whole_day_one_run = abs(last_end - first_start - 60.0 * (first_len - 1)) < 1.0
        self._open_end = last_end
        self._open_len = joined if whole_day_one_run else last_len


def delete_history(connection: sqlite3.Connection, before: date | None) -> dict[str, int]:
    """Deletes recorded history before ``before`` (everything if None); counts per table."""
    tables = ("minutes", "alerts", "stretches", "desk_stretches", "lent", "days", "hours")
    counts = {}
    with connection:
        for table in tables:
            if before is None:
                cursor = connection.execute(f"DELETE FROM {table}")
            else:
                cursor = connection.execute(f"DELETE FROM {table} WHERE day < ?",
                                            (before.isoformat(),))
            counts[table] = cursor.rowcount
        # Sessions left with nothing, but not one begun on or after ``before``: a session
        # that has only just started (nothing written yet) is being recorded, and kept.
        cursor = connection.execute(
            "DELETE FROM sessions WHERE id NOT IN (SELECT DISTINCT session_id FROM minutes) "
            "AND id NOT IN (SELECT DISTINCT session_id FROM alerts WHERE session_id IS NOT NULL) "
            "AND id NOT IN (SELECT DISTINCT session_id FROM desk_stretches) "
            "AND id NOT IN (SELECT DISTINCT session_id FROM lent) AND started < ?",
            (math.inf if before is None else
             datetime.combine(before, datetime.min.time()).timestamp(),))
        counts["sessions"] = cursor.rowcount
        if before is None:
            counts["calibrations"] = connection.execute("DELETE FROM calibrations").rowcount
    # Deleted means gone from the file too, not left in free pages.
    try:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as e:
        raise NotCompacted(str(e)) from None
    return counts


class NotCompacted(Exception):
    """The rows were deleted, but the file could not be rewritten without them just now (another
    program reads it); the next delete, or SQLite's own reuse of the free pages, finishes it."""


def count_history(connection: sqlite3.Connection, before: date | None) -> dict[str, int]:
    counts = {}
    for table in ("minutes", "alerts", "stretches"):
        if before is None:
            counts[table] = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        else:
            counts[table] = connection.execute(f"SELECT COUNT(*) FROM {table} WHERE day < ?",
                                               (before.isoformat(),)).fetchone()[0]
    return counts
