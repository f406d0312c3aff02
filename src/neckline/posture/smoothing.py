"""One Euro filter (Casiez, Roussel & Vogel, CHI 2012) on source time.

At rest the cutoff is ``min_cutoff`` (0.5 Hz: a time constant of 0.3 s, far below the seconds
of dwell before an alert); during quick movements it rises with the speed, so the filter follows
without lag. A gap longer than ``max_gap_s`` restarts the filter rather than bridging it.
"""

from __future__ import annotations

import math


def _alpha(cutoff_hz: float, dt: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    def __init__(self, min_cutoff_hz: float = 0.5, beta: float = 0.02,
                 derivative_cutoff_hz: float = 1.0, max_gap_s: float = 2.0) -> None:
        self.min_cutoff = min_cutoff_hz
        self.beta = beta
        self.d_cutoff = derivative_cutoff_hz
        self.max_gap_s = max_gap_s
        self._t: float | None = None
        self._x = 0.0
        self._dx = 0.0

    def reset(self) -> None:
        self._t = None

    def __call__(self, t: float, x: float) -> float:
        if self._t is None or t - self._t > self.max_gap_s or t <= self._t:
            if self._t is not None and t <= self._t:
                return self._x
            self._t, self._x, self._dx = t, x, 0.0
            return x
        dt = t - self._t
        dx = (x - self._x) / dt
        self._dx += _alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        self._t = t
        return self._x
