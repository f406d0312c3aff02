"""What the desktop app remembers between runs besides the config: onboarding done, a pause
that lasts until a chosen time, where each window was. Stored as JSON in the user data
directory."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from neckline.config import user_data_dir
from neckline.config.files import read_json, write_atomically

LONGEST_PAUSE = timedelta(days=2)  # "until tomorrow" is the longest the app offers
_FARTHEST_PX = 100_000


def state_path() -> Path:
    return user_data_dir() / "app-state.json"


@dataclass
class AppState:
    onboarded: bool = False
    paused_until: datetime | None = None
    windows: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # x, y, w, h
    told_tray: bool = False  # the first close to the tray has been explained

    @classmethod
    def load(cls, now: datetime | None = None) -> AppState:
        """The saved state; a missing, damaged or odd file (a pipe, a huge file, values no
        run wrote) gives the defaults: it holds nothing that cannot be chosen again."""
        try:
            data = read_json(state_path())
            if not isinstance(data, dict):
                return cls()
            return cls(data.get("onboarded") is True, _pause(data.get("paused_until"), now),
                       _windows(data.get("windows")), data.get("told_tray") is True)
        except (OSError, ValueError):
            return cls()

    def save(self) -> str | None:
        """Saves; on failure (a read-only or full disk) returns the reason in a sentence: the
        app goes on with the state in memory, and forgets it at exit."""
        path = state_path()
        text = json.dumps({
            "onboarded": self.onboarded,
            "paused_until": self.paused_until.isoformat() if self.paused_until else None,
            "windows": {name: list(g) for name, g in self.windows.items()},
            "told_tray": self.told_tray,
        })
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, lambda out: out.write(text))
        except OSError as e:
            return (f"neckline cannot save what it remembers between runs in {path.parent} "
                    f"({e.strerror}); it works on, but will forget it when it quits.")
        return None


def _pause(text: object, now: datetime | None) -> datetime | None:
    """A saved pause's end, if it is a time no further ahead than a pause can reach."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        until = datetime.fromisoformat(text)
    except ValueError:
        return None
    if until.tzinfo is not None:
        return None
    return until if until <= (now or datetime.now()) + LONGEST_PAUSE else None


def _windows(data: object) -> dict[str, tuple[int, int, int, int]]:
    """Saved window places: four whole numbers each, within any screen; others dropped."""
    if not isinstance(data, dict):
        return {}
    places = {}
    for name, place in list(data.items())[:32]:
        if (isinstance(place, list) and len(place) == 4
                and all(isinstance(v, int) and not isinstance(v, bool)
                        and abs(v) <= _FARTHEST_PX for v in place)):
            places[str(name)] = (place[0], place[1], place[2], place[3])
    return places
