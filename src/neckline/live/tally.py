"""Today's posture totals, kept by the app until the statistics database takes over."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from neckline.posture.engine import Sample


@dataclass
class DayTally:
    day: date
    good_s: float = 0.0
    strained_s: float = 0.0
    away_s: float = 0.0
    strained_by_problem: dict[str, float] = field(default_factory=dict)

    def add(self, sample: Sample, seconds: float, today: date) -> None:
        """Counts ``seconds`` in the state of ``sample``; a new day starts a new tally."""
        if today != self.day:
            self.day = today
            self.good_s = self.strained_s = self.away_s = 0.0
            self.strained_by_problem = {}
        if sample.state == "good":
            self.good_s += seconds
        elif sample.state == "strained":
            self.strained_s += seconds
            for problem in sample.problems:
                self.strained_by_problem[problem] = \
                    self.strained_by_problem.get(problem, 0.0) + seconds
        elif sample.state == "away":
            self.away_s += seconds

    def add_earlier(self, day: date, good_s: float, strained_s: float,
                    strained_by_problem: dict[str, float]) -> None:
        """What earlier sessions recorded on ``day``, if that is the tally's day."""
        if day != self.day:
            return
        self.good_s += good_s
        self.strained_s += strained_s
        for problem, seconds in strained_by_problem.items():
            self.strained_by_problem[problem] = \
                self.strained_by_problem.get(problem, 0.0) + seconds

    @property
    def good_share(self) -> float | None:
        watched = self.good_s + self.strained_s
        return self.good_s / watched if watched > 0 else None
