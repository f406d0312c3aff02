"""Breaks that know when you really left: stretches at the desk, from the camera's presence.

A *stretch at the desk* starts when the user is first seen and lasts while they are there;
absences shorter than the break length belong to it (a word with a colleague is not a break).
An absence of at least the break length is a break: the stretch ends where the absence began
and the next one starts when the user comes back. After ``every_s`` of one stretch a reminder
is due; ignored, it comes again every ``again_s`` (half the length, at least 5 minutes) while
the stretch goes on.

Time the camera was off (a pause, a locked screen, a sleeping computer) is not seen. A locked
screen or a sleeping computer for at least the break length counts as a break (people lock the
screen when they get up); a pause the user chose ends the stretch without counting as a break,
since neckline cannot tell where they were. Time the camera was lent to a video call is time at
the desk: a call is sitting, so the stretch goes on through it.

Pure Python, driven by source time like the alert rules, so a recording replays the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

AGAIN_AT_LEAST_S = 300.0  # an ignored reminder never comes back sooner than this


class DeskEventKind(StrEnum):
    REMINDER = "reminder"  # a stretch has lasted its time: a break is due
    BREAK = "break"  # the user has been away for the break length: the stretch ended
    PAUSED = "paused"  # the camera was switched off by the user: the stretch ended, no break


@dataclass(frozen=True)
class DeskEvent:
    kind: DeskEventKind
    t: float  # source time of the event
    stretch_start: float  # source time the stretch at the desk began
    at_desk_s: float  # the stretch's length (to its end, for BREAK and PAUSED)
    away_s: float = 0.0  # BREAK: the absence (or the camera's time off) that made it

    def to_json(self) -> dict[str, object]:
        return {"kind": str(self.kind), "t": round(self.t, 2),
                "at_desk_s": round(self.at_desk_s, 1), "away_s": round(self.away_s, 1)}


class BreakTimer:
    """Follows presence; ``update`` returns the events that happened at ``t``."""

    def __init__(self, *, every_s: float, break_s: float) -> None:
        self.every_s = self.break_s = self.again_s = 0.0
        self.start: float | None = None  # the running stretch began here
        self.last_seen: float | None = None  # the user was last present here
        self._away_since: float | None = None
        self._next_reminder: float | None = None
        self._reminded = False  # the running stretch has had a reminder
        self._pending: list[DeskEvent] = []
        self._lent_s = 0.0  # a call before any stretch: it starts one if the user is there
        self.set_lengths(every_s=every_s, break_s=break_s)

    def set_lengths(self, *, every_s: float, break_s: float) -> None:
        """New settings, at once: a stretch not yet reminded of is reminded at its new
        length (set to 1 minute, the first came at the old 30); an ignored reminder comes
        again after half the length, and never sooner than ``AGAIN_AT_LEAST_S``."""
        changed = every_s != self.every_s
        self.every_s, self.break_s = every_s, break_s
        self.again_s = max(every_s / 2, AGAIN_AT_LEAST_S)
        if changed and self.start is not None and not self._reminded:
            self._next_reminder = self.start + every_s

    @property
    def at_desk_s(self) -> float | None:
        """The running stretch's length so far (to the last time the user was seen)."""
        if self.start is None or self.last_seen is None:
            return None
        return self.last_seen - self.start

    def update(self, t: float, present: bool) -> tuple[DeskEvent, ...]:
        events, self._pending = self._pending, []
        lent_s, self._lent_s = self._lent_s, 0.0
        if present:
            self._away_since = None
            if self.start is None:
                self.start = t - lent_s
                self._next_reminder = self.start + self.every_s
            self.last_seen = t
            assert self._next_reminder is not None
            if t >= self._next_reminder:
                events.append(DeskEvent(DeskEventKind.REMINDER, t, self.start, t - self.start))
                self._next_reminder = t + self.again_s
                self._reminded = True
        elif self.start is not None:
            if self._away_since is None:
                self._away_since = t
            if t - self._away_since >= self.break_s:
                events.append(self._end(DeskEventKind.BREAK, t, t - self._away_since))
        return tuple(events)

    def camera_off(self, seconds: float, *, by_user: bool) -> None:
        """The camera was off for ``seconds`` (wall clock): paused by the user, or while the
        screen was locked or the computer asleep. The events come with the next update."""
        if self.start is None:
            return
        t = self.last_seen if self.last_seen is not None else self.start
        if by_user:
            self._pending.append(self._end(DeskEventKind.PAUSED, t, seconds))
        elif seconds >= self.break_s:
            self._pending.append(self._end(DeskEventKind.BREAK, t, seconds))

    def camera_lent(self, seconds: float) -> None:
        """The camera was lent to another program (a video call) for ``seconds``: the user sat
        through it. A running stretch goes on as if they had been seen all along, and a
        reminder that fell due meanwhile comes at the next update with them in view, after the
        call. With no stretch running, one starts that long before the next update, if the
        user is in view then."""
        if seconds <= 0:
            return
        if self.start is None:
            self._lent_s = seconds
            return
        self.start -= seconds
        if self._next_reminder is not None:
            self._next_reminder -= seconds
        self._away_since = None  # back for the call

    def _end(self, kind: DeskEventKind, t: float, away_s: float) -> DeskEvent:
        assert self.start is not None
        end = self.last_seen if self.last_seen is not None else self.start
        event = DeskEvent(kind, t, self.start, end - self.start, away_s)
        self.start = self.last_seen = self._away_since = self._next_reminder = None
        self._reminded = False
        return event
