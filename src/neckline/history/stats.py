"""Statistics over a range of days, as the statistics window and ``neckline stats`` show them.

Everything is aggregated in SQL over the per-minute rows (indexed by local day), so a year of
daily use answers in tens of milliseconds. Standard library only: the CLI path stays light.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from neckline.config import PROBLEMS
from neckline.history.db import METRICS

RESPONSES = ("stretched", "snoozed", "dismissed", "no_response")
GOOD_MINUTE = "present_s >= 30 AND strained_s = 0"  # a minute that counts for a good streak


@dataclass
class DayStats:
    day: date
    present_s: float = 0.0
    good_s: float = 0.0
    strained_s: float = 0.0
    problem_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PROBLEMS, 0.0))
    alerts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESPONSES, 0))
    stretches: int = 0
    means: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(METRICS))

    @property
    def good_share(self) -> float | None:
        watched = self.good_s + self.strained_s
        return self.good_s / watched if watched > 0 else None


@dataclass
class Stats:
    start: date
    end: date
    days: list[DayStats]
    previous: list[DayStats]
    heatmap: list[list[float]]  # [day][hour] strained minutes
    longest_good_streak_min: int

    @property
    def empty(self) -> bool:
        return not any(d.present_s for d in self.days)

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

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(), "to": self.end.isoformat(),
            "present_s": round(self.total("present_s"), 1),
            "good_s": round(self.total("good_s"), 1),
            "strained_s": round(self.total("strained_s"), 1),
            "good_share": _round(self.good_share),
            "previous_good_share": _round(self.previous_good_share),
            "strained_minutes": {p: round(v, 1) for p, v in self.problem_minutes().items()},
            "alerts": self.responses(),
            "stretches": int(self.total("stretches")),
            "longest_good_streak_min": self.longest_good_streak_min,
            "days": [{
                "day": d.day.isoformat(), "present_s": round(d.present_s, 1),
                "good_s": round(d.good_s, 1), "strained_s": round(d.strained_s, 1),
                "strained_s_by_problem": {p: round(v, 1) for p, v in d.problem_s.items()},
                "alerts": d.alerts, "stretches": d.stretches,
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


def compute_stats(connection: sqlite3.Connection, start: date, end: date) -> Stats:
    days = {d: DayStats(d) for d in _days(start, end)}
    span = (end - start).days + 1
    prev_start, prev_end = start - timedelta(days=span), start - timedelta(days=1)
    previous = {d: DayStats(d) for d in _days(prev_start, prev_end)}
    bounds = (start.isoformat(), end.isoformat())

    sums = ", ".join(f"SUM(strained_{p}_s)" for p in PROBLEMS)
    means = ", ".join(f"SUM(mean_{m} * present_s) / SUM(CASE WHEN mean_{m} IS NOT NULL "
                      f"THEN present_s END)" for m in METRICS)
    for row in connection.execute(
            f"SELECT day, SUM(present_s), SUM(good_s), SUM(strained_s), {sums}, {means} "
            "FROM minutes WHERE day BETWEEN ? AND ? GROUP BY day", bounds):
        d = days[date.fromisoformat(row[0])]
        d.present_s, d.good_s, d.strained_s = row[1], row[2], row[3]
        d.problem_s = dict(zip(PROBLEMS, row[4:4 + len(PROBLEMS)], strict=True))
        d.means = dict(zip(METRICS, row[4 + len(PROBLEMS):], strict=True))
    for day_text, good, strained in connection.execute(
            "SELECT day, SUM(good_s), SUM(strained_s) FROM minutes WHERE day BETWEEN ? AND ? "
            "GROUP BY day", (prev_start.isoformat(), prev_end.isoformat())):
        p = previous[date.fromisoformat(day_text)]
        p.good_s, p.strained_s = good, strained
    for day_text, response, count in connection.execute(
            "SELECT day, response, COUNT(*) FROM alerts WHERE day BETWEEN ? AND ? "
            "GROUP BY day, response", bounds):
        days[date.fromisoformat(day_text)].alerts[response] = count
    for day_text, count in connection.execute(
            "SELECT day, COUNT(*) FROM stretches WHERE day BETWEEN ? AND ? GROUP BY day",
            bounds):
        days[date.fromisoformat(day_text)].stretches = count
    ordered = list(days)
    index = {d: i for i, d in enumerate(ordered)}
    heatmap = [[0.0] * 24 for _ in ordered]
    for day_text, hour, strained in connection.execute(
            "SELECT day, hour, SUM(strained_s) FROM minutes WHERE day BETWEEN ? AND ? "
            "GROUP BY day, hour", bounds):
        heatmap[index[date.fromisoformat(day_text)]][hour] = strained / 60.0
    # Longest run of consecutive good minutes (gaps and islands).
    streak = connection.execute(
        "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM ("
        " SELECT CAST(minute / 60 AS INTEGER) - ROW_NUMBER() OVER (ORDER BY minute) AS island"
        f" FROM minutes WHERE day BETWEEN ? AND ? AND {GOOD_MINUTE}) GROUP BY island)",
        bounds).fetchone()[0]
    return Stats(start, end, [days[d] for d in ordered], [previous[d] for d in previous],
                 heatmap, int(streak))


def delete_history(connection: sqlite3.Connection, before: date | None) -> dict[str, int]:
    """Deletes recorded history before ``before`` (everything if None); counts per table."""
    tables = ("minutes", "alerts", "stretches")
    counts = {}
    with connection:
        for table in tables:
            if before is None:
                cursor = connection.execute(f"DELETE FROM {table}")
            else:
                cursor = connection.execute(f"DELETE FROM {table} WHERE day < ?",
                                            (before.isoformat(),))
            counts[table] = cursor.rowcount
        cursor = connection.execute(
            "DELETE FROM sessions WHERE id NOT IN (SELECT DISTINCT session_id FROM minutes) "
            "AND id NOT IN (SELECT DISTINCT session_id FROM alerts WHERE session_id IS NOT NULL)")
        counts["sessions"] = cursor.rowcount
        if before is None:
            counts["calibrations"] = connection.execute("DELETE FROM calibrations").rowcount
    # Deleted means gone from the file too, not left in free pages.
    connection.execute("VACUUM")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def count_history(connection: sqlite3.Connection, before: date | None) -> dict[str, int]:
    counts = {}
    for table in ("minutes", "alerts", "stretches"):
        if before is None:
            counts[table] = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        else:
            counts[table] = connection.execute(f"SELECT COUNT(*) FROM {table} WHERE day < ?",
                                               (before.isoformat(),)).fetchone()[0]
    return counts
