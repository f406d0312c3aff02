"""A guided stretch: steps through repetitions (and sides), times each hold, and, where the
camera can see the position, runs the hold timer only while the position is held.

Pure: ``update(t, metrics)`` is called with source time and the engine's metrics (None when
there is no camera picture, in which case the timer simply runs).
"""

from __future__ import annotations

from dataclasses import dataclass

from neckline.stretches.catalogue import Stretch

REST_S = 3.0  # between holds: time to come back to neutral


@dataclass(frozen=True)
class Hold:
    rep: int  # 1-based
    side: str | None  # "left", "right" or None


class GuidedStretch:
    def __init__(self, stretch: Stretch, rest_s: float = REST_S) -> None:
        self.stretch = stretch
        self.rest_s = rest_s
        sides: tuple[str | None, ...] = ("left", "right") if stretch.per_side else (None,)
        self.plan = [Hold(rep, side) for rep in range(1, stretch.reps + 1) for side in sides]
        self.index = 0
        self.held_s = 0.0
        self.resting = False
        self.rest_left_s = 0.0
        self.in_position: bool | None = None  # None: not checked (no camera or no check)
        self.progress_value: float | None = None  # the measure toward its target, for display
        self.completed = False
        self._last_t: float | None = None

    @property
    def current(self) -> Hold | None:
        return None if self.completed else self.plan[self.index]

    @property
    def total_holds(self) -> int:
        return len(self.plan)

    def reached(self, metrics: dict[str, float | None] | None) -> bool | None:
        """Whether the current position is reached; None when it cannot be checked."""
        check = self.stretch.check
        hold = self.current
        if check is None or metrics is None or hold is None:
            self.progress_value = None
            return None
        value = metrics.get(check.measure)
        if value is None:
            self.progress_value = None
            return None
        if check.direction == "side":
            # + is toward the user's left for tilt and turn
            toward = value if hold.side != "right" else -value
        elif check.direction == "down":
            toward = -value
        else:
            toward = value
        self.progress_value = toward
        return toward >= check.target

    def update(self, t: float, metrics: dict[str, float | None] | None) -> None:
        """Advance to source time ``t``."""
        dt = 0.0 if self._last_t is None else max(0.0, min(t - self._last_t, 1.0))
        self._last_t = t
        if self.completed:
            return
        if self.resting:
            self.rest_left_s -= dt
            if self.rest_left_s <= 0:
                self.resting = False
            return
        self.in_position = self.reached(metrics)
        if self.in_position is False:
            return  # position lost or not reached yet: the timer waits
        self.held_s += dt
        if self.held_s >= self.stretch.hold_s:
            self.held_s = 0.0
            if self.index + 1 >= len(self.plan):
                self.completed = True
            else:
                self.index += 1
                self.resting = True
                self.rest_left_s = self.rest_s
