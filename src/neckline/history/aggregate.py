"""What the history keeps of the engine's samples: per-minute totals and measure statistics
(``MinuteAggregator``), and the stretches at the desk between breaks (``DeskLog``). Pure: the
recorder's thread feeds them and writes their rows."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neckline.config import PROBLEMS
from neckline.history.schema import METRICS
from neckline.posture.breaks import DeskEventKind
from neckline.posture.engine import Sample, sample_span


@dataclass
class Minute:
    minute: float  # epoch seconds at the start of the (local) minute
    present_s: float = 0.0
    good_s: float = 0.0
    strained_s: float = 0.0
    problem_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PROBLEMS, 0.0))
    values: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in METRICS})

    def add(self, sample: Sample, seconds: float) -> None:
        if sample.present:
            self.present_s += seconds
        if sample.state == "good":
            self.good_s += seconds
        elif sample.state == "strained":
            self.strained_s += seconds
            for problem in sample.problems:
                self.problem_s[problem] += seconds
        if sample.present:
            for metric in METRICS:
                value = sample.metrics.get(metric)
                if value is not None:
                    self.values[metric].append(value)

    def row(self, session_id: int) -> dict[str, Any]:
        when = datetime.fromtimestamp(self.minute)
        row: dict[str, Any] = {
            "session_id": session_id, "minute": self.minute, "day": f"{when:%Y-%m-%d}",
            "hour": when.hour, "present_s": round(self.present_s, 2),
            "good_s": round(self.good_s, 2), "strained_s": round(self.strained_s, 2)}
        for problem in PROBLEMS:
            row[f"strained_{problem}_s"] = round(self.problem_s[problem], 2)
        for metric in METRICS:
            values = sorted(self.values[metric])
            row[f"mean_{metric}"] = sum(values) / len(values) if values else None
            row[f"p90_{metric}"] = _percentile(values, 0.9) if values else None
        return row


def _percentile(ordered: list[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class MinuteAggregator:
    """Samples with their epoch times in; finished minutes out. Each sample counts for the time
    until the next one (``sample_span``)."""

    def __init__(self) -> None:
        self.current: Minute | None = None
        self._pending: tuple[Sample, float] | None = None
        self._last_dt = 0.1

    def add(self, sample: Sample, epoch: float) -> list[Minute]:
        done: list[Minute] = []
        if self._pending is not None:
            previous, previous_epoch = self._pending
            dt = sample_span(previous_epoch, epoch)
            if dt > 0:
                self._last_dt = dt
            done = self._count(previous, previous_epoch, dt)
        self._pending = (sample, epoch)
        return done

    def finish(self) -> list[Minute]:
        """The last sample counted, and every minute still open."""
        done: list[Minute] = []
        if self._pending is not None:
            done = self._count(*self._pending, self._last_dt)
            self._pending = None
        if self.current is not None:
            done.append(self.current)
            self.current = None
        return done

    def _count(self, sample: Sample, epoch: float, seconds: float) -> list[Minute]:
        minute = math.floor(epoch / 60.0) * 60.0
        done = []
        if self.current is not None and self.current.minute != minute:
            done.append(self.current)
            self.current = None
        if self.current is None:
            self.current = Minute(minute)
        self.current.add(sample, seconds)
        return done


@dataclass
class DeskStretch:
    """A stretch at the desk as the database keeps it (epoch seconds)."""

    start: float
    seconds: float = 0.0
    reminders: int = 0
    ended_by: str | None = None  # "break" or "paused"; None while it runs
    away_s: float | None = None

    def row(self, session_id: int) -> tuple[object, ...]:
        return (session_id, self.start, f"{datetime.fromtimestamp(self.start):%Y-%m-%d}",
                round(self.seconds, 2), self.reminders, self.ended_by,
                None if self.away_s is None else round(self.away_s, 2))


class DeskLog:
    """The stretches at the desk in the samples (posture.breaks), as rows to write: the ones
    that ended, and the running one, kept up to date."""

    def __init__(self) -> None:
        self.current: DeskStretch | None = None
        self.ended: list[DeskStretch] = []

    def add(self, sample: Sample, epoch: float) -> None:
        for event in sample.desk_events:
            if self.current is None:
                continue
            if event.kind is DeskEventKind.REMINDER:
                self.current.reminders += 1
            else:
                self.current.seconds = event.at_desk_s
                self.current.ended_by, self.current.away_s = str(event.kind), event.away_s
                self.ended.append(self.current)
                self.current = None
        if sample.at_desk_s is not None:
            if self.current is None:  # (the sample's own time is the stretch's last sighting
                self.current = DeskStretch(epoch - sample.at_desk_s)  # when present)
            self.current.seconds = sample.at_desk_s

    def rows(self, session_id: int) -> list[tuple[object, ...]]:
        """The rows to write now; the ended stretches are handed over once."""
        rows = [s.row(session_id) for s in self.ended]
        if self.current is not None:
            rows.append(self.current.row(session_id))
        return rows
