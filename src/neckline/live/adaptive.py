"""Adaptive processing rate: full rate while anything changes, a low rate once the picture has
been steady for a while (good, strained or nobody there alike: a held posture needs no ten
frames a second to time a 60-second dwell), back to full at the first change."""

from __future__ import annotations

from neckline.config import Config
from neckline.posture.calibration import Calibration
from neckline.posture.engine import Sample
from neckline.posture.thresholds import neutral_distance_cm, thresholds, usable


class AdaptiveRate:
    def __init__(self, full_fps: float, idle_fps: float, idle_after_s: float,
                 thresholds: dict[str, float]) -> None:
        self.full_fps = full_fps
        self.idle_fps = idle_fps
        self.idle_after_s = idle_after_s
        # A metric "changes" when it moves by a quarter of its threshold from where the steady
        # spell began: well before it could reach the threshold from neutral.
        self.tolerance = {k: v / 4 for k, v in thresholds.items()}
        self._steady_since: float | None = None
        self._reference: dict[str, float | None] = {}
        self._state = ""
        self.fps = full_fps

    def update(self, sample: Sample) -> float:
        """The rate to use after ``sample``."""
        if sample.state != self._state or sample.state == "calibrating" \
                or self._moved(sample):
            self._state = sample.state
            self._steady_since = sample.t
            self._reference = dict(sample.metrics)
            self.fps = self.full_fps
        elif self._steady_since is not None and sample.t - self._steady_since >= self.idle_after_s:
            self.fps = self.idle_fps
        return self.fps

    def _moved(self, sample: Sample) -> bool:
        for key, tolerance in self.tolerance.items():
            now, then = sample.metrics.get(key), self._reference.get(key)
            if (now is None) != (then is None):
                return True
            if now is not None and then is not None and abs(now - then) > tolerance:
                return True
        return False


def adaptive_rate(config: Config, calibration: Calibration | None) -> AdaptiveRate:
    """The rate policy for ``config``, its tolerances from the thresholds (for the screen
    distance: the distance by which coming closer alerts)."""
    p = config.processing
    tolerances = thresholds(config, calibration)
    tolerances["too_close"] = (neutral_distance_cm(usable(calibration, config))
                               - tolerances["too_close"])
    return AdaptiveRate(p.rate_fps, p.idle_rate_fps, p.idle_after_s, tolerances)
