"""Alert rules: one small state machine per problem, driven by source time.

A problem is *strained* from the moment its measure goes beyond the threshold. It raises an
alert once it has been strained continuously for the dwell time (60 s by default), so glances
at the keyboard never alert. It clears ``clear_after_s`` seconds after the measure came back
past the threshold by at least the margin, provided it has not gone beyond the threshold again
since, so a measure hovering at the threshold does not flicker. The same problem does not alert
again within the cooldown; a strain still held when the cooldown ends alerts again (and never
sooner than one more dwell: a cooldown of 0 means once per dwell, not once per frame). Nobody in
view resets every timer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from neckline.config import Direction

__all__ = ["Alert", "Direction", "ProblemTracker", "Response"]

MIN_REPEAT_S = 5.0  # the soonest one problem alerts again, whatever the settings

Response = Literal["stretched", "snoozed", "dismissed", "no_response"]
"""What the user did with an alert."""


@dataclass(frozen=True)
class Alert:
    t: float  # source time, seconds
    problem: str
    held_s: float
    value: float  # the measure at the moment of the alert
    stretches: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"t": round(self.t, 2), "problem": self.problem, "held_s": round(self.held_s, 1),
                "value": round(self.value, 2), "stretches": list(self.stretches)}


class ProblemTracker:
    """Tracks one problem. ``update`` returns an Alert when one is due, else None."""

    def __init__(self, problem: str, *, threshold: float, margin: float, dwell_s: float,
                 direction: Direction, clear_after_s: float, cooldown_s: float) -> None:
        self.problem = problem
        self.threshold = threshold
        self.margin = margin
        self.dwell_s = dwell_s
        self.direction = direction
        self.clear_after_s = clear_after_s
        self.cooldown_s = cooldown_s
        self.strained_since: float | None = None
        self._good_since: float | None = None
        self._missing_since: float | None = None
        self._last_alert_t: float | None = None

    @property
    def strained(self) -> bool:
        """An episode is open: the dwell timer runs (it survives brief dips)."""
        return self.strained_since is not None

    @property
    def holding(self) -> bool:
        """The posture is out of range right now: the episode is open and the measure has not
        yet come back past the threshold by the margin. This is what statistics count."""
        return self.strained_since is not None and self._good_since is None

    def _beyond(self, value: float) -> bool:
        if self.direction is Direction.BELOW:
            return value < self.threshold
        return (abs(value) if self.direction is Direction.AWAY_FROM_ZERO else value) \
            > self.threshold

    def _well_back(self, value: float) -> bool:
        if self.direction is Direction.BELOW:
            return value >= self.threshold + self.margin
        v = abs(value) if self.direction is Direction.AWAY_FROM_ZERO else value
        return v <= self.threshold - self.margin

    def carry_on_from(self, old: ProblemTracker) -> None:
        """Takes over ``old``'s cooldown and the strain being held: a new config (an Apply in
        Settings) neither lets the same alert come again at once nor restarts a dwell."""
        self._last_alert_t = old._last_alert_t
        self.strained_since = old.strained_since
        self._good_since = old._good_since
        self._missing_since = old._missing_since

    def reset(self) -> None:
        """Nobody in view: timers restart; the cooldown is kept."""
        self.strained_since = None
        self._good_since = None
        self._missing_since = None

    def update(self, t: float, value: float | None) -> Alert | None:
        if value is None:
            # Not measurable this frame: keep the state for a short while, then give up on it.
            if self._missing_since is None:
                self._missing_since = t
            elif t - self._missing_since >= self.clear_after_s:
                self.reset()
            return None
        self._missing_since = None
        if self.strained_since is None:
            if self._beyond(value):
                self.strained_since = t
                self._good_since = None
            else:
                return None
        elif self._well_back(value):
            if self._good_since is None:
                self._good_since = t
            if t - self._good_since >= self.clear_after_s:
                self.reset()
                return None
        elif self._beyond(value):
            self._good_since = None  # between the two lines the clear timer keeps running
        held = t - self.strained_since
        # A strain still held alerts again after the cooldown, and never sooner than another
        # dwell (a cooldown of 0 used to alert at every frame).
        again_after = max(self.cooldown_s, self.dwell_s, MIN_REPEAT_S)
        cooled = self._last_alert_t is None or t - self._last_alert_t >= again_after
        if held >= self.dwell_s and cooled and self._good_since is None and self._beyond(value):
            self._last_alert_t = t
            return Alert(t, self.problem, held, value)
        return None
