"""Which other programs hold a device open, and what the user calls them.

``/proc/PID/fd`` lists every open file of every process the user may look at; a link that
leads to the device (the same inode, or for a device node the same device number, whichever
path it was opened by) is an opening of it. Processes end and close files while the scan runs,
and some (another user's, or one that made itself undumpable) cannot be read: both are passed
over, never an error. neckline's own process is never a holder: its reconnects, its camera
listing and the Settings window's picture are not a video call.

The name is the one the desktop shows: a Flatpak's or a Snap's application name, else the
desktop entry (``.desktop`` file) that starts the process's program, else the process's own
short name (``/proc/PID/comm``), so the user reads "Zoom", not "ZoomWebviewHost".
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from neckline.capture.inotify import identity

PROC = Path("/proc")


def holders(device: str, *, proc: Path = PROC, first_only: bool = False) -> list[int]:
    """The processes other than this one that have ``device`` open, newest first (a program
    that has just opened it is likely among the newest). ``first_only``: stop at the first."""
    target = _target(device)
    if target is None:
        return []
    found = []
    for pid in _pids(proc):
        if pid != os.getpid() and _opens(proc / str(pid) / "fd", target):
            found.append(pid)
            if first_only:
                break
    return found


def openings(device: str, pid: int | None = None, *, proc: Path = PROC) -> int:
    """How many descriptors process ``pid`` (this one by default) has open on ``device``:
    cheap enough to ask at every event, unlike a scan of every process."""
    target = _target(device)
    if target is None:
        return 0
    return _opens(proc / str(os.getpid() if pid is None else pid) / "fd", target, count=True)


def _target(device: str) -> tuple[str, tuple[int, int, int]] | None:
    try:
        return os.path.realpath(device), identity(os.stat(device))
    except OSError:
        return None


def _pids(proc: Path) -> list[int]:
    try:
        return sorted((int(p) for p in os.listdir(proc) if p.isdigit()), reverse=True)
    except OSError:
        return []


def _opens(fds: Path, target: tuple[str, tuple[int, int, int]], *, count: bool = False) -> int:
    """Descriptors in ``fds`` (a /proc/PID/fd folder) that lead to the target; with ``count``
    False, stops at the first. Links are read first and only a likely one is stat'ed: a desktop
    has tens of thousands of descriptors, nearly all sockets, pipes and plain files."""
    path, ident = target
    is_device = ident[2] != 0
    n = 0
    try:
        names = os.listdir(fds)
    except OSError:  # ended, or not ours to read
        return 0
    for name in names:
        fd = fds / name
        try:
            link = os.readlink(fd)
            if link != path and not (is_device and link.startswith("/dev/")):
                continue
            st = os.stat(fd)
        except OSError:
            continue
        mine = identity(st)
        if mine == ident or (is_device and stat.S_ISCHR(st.st_mode) and mine[2] == ident[2]):
            n += 1
            if not count:
                break
    return n


# -- names -----------------------------------------------------------------------------------


def holder_names(pids: Iterable[int], *, proc: Path = PROC,
                 data_dirs: Sequence[Path] | None = None) -> tuple[str, ...]:
    """The programs' names, each once, in the order of ``pids`` (a browser holds a camera
    from one of its many processes, all of them named alike)."""
    names: dict[str, None] = {}
    for pid in pids:
        name = holder_name(pid, proc=proc, data_dirs=data_dirs)
        if name:
            names[name] = None
    return tuple(names)


def holder_name(pid: int, *, proc: Path = PROC, data_dirs: Sequence[Path] | None = None) -> str:
    """The name the desktop gives process ``pid``'s program; its command name when no desktop
    entry is found; "" when the process has ended."""
    folder = proc / str(pid)
    dirs = list(data_dirs) if data_dirs is not None else xdg_data_dirs()
    app_id = _ini_value(_read(folder / "root" / ".flatpak-info"), "Application", "name")
    if app_id:
        return _entry_name(_entry_files(dirs, f"{app_id}.desktop")) or app_id.split(".")[-1]
    snap = _environ(folder).get("SNAP_NAME", "")
    if snap:
        return _entry_name(_entry_files(dirs, f"{snap}_*.desktop")) or snap
    comm = _read(folder / "comm").strip()
    try:
        exe = os.readlink(folder / "exe").removesuffix(" (deleted)")
    except OSError:
        exe = ""
    if comm or exe:
        entries = [fields for path in _entry_files(dirs, "*.desktop")
                   if (fields := _desktop_entry(path)) is not None]
        # The name the process goes by first (a launcher may run several programs), then
        # its executable; never an interpreter's, which runs many a program.
        for starts in (lambda f: _named(f, comm), lambda f: _runs(f, exe)):
            for fields in entries:
                name = _localized(fields, "Name")
                if name and starts(fields):
                    return name
    return comm or os.path.basename(exe)


def xdg_data_dirs() -> list[Path]:
    """Where desktop entries live, the user's own first (XDG base directories), and the
    folders Flatpak and Snap export theirs to when the session does not list them."""
    home = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    system = os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
    dirs = [home, *system.split(":"), os.path.join(home, "flatpak/exports/share"),
            "/var/lib/flatpak/exports/share", "/var/lib/snapd/desktop"]
    return list(dict.fromkeys(Path(d) for d in dirs if d))


def _entry_files(dirs: Sequence[Path], pattern: str) -> list[Path]:
    """Desktop entries matching ``pattern`` in ``applications/`` of each folder (and its
    subfolders, named vendor-file.desktop by the spec), the first folder first."""
    files = []
    for folder in dirs:
        try:
            files.extend(sorted((folder / "applications").rglob(pattern)))
        except OSError:
            continue
    return files


def _entry_name(files: list[Path]) -> str:
    for path in files:
        fields = _desktop_entry(path)
        name = _localized(fields, "Name") if fields is not None else ""
        if name:
            return name
    return ""


def _desktop_entry(path: Path) -> dict[str, str] | None:
    """The [Desktop Entry] group of an application's entry; None for another kind, a hidden
    (deleted) one, or a file that is not one."""
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    try:
        parser.read_string(_read(path))
        fields = dict(parser["Desktop Entry"])
    except (configparser.Error, KeyError):
        return None
    if fields.get("Type", "Application") != "Application" or fields.get("Hidden") == "true":
        return None
    return fields


_INTERPRETER = re.compile(r"^(python|perl|ruby|node|java|lua|php|bash|dash|sh|zsh)[\d.]*$")


def _programs(fields: dict[str, str]) -> list[tuple[str, str]]:
    """The programs an entry starts, as written (Exec, TryExec) and as found."""
    programs = (_program(fields.get("Exec", "")), fields.get("TryExec", ""))
    return [(p, os.path.realpath(shutil.which(p) or p)) for p in programs if p]


def _named(fields: dict[str, str], comm: str) -> bool:
    """Whether the entry starts a program of the process's name (cut to 15 characters)."""
    if not comm or _INTERPRETER.match(comm):
        return False
    return any(os.path.basename(p)[:15] == comm or os.path.basename(real)[:15] == comm
               for p, real in _programs(fields))


def _runs(fields: dict[str, str], exe: str) -> bool:
    """Whether the entry starts the process's executable, directly or through a link or
    wrapper beside it in a folder of its own (/usr/bin/zoom leads to /opt/zoom/ZoomLauncher,
    which runs /opt/zoom/zoom)."""
    base = os.path.basename(exe)
    if not exe or _INTERPRETER.match(base):
        return False
    return any(base in (os.path.basename(p), os.path.basename(real))
               or (os.path.dirname(real) == os.path.dirname(exe)
                   and _private(os.path.dirname(exe)))
               for p, real in _programs(fields))


def _program(exec_line: str) -> str:
    """The program an Exec line runs, past ``env`` and its VAR=value settings."""
    try:
        words = shlex.split(exec_line)
    except ValueError:
        words = exec_line.split()
    while words and (words[0] in ("env", "/usr/bin/env") or "=" in words[0]):
        words.pop(0)
    return words[0] if words else ""


_SHARED = {"/", "/bin", "/lib", "/lib64", "/usr/lib", "/usr/lib64", "/usr/libexec",
           "/usr/local/lib", "/usr/local/libexec", "/usr/games", "/opt"}


def _private(folder: str) -> bool:
    """A folder of one program's own (/opt/zoom), not one that many programs share (/usr/bin,
    /usr/libexec, /usr/lib/x86_64-linux-gnu)."""
    path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    shared = _SHARED | {os.path.realpath(p) for p in path.split(":") if p}
    return folder not in shared and not os.path.basename(folder).endswith("-linux-gnu")


def _localized(fields: dict[str, str], key: str) -> str:
    """``key`` in the user's language (Name[de_DE], Name[de]) where the entry has it."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            language = value.split(":")[0].split(".")[0].split("@")[0]
            for tag in (language, language.split("_")[0]):
                if tag and fields.get(f"{key}[{tag}]"):
                    return fields[f"{key}[{tag}]"].strip()
            break
    return fields.get(key, "").strip()


def _ini_value(text: str, group: str, key: str) -> str:
    parser = configparser.RawConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
        return parser.get(group, key, fallback="").strip()
    except configparser.Error:
        return ""


def _environ(folder: Path) -> dict[str, str]:
    try:
        data = (folder / "environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.split(b"=", 1) for item in data.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
