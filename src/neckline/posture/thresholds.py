"""Where each problem starts: one pure function of the config and the calibration.

The engine's alert rules, the main window's bars and the adaptive rate's tolerances all read
``thresholds``; nothing else works a threshold out.
- A relative measure's threshold is the configured one, raised to ``noise_multiplier`` times how
  much the measure wandered while the user sat still for calibration (its noise floor).
- Screen distance is judged against the user's own neutral distance, as a share of it; before
  calibration against ``NOMINAL_DISTANCE_CM``, so that the default 20% closer is OSHA's 50 cm.
- With the camera at the side, forward head is the craniovertebral angle's limit.
"""

from __future__ import annotations

from neckline.config import PROBLEMS, Config, problem
from neckline.posture.calibration import Calibration

NOMINAL_DISTANCE_CM = 62.5


def usable(calibration: Calibration | None, config: Config) -> Calibration | None:
    """``calibration`` if it was made for the camera's view; a side-view neutral means nothing
    to a front camera."""
    if calibration is not None and calibration.view != config.camera.view:
        return None
    return calibration


def neutral_distance_cm(calibration: Calibration | None) -> float:
    """The eye-to-screen distance the user calibrated at (NOMINAL_DISTANCE_CM before)."""
    if calibration is not None and "eye_distance_cm" in calibration.neutral:
        return calibration.neutral["eye_distance_cm"]
    return NOMINAL_DISTANCE_CM


def threshold(problem_id: str, config: Config, calibration: Calibration | None) -> float:
    """The effective threshold of one problem, in the unit of its measure (for the screen
    distance: the distance in cm below which it is too close)."""
    calibration = usable(calibration, config)
    if problem_id == "forward_head" and config.camera.view == "side":
        return config.alerts.side_cva_limit_deg
    rule = config.alerts.rule(problem_id)
    if problem_id == "too_close":
        return neutral_distance_cm(calibration) * (1.0 - rule.threshold / 100.0)
    key = problem(problem_id).noise_key
    if calibration is None or key is None:
        return rule.threshold
    wander = calibration.spread.get(key, 0.0)
    return max(rule.threshold, config.calibration.noise_multiplier * wander)


def thresholds(config: Config, calibration: Calibration | None) -> dict[str, float]:
    """Every problem's effective threshold (see ``threshold``)."""
    return {p: threshold(p, config, calibration) for p in PROBLEMS}
