"""What a path the user gave is, in words for a one-sentence message: neckline reads only
regular files (a pipe would hang the reading, a device or folder is never a video or config)
and writes only over a regular file or where nothing is yet."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


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


def write_target(path: str | Path) -> Path:
    """Where writing ``path`` lands: the file itself, or the file a symbolic link names (the
    link is kept, as an editor keeps it). Raises OSError when the place is not a regular file
    or a new name (a folder, a pipe, a device, a dangling link)."""
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    if not writable_file_name(target):
        kind = file_kind(target)
        if kind.startswith("cannot be opened"):
            raise OSError(errno.EACCES, kind.removeprefix("cannot be opened (").rstrip(")"))
        words = {"missing": "a link to nothing", "folder": "a folder"}.get(
            kind, kind.removeprefix("is ").removesuffix(", not a file"))
        raise OSError(errno.EINVAL, f"it is {words}, not a file")
    return target


def write_atomically(path: str | Path, write: Callable[[TextIO], object], *,
                     newline: str | None = None) -> None:
    """Writes a text file in one step: into a temporary file beside it, flushed to disk, then
    renamed over it, so a full disk, a kill or an error part-way leaves the old file as it was
    (and no temporary file). A link keeps linking; an existing file keeps its permissions.
    ``write`` is given the open file. Raises OSError (with ``strerror`` in words)."""
    target = write_target(path)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:200]}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if mode is None:  # a new file gets what the umask allows, as open() would give it
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names reach one file (through links, other spellings, hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_file(path: str | Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` of them: a pipe (which would hang the read),
    a device (``/dev/zero`` never ends) or a folder raises OSError before anything is read,
    and so does a file longer than ``limit``. ``strerror`` says which in words."""
    kind = file_kind(path)
    if kind == "missing":
        raise FileNotFoundError(errno.ENOENT, "no such file", str(path))
    if kind != "file":
        if kind.startswith("cannot be opened"):
            raise OSError(errno.EACCES, kind.removeprefix("cannot be opened (").rstrip(")"))
        raise OSError(errno.EINVAL, "it is a folder, not a file" if kind == "folder"
                      else "it " + kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # a pipe swapped in meanwhile: no hang
    with os.fdopen(os.open(path, flags), "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(errno.EINVAL, "it is not a regular file")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"it is larger than {limit / 1e6:g} MB")
    return data


def read_json(path: str | Path, limit: int = 1_000_000) -> object:
    """A small JSON file (a calibration, what the app remembers): OSError as in
    ``read_file``; ValueError when it is not UTF-8 JSON, or nests too deeply to be ours."""
    data = read_file(path, limit)
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError("nested too deeply") from None


def as_text(name: str) -> str:
    """A name as valid text for a database or a TOML file: the bytes of a file name that are
    not UTF-8 (which Python keeps as lone surrogates) become U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")
