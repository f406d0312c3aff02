"""What a path the user gave is, in words for a one-sentence message: neckline reads only
regular files (a pipe would hang the reading, a device or folder is never a video or config)
and writes only over a regular file or where nothing is yet."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def file_kind(path: str | Path) -> str:
    """"file", "folder", "missing", or what else it is, as words that follow its name ("is a
    pipe, not a file"); a name the system refuses (too long, say) is said as such."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as e:
        return f"cannot be opened ({e.strerror})"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    what = "a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
    return f"is {what}, not a file"


def writable_file_name(path: str | Path) -> bool:
    """Whether writing ``path`` (by replacing it) can only replace a regular file: it is one,
    or nothing is there yet, not even a dangling link."""
    kind = file_kind(path)
    return kind == "file" or (kind == "missing" and not os.path.islink(path))


def short(text: str, limit: int = 120) -> str:
    """A name as it goes into a sentence: at most ``limit`` characters."""
    return text if len(text) <= limit else f"{text[:limit - 1]}…"
