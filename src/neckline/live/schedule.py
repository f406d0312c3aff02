"""When alerts may be shown: pause, snooze and quiet hours, on the wall clock.

Pure functions of an injected ``now`` so they are tested without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta


def parse_hhmm(text: str) -> time | None:
    if not text:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(now: datetime, start: str, end: str) -> bool:
    """Whether ``now`` falls in [start, end), which may run past midnight (22:00-07:00)."""
    s, e = parse_hhmm(start), parse_hhmm(end)
    if s is None or e is None or s == e:
        return False
    t = now.time()
    return s <= t < e if s < e else (t >= s or t < e)


def pause_until(now: datetime, choice: str) -> datetime:
    """The end of a pause chosen in the tray: "15min", "1h" or "tomorrow" (next midnight)."""
    if choice == "15min":
        return now + timedelta(minutes=15)
    if choice == "1h":
        return now + timedelta(hours=1)
    if choice == "tomorrow":
        return datetime.combine(now.date() + timedelta(days=1), time(0, 0), now.tzinfo)
    raise ValueError(f"unknown pause choice {choice!r}")


@dataclass
class AlertGate:
    """Decides whether an alert is shown now; the monitor keeps monitoring regardless."""

    quiet_start: str = ""
    quiet_end: str = ""
    snoozed_until: datetime | None = None

    def snooze(self, now: datetime, minutes: float = 15.0) -> None:
        self.snoozed_until = now + timedelta(minutes=minutes)

    def allows(self, now: datetime) -> bool:
        if self.snoozed_until is not None and now < self.snoozed_until:
            return False
        return not in_quiet_hours(now, self.quiet_start, self.quiet_end)
