"""neckline on the desktop: an XDG desktop entry in the applications menu, with its icon, and
the same entry in ``~/.config/autostart/`` to start on login. User-level files only. Out of the
menu, the entry stays hidden (``NoDisplay``): it is how the desktop knows the running app's
name and icon.

The command in ``Exec`` is the Python that runs neckline now (``python -m neckline``), so the
entry starts the same install, whether a checkout's .venv, a pipx venv or any other.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from neckline.config.files import write_atomically

ICON_NAME = "neckline"
ENTRY = """[Desktop Entry]
Type=Application
Version=1.4
Name=neckline
GenericName=Posture monitor
Comment=Gentle alerts for a tilted, bowed or forward head, and breaks when you need one
Exec={exec}
Icon={icon}
Terminal=false
Categories=Utility;Accessibility;
Keywords=posture;neck;webcam;break;stretch;ergonomics;
StartupNotify=false
"""
AUTOSTART_LINE = "X-GNOME-Autostart-enabled=true\n"


def launch_command() -> list[str]:
    """What starts this neckline: its own Python and module (no dependence on PATH)."""
    return [sys.executable, "-m", "neckline"]


def _config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def _data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def autostart_path() -> Path:
    return _config_home() / "autostart" / "neckline.desktop"


def menu_path() -> Path:
    return _data_home() / "applications" / "neckline.desktop"


def icon_path() -> Path:
    return _data_home() / "icons" / "hicolor" / "scalable" / "apps" / f"{ICON_NAME}.svg"


def exec_line(command: list[str]) -> str:
    """``command`` quoted as the Desktop Entry Specification asks: arguments with reserved
    characters in double quotes, with ``"`, $ and \\`` escaped; ``%`` doubled."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`=")
    parts = []
    for arg in command:
        arg = arg.replace("%", "%%")
        if any(c in reserved for c in arg):
            arg = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
        parts.append(arg)
    return " ".join(parts)


def entry_text(command: list[str], *, autostart: bool = False) -> str:
    icon = str(icon_path()) if icon_path().exists() else ICON_NAME
    text = ENTRY.format(exec=exec_line(command), icon=icon)
    return text + (AUTOSTART_LINE if autostart else "")


def set_autostart(enabled: bool, command: list[str] | None = None) -> Path:
    """Writes or removes the start-on-login entry; returns its path."""
    path = autostart_path()
    if enabled:
        _install_icon()
        _write(path, entry_text(command or launch_command(), autostart=True))
    elif path.exists():
        path.unlink()
    return path


HIDDEN_LINE = "NoDisplay=true\n"


def in_menu() -> bool:
    """Whether neckline's own entry shows in the applications menu (the hidden entry that only
    names the app, see ``ensure_identity``, does not)."""
    try:
        return HIDDEN_LINE not in menu_path().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def ensure_identity(command: list[str] | None = None) -> str | None:
    """Makes sure the desktop knows the app by its name and icon: GNOME and KDE (on Wayland
    above all) match the app's id, "neckline", to a desktop entry, and without one show it as
    "python3" with a blank icon in the top bar, the dock, Alt-Tab and its notifications. When
    no entry exists (neither the user's nor one installed system-wide), a hidden one is written
    (``NoDisplay=true``: it names the app without adding it to the applications menu). Returns
    a sentence when that fails (the app goes on, shown as the desktop can)."""
    if menu_path().exists() or any(
            (Path(folder) / "applications" / "neckline.desktop").exists()
            for folder in _data_dirs()):
        return None
    try:
        _install_icon()
        _write(menu_path(), entry_text(command or launch_command()) + HIDDEN_LINE)
    except OSError as e:
        return (f"neckline could not tell the desktop its name and icon ({e.strerror}: "
                f"{menu_path().parent}); it may show as \"python3\".")
    return None


def _data_dirs() -> list[str]:
    return [d for d in (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
                        ).split(":") if d]


def add_to_menu(command: list[str] | None = None) -> Path:
    """Adds neckline to the applications menu (entry and icon); returns the entry's path.
    Raises OSError when the folder cannot be written."""
    _install_icon()
    path = menu_path()
    _write(path, entry_text(command or launch_command()))
    return path


def remove_from_menu(command: list[str] | None = None) -> None:
    """Takes neckline out of the applications menu: its entry stays, hidden, so the desktop
    still shows the running app by its name and icon (see ``ensure_identity``)."""
    _install_icon()
    _write(menu_path(), entry_text(command or launch_command()) + HIDDEN_LINE)


def _install_icon() -> None:
    icon = icon_path()
    icon.parent.mkdir(parents=True, exist_ok=True)
    icon.write_bytes(resources.files("neckline.app").joinpath("neckline.svg").read_bytes())


def _write(path: Path, text: str) -> None:
    """Written whole or not at all: a half entry would show a broken launcher."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda out: out.write(text))
