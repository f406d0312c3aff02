"""Live quality checks shown while calibrating, from the most recent samples."""

from __future__ import annotations

from collections.abc import Sequence

from neckline.config import View
from neckline.landmarks.body import LEFT_EAR, LEFT_SHOULDER, RIGHT_EAR, RIGHT_SHOULDER
from neckline.posture.engine import Sample

STILL_DEG = 3.0  # largest head movement over the last second that counts as still


def live_checks(recent: Sequence[Sample], view: View) -> list[tuple[str, bool]]:
    """[(what the user should see, whether it holds now)], for the last second of samples."""
    last = recent[-1] if recent else None
    in_view = last is not None and last.present
    body = last.body if last is not None else None
    if view == "side":
        visible = body is not None and (body.has(LEFT_EAR, LEFT_SHOULDER)
                                        or body.has(RIGHT_EAR, RIGHT_SHOULDER))
        parts = "your ear and shoulder"
    else:
        face = last is not None and last.face is not None
        shoulders = body is not None and body.has(LEFT_SHOULDER, RIGHT_SHOULDER)
        pose_only = last is not None and last.face is None and body is not None \
            and last.metrics.get("head_down") is not None
        visible = (face or pose_only) and shoulders
        parts = "your face and both shoulders"
    # Judged on the calibrating samples: the moment calibration ends, the measures jump from
    # "against level" to "against your neutral", which is not movement.
    window = [x for x in recent if x.state == "calibrating"] or list(recent)
    still = in_view and _spread(window, "head_tilt") < STILL_DEG \
        and _spread(window, "head_down") < STILL_DEG
    return [("You are in view", in_view),
            (f"The camera sees {parts}", visible),
            ("You are holding still", still)]


def _spread(samples: Sequence[Sample], key: str) -> float:
    values = [v for s in samples if (v := s.metrics.get(key)) is not None]
    return max(values) - min(values) if len(values) >= 2 else 0.0
