"""A watch on one file through inotify: every open and close of it, by any process, and its end.

Why inotify: a webcam streams to one program at a time, so neckline must notice at once when a
video call opens the camera it holds (``neckline.capture.lending``). The kernel reports
``IN_OPEN`` and ``IN_CLOSE_*`` for character devices as for any file, costs nothing while
nothing happens, and hands the events to a file descriptor that a thread can wait on together
with others (``select``/``poll``). It does not say who opened the file; ``holders`` does.

Linux only, through libc with ctypes (no extra package). Elsewhere, or when the user's inotify
instances are used up, ``FileWatch`` raises OSError and the caller goes on without a watch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import stat
import struct
from dataclasses import dataclass

IN_ATTRIB = 0x00000004  # the link count changed: an unlink, seen while someone holds it open
IN_CLOSE_WRITE = 0x00000008
IN_CLOSE_NOWRITE = 0x00000010
IN_OPEN = 0x00000020
IN_DELETE_SELF = 0x00000400  # the file is gone (after its last close)
IN_UNMOUNT = 0x00002000
IN_Q_OVERFLOW = 0x00004000  # events were lost
IN_IGNORED = 0x00008000  # the watch ended (the file was deleted, its file system unmounted)
WATCHED = IN_OPEN | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_DELETE_SELF | IN_ATTRIB
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then len bytes of name)


@dataclass(frozen=True)
class Changes:
    """What happened to the file since the last ``read``: opens and closes, counted per
    opening (a descriptor's duplicates and a fork's copies close once, at the last close). The
    kernel merges an event with the one before it when both are alike and unread, so two opens
    in a row may count as one: a count says something happened, and at least that much."""

    opened: int = 0
    closed: int = 0
    gone: bool = False  # deleted, replaced or unmounted: the watch has ended
    overflowed: bool = False  # the kernel dropped events: the counts are incomplete


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if not hasattr(libc, "inotify_init1"):
        raise OSError(errno.ENOSYS, "inotify is not available here")
    return libc


def identity(st: os.stat_result) -> tuple[int, int, int]:
    """What makes a file this file: its inode, and for a device node the device it stands
    for (a camera unplugged and plugged in again gets a new node)."""
    rdev = st.st_rdev if stat.S_ISCHR(st.st_mode) else 0
    return st.st_dev, st.st_ino, rdev


class FileWatch:
    """Watches ``path``; ``fileno`` becomes readable when something happened, ``read`` says
    what (never blocking)."""

    def __init__(self, path: str) -> None:
        self.path = path
        libc = _libc()
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        self._fd: int | None = fd
        try:
            if libc.inotify_add_watch(fd, os.fsencode(path), WATCHED) < 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), path)
            # After the watch: a file replaced in between is seen as gone at the next event.
            self._identity = identity(os.stat(path))
        except BaseException:
            self.close()
            raise

    def fileno(self) -> int:
        if self._fd is None:
            raise ValueError("the watch is closed")
        return self._fd

    def read(self) -> Changes:
        opened = closed = 0
        gone = overflowed = False
        while self._fd is not None:
            try:
                data = os.read(self._fd, 4096)
            except BlockingIOError:
                break
            offset = 0
            while offset + _EVENT.size <= len(data):
                _, mask, _, length = _EVENT.unpack_from(data, offset)
                offset += _EVENT.size + length
                opened += bool(mask & IN_OPEN)
                closed += bool(mask & (IN_CLOSE_WRITE | IN_CLOSE_NOWRITE))
                overflowed = overflowed or bool(mask & IN_Q_OVERFLOW)
                if mask & (IN_DELETE_SELF | IN_UNMOUNT | IN_IGNORED):
                    gone = True
                elif mask & IN_ATTRIB:
                    gone = gone or not self._still_there()
        return Changes(opened, closed, gone, overflowed)

    def _still_there(self) -> bool:
        """An unlinked file stays until its last close; its name may be gone already."""
        try:
            return identity(os.stat(self.path)) == self._identity
        except OSError:
            return False

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FileWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
