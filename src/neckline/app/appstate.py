"""What the desktop app remembers between runs besides the config: onboarding done, a pause
that lasts until a chosen time, where each window was. Stored as JSON in the user data
directory."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from neckline.config import user_data_dir


def state_path() -> Path:
    return user_data_dir() / "app-state.json"


@dataclass
class AppState:
    onboarded: bool = False
    paused_until: datetime | None = None
    windows: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # x, y, w, h

    @classmethod
    def load(cls) -> AppState:
        """The saved state; a missing or damaged file gives the defaults (it holds nothing
        that cannot be chosen again)."""
        try:
            data = json.loads(state_path().read_text(encoding="utf-8"))
            paused = data.get("paused_until")
            windows = {str(name): (int(g[0]), int(g[1]), int(g[2]), int(g[3]))
                       for name, g in dict(data.get("windows", {})).items()}
            return cls(bool(data.get("onboarded", False)),
                       datetime.fromisoformat(paused) if paused else None, windows)
        except (OSError, ValueError, TypeError, AttributeError):
            return cls()

    def save(self) -> str | None:
        """Saves; on failure (a read-only or full disk) returns the reason in a sentence: the
        app goes on with the state in memory, and forgets it at exit."""
        path = state_path()
        tmp = path.with_suffix(".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({
                "onboarded": self.onboarded,
                "paused_until": self.paused_until.isoformat() if self.paused_until else None,
                "windows": {name: list(g) for name, g in self.windows.items()},
            }), encoding="utf-8")
            tmp.replace(path)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return (f"neckline cannot save what it remembers between runs in {path.parent} "
                    f"({e.strerror}); it works on, but will forget it when it quits.")
        return None
