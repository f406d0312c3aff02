"""What the monitor is doing, for the app to show: running, paused, lent to another program, a
fault. One ``Status`` at a time, said by the monitor's listener whenever it changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StatusKind = Literal["starting", "running", "paused", "lent", "ended", "camera_missing",
                     "camera_busy", "camera_lost", "camera_black", "source_unreadable",
                     "model_problem", "failed"]
"""``lent``: another program (a video call) uses the camera, or has just finished with it and
the grace before neckline takes it back runs; a calm state like a pause, not a fault."""
FAULT_KINDS: tuple[StatusKind, ...] = ("camera_missing", "camera_busy", "camera_lost",
                                       "camera_black", "source_unreadable", "model_problem",
                                       "failed")
SOURCE_KIND: dict[str, StatusKind] = {
    "missing": "camera_missing", "busy": "camera_busy", "lost": "camera_lost",
    "unreadable": "source_unreadable"}


@dataclass(frozen=True)
class Status:
    """What the monitor is doing (``StatusKind``); ``message`` is one sentence for the user.

    While ``lent``: ``holders`` names the programs using the camera (the desktop's names:
    "Zoom", "Firefox"; empty when none could be named), kept through the grace after they
    closed it; ``since`` is when it was lent (``time.time()``), the same for every status of
    one lending, so the time lent runs from ``since`` to the next status of another kind.
    """

    kind: StatusKind
    message: str = ""
    holders: tuple[str, ...] = ()
    since: float | None = None

    @property
    def is_fault(self) -> bool:
        """The camera, the video or the models fail (not a posture problem, not a lending)."""
        return self.kind in FAULT_KINDS
