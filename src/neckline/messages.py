"""Plain words for alerts and states: what is strained, which way, and for how long."""

from __future__ import annotations

from neckline.alerts import Alert

TITLES = {
    "head_tilt": "Head tilted",
    "head_down": "Head bent down",
    "forward_head": "Head pushed forward",
    "shoulders_uneven": "Shoulders uneven",
    "too_close": "Too close to the screen",
}


def duration_words(seconds: float) -> str:
    if seconds < 90:
        return "a minute" if seconds >= 45 else f"{round(seconds)} seconds"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


def alert_text(alert: Alert, view: str = "front") -> tuple[str, str]:
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
        body = (f"You have been about {v:.0f} cm from the screen for {held}; "
                "50 to 100 cm is easier on your neck and eyes.")
    else:
        body = f"{alert.problem} for {held}."
    return TITLES.get(alert.problem, alert.problem), body
