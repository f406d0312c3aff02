"""The readable summary ``neckline stats`` prints."""

from __future__ import annotations

from neckline.config import problem
from neckline.history.stats import Stats
from neckline.posture.messages import clock_words


def stats_text(stats: Stats, goal_percent: float | None = None) -> str:
    span = (stats.end - stats.start).days + 1
    lines = [f"Posture history {stats.start} to {stats.end} ({span} day{'s' * (span > 1)})"]
    if stats.empty:
        lines.append("Nothing recorded in this period yet: neckline records while the app "
                     "monitors, or with `neckline analyze SOURCE --record`.")
        return "\n".join(lines)
    share, before = stats.good_share, stats.previous_good_share
    watched = stats.total("good_s") + stats.total("strained_s")
    line = (f"Good posture: {clock_words(stats.total('good_s'))} of {clock_words(watched)} "
            f"at the desk ({share:.0%})" if share is not None else "Good posture: —")
    if before is not None and share is not None:
        line += (f"; previous {span} days {before:.0%} "
                 f"({points_words(share, before)})")
    lines.append(line + ".")
    if goal_percent is not None:
        lines.append(stats.goal(goal_percent).words())
    lines.append(f"Longest good streak: {stats.longest_good_streak_min} min. Stretches done: "
                 f"{int(stats.total('stretches'))}.")
    strained = [f"{problem(p).short} {round(m)} min" for p, m in stats.problem_minutes().items()
                if m >= 0.5]
    lines.append("Strained: " + (", ".join(strained) if strained else "none") + ".")
    lines.append(breaks_words(stats))
    if stats.total("lent_s"):
        lines.append(lent_words(stats) + ".")
    responses = stats.responses()
    total = sum(responses.values())
    lines.append(f"Alerts: {total}" + (" (" + ", ".join(
        f"{k.replace('_', ' ')} {v}" for k, v in responses.items() if v) + ")" if total else "")
        + ".")
    lines.append("Per day:")
    for d in stats.days:
        if not d.present_s:
            continue
        day_share = d.good_share
        bar = "#" * round(10 * day_share) + "." * (10 - round(10 * day_share)) \
            if day_share is not None else " " * 10
        lines.append(f"  {d.day:%a %Y-%m-%d}  [{bar}] {clock_words(d.good_s):>12} good of "
                     f"{clock_words(d.good_s + d.strained_s)} at the desk; {d.breaks} "
                     f"break{'s' * (d.breaks != 1)}, longest at the desk "
                     f"{clock_words(d.longest_at_desk_s)}")
    return "\n".join(lines)


def breaks_words(stats: Stats) -> str:
    """Breaks taken, per desk day, and the longest stretch at the desk in the period."""
    taken = int(stats.total("breaks"))
    days = sum(1 for d in stats.days if d.present_s)
    words = f"Breaks: {taken} taken ({taken / days:.1f} a day at the desk)" if taken and days \
        else "Breaks: none taken"
    reminders = int(stats.total("break_reminders"))
    return (f"{words}; longest stretch at the desk {clock_words(stats.longest_at_desk_s)}; "
            f"break reminders: {reminders}.")


def lent_words(stats: Stats) -> str:
    """The time the camera was lent to another program: a call, counted as sitting at the
    desk for breaks, and neither good nor strained posture."""
    return (f"On calls (the camera lent to another program): "
            f"{clock_words(stats.total('lent_s'))}")


def points_words(share: float, before: float) -> str:
    """The change between two shares in percentage points: "+4 points", "-2 points", or "the
    same" (never "-0 points")."""
    points = round(100 * (share - before))
    return f"{points:+d} points" if points else "the same"
