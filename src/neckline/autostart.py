"""Start on login: an XDG autostart entry (Linux desktops read ~/.config/autostart/)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

ENTRY = """[Desktop Entry]
Type=Application
Name=neckline
Comment=Posture monitor: gentle alerts for head tilt, head down and forward head
Exec={exec}
Icon=neckline
Terminal=false
X-GNOME-Autostart-enabled=true
"""


def autostart_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / "neckline.desktop"


def set_autostart(enabled: bool, command: list[str]) -> Path:
    """Writes or removes the entry; returns its path."""
    path = autostart_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ENTRY.format(exec=shlex.join(command)), encoding="utf-8")
    elif path.exists():
        path.unlink()
    return path
