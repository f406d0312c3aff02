"""Plain words for alerts and states: what is strained, which way, and for how long."""

from __future__ import annotations

from neckline.config import REGISTRY, View
from neckline.posture.alerts import Alert

BREAK_TITLE = "Time for a short break"


def break_text(at_desk_s: float, break_min: float, stretch_title: str,
               problem: str | None) -> str:
    """The break reminder's sentence: how long at the desk, what to do, the stretch on offer."""
    why = (f" ({REGISTRY[problem].title.lower()}: today's most held strain)"
           if problem in REGISTRY else "")
    length = f"{break_min:g} minute{'s' * (break_min != 1)}"
    return (f"You have been at your desk for {duration_words(at_desk_s)}. Stand up, move and "
            f"look into the distance for {length}; the count starts again when you are back. "
            f"Or try: {stretch_title}{why}.")


def duration_words(seconds: float) -> str:
    if seconds < 90:
        return "a minute" if seconds >= 45 else f"{round(seconds)} seconds"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


def alert_text(alert: Alert, view: View = "front") -> tuple[str, str]:
    """(title, sentence) for a notification, e.g. ("Head tilted", "Your head has been tilted
    to the left for a minute.")."""
    held = duration_words(alert.held_s)
    v = alert.value
    if alert.problem == "head_tilt":
        side = "left" if v > 0 else "right"  # + is toward the user's left shoulder
        body = f"Your head has been tilted to the {side} ({abs(v):.0f}°) for {held}."
    elif alert.problem == "head_down":
        body = f"Your head has been bent down ({v:.0f}° more than your neutral) for {held}."
    elif alert.problem == "forward_head":
        if view == "side":
            body = (f"Your head has been forward of your shoulders (neck angle {v:.0f}°) "
                    f"for {held}.")
        else:
            body = f"Your head has been pushed forward (about {v:.0f} cm) for {held}."
    elif alert.problem == "shoulders_uneven":
        higher = "right" if v > 0 else "left"  # + means the left shoulder is lower
        body = f"Your {higher} shoulder has been higher than the other for {held}."
    elif alert.problem == "too_close":
        body = (f"You have been leaning in, closer to the screen than you calibrated (about "
                f"{v:.0f} cm), for {held}; sitting back eases your neck and eyes.")
    else:
        body = f"{alert.problem} for {held}."
    facts = REGISTRY.get(alert.problem)
    return (facts.title if facts else alert.problem), body


def gauge_reading(problem: str, metrics: dict[str, float | None], threshold: float,
                  view: View = "front") -> tuple[float | None, str]:
    """(value as a fraction of its threshold, text) for the main window's bars; 1.0 is at the
    threshold. None where the measure is missing this moment."""
    if problem == "forward_head" and view == "side":
        cva = metrics.get("cva")
        if cva is None:
            return None, "—"
        return threshold / max(cva, 1.0), f"neck angle {cva:.0f}° · limit {threshold:.0f}°"
    value = metrics.get(problem)
    if value is None:
        return None, "calibrate to measure" if problem == "forward_head" else "—"
    value = round(value, 1) + 0.0  # no "-0.0"
    if problem == "too_close":
        return threshold / max(value, 1.0), f"{value:.0f} cm · limit {threshold:.0f} cm"
    if problem == "forward_head":
        shown = round(value, 1) + 0.0  # (rounded first: never "-0.0")
        return max(value, 0.0) / threshold, f"{shown:+.1f} cm · limit {threshold:.1f} cm"
    if problem == "head_tilt":
        side = "level" if round(value) == 0 else "left" if value > 0 else "right"
        return abs(value) / threshold, f"{abs(value):.0f}° {side} · limit {threshold:.0f}°"
    if problem == "head_down":
        return max(value, 0.0) / threshold, f"{round(value):+d}° · limit {threshold:.0f}°"
    return abs(value) / threshold, f"{abs(value):.0f}° · limit {threshold:.0f}°"


STATE_WORDS = {
    "good": "Good posture",
    "strained": "Strained",
    "away": "Away",
    "paused": "Paused",
    "calibrating": "Calibrating…",
    "fault": "Camera problem",
    "starting": "Starting…",
}
# The headline for a fault that is not the camera's.
FAULT_WORDS = {"model_problem": "neckline cannot run", "source_unreadable": "Video problem",
               "failed": "neckline stopped watching"}


def clock_words(seconds: float) -> str:
    """'under a minute', '12 min', '1 h 05 min'."""
    if 0 < seconds < 30:
        return "under a minute"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
