"""Live quality checks shown while calibrating, from the most recent samples."""

from __future__ import annotations

from collections.abc import Sequence

from neckline.body import LEFT_EAR, LEFT_SHOULDER, RIGHT_EAR, RIGHT_SHOULDER
from neckline.engine import Sample

STILL_DEG = 3.0  # largest head movement over the last second that counts as still


def live_checks(recent: Sequence[Sample], view: str) -> list[tuple[str, bool]]:
    """[(what the user should see, whether it holds now)], for the last second of samples."""
    last = recent[-1] if recent else None
    in_view = last is not None and last.present and last.body is not None
    body = last.body if last is not None else None
    if body is None:
        visible = False
    elif view == "side":
        visible = body.has(LEFT_EAR, LEFT_SHOULDER) or body.has(RIGHT_EAR, RIGHT_SHOULDER)
    else:
        visible = body.has(LEFT_EAR, RIGHT_EAR, LEFT_SHOULDER, RIGHT_SHOULDER)
    still = in_view and _spread(recent, "head_tilt") < STILL_DEG \
        and _spread(recent, "head_down") < STILL_DEG
    parts = "your ear and shoulder" if view == "side" else "both ears and both shoulders"
    return [("You are in view", in_view),
            (f"The camera sees {parts}", visible),
            ("You are holding still", still)]


def _spread(samples: Sequence[Sample], key: str) -> float:
    values = [v for s in samples if (v := s.metrics.get(key)) is not None]
    return max(values) - min(values) if len(values) >= 2 else 0.0
