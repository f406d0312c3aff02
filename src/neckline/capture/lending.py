"""Lending the camera: never in the way of a video call.

On Linux a webcam streams to one program at a time. A call's program opens the device, asks
what it can do, then starts its stream; if neckline still streams then, the call finds the
camera busy. So neckline lets go the moment another program opens the camera it uses, waits
while any other program holds it, and takes it back a grace period after the last one closed
(a program that opens it again meanwhile starts the grace anew).

How it is quick enough: an inotify watch (``neckline.capture.inotify``) wakes a thread of its
own at the open, not the monitor's loop, which may be halfway through a frame read or a model
run; that thread closes the camera itself (a camera source's ``close`` may be called from
another thread). Who opened it the kernel does not say, and scanning every process's open files
takes tens of milliseconds on a busy desktop, so the release does not wait for the scan: an
open with no close beside it, while neckline's own descriptors on the device did not grow (its
/proc/self/fd, cheap to read), is another program's. The scan (``neckline.capture.holders``)
settles anything less clear (a close beside it: a program's quick look, or neckline's own open
and close; or neckline's own count grew, and the kernel merges alike unread events, so another's
open may hide behind its own), names the program, and tells when the last one has closed.

``Lending`` decides, pure and on the time it is handed; ``Lender`` runs the watch and tells its
owner what happened (``LendingNews``) from its thread.
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from neckline.capture.holders import PROC, holder_names, holders, openings
from neckline.capture.inotify import Changes, FileWatch

LendingState = Literal["using", "lent", "returning"]
"""neckline uses the camera; another program holds it; none does and the grace runs."""

RECHECK_S = 0.002  # an open that looks like another's is looked at again after this long
# After a release, /proc is asked again after these pauses while it shows nobody: the kernel
# reports an open before the opener's descriptor appears, and a busy machine may keep the
# opener from finishing its open for a while.
SETTLE_S = (0.005, 0.02, 0.05, 0.1)


class Lending:
    """When to lend the camera and when to take it back."""

    def __init__(self, grace_s: float) -> None:
        self.grace_s = grace_s
        self.state: LendingState = "using"
        self.back_at: float | None = None  # while returning: the camera is taken back then

    def lend(self) -> None:
        """Another program has opened the camera: it is theirs until they close it."""
        self.state, self.back_at = "lent", None

    def seen(self, now: float, holding: bool, *, opened: bool = False) -> LendingState:
        """What a look at the device found: whether another program holds it, and whether one
        opened it since the last look (even if it has closed it again: a program that opens
        and closes it while setting up a call is not done with it yet)."""
        if holding:
            self.lend()
        elif self.state == "lent" or (self.state == "returning" and opened):
            self.state, self.back_at = "returning", now + self.grace_s
        return self.state

    def due(self, now: float) -> bool:
        """The grace has passed: take the camera back."""
        return self.back_at is not None and now >= self.back_at

    def take_back(self) -> None:
        self.state, self.back_at = "using", None

    def wait_s(self, now: float) -> float | None:
        """How long nothing can change unless the device is opened or closed."""
        return None if self.back_at is None else max(self.back_at - now, 0.0)


@dataclass(frozen=True)
class LendingNews:
    """What the lender tells its owner. ``released``: the camera was closed for another
    program (its name follows in ``lent``); ``lent``: ``holders`` use it; ``returning``: none
    does, the grace runs; ``free``: open the camera again; ``gone``: the device disappeared
    (or the watch failed) and lending has ended."""

    kind: Literal["released", "lent", "returning", "free", "gone"]
    holders: tuple[str, ...] = ()


class Closable(Protocol):
    def close(self) -> None: ...


class Lender:
    """Watches ``device`` while its owner uses it and lends it to other programs. ``tell`` is
    called from the lender's thread (and from ``start``)."""

    def __init__(self, device: str, *, grace_s: float, tell: Callable[[LendingNews], None],
                 clock: Callable[[], float] = time.monotonic, proc: Path = PROC,
                 data_dirs: Sequence[Path] | None = None) -> None:
        self.device = device
        self.lending = Lending(grace_s)
        self._tell = tell
        self._clock = clock
        self._proc = proc
        self._data_dirs = data_dirs
        self._lock = threading.Lock()  # the state and the source, between owner and thread
        self._source: Closable | None = None
        self._watch: FileWatch | None = None
        self._thread: threading.Thread | None = None
        self._wake_r = self._wake_w = -1  # a pipe that wakes the thread to stop
        self._stopping = False
        self._names: tuple[str, ...] = ()
        self._own = 0  # this process's descriptors on the device at the last look
        self._gone = False  # the device disappeared: the watch has ended

    @property
    def state(self) -> LendingState:
        return self.lending.state

    # -- from the owner's thread -------------------------------------------------------------

    def start(self, source: Closable | None) -> bool:
        """Watches the device, which the owner has just opened as ``source`` (None: it could
        not, the camera being busy). True when another program holds it already: it is lent
        at once (``source`` closed). Raises OSError when the device cannot be watched."""
        self._watch = FileWatch(self.device)
        self._wake_r, self._wake_w = os.pipe()
        for fd in (self._wake_r, self._wake_w):
            os.set_blocking(fd, False)
        self._source = source
        self._rebase()
        pids = holders(self.device, proc=self._proc)
        if pids:
            self._lend_now()
        self._thread = threading.Thread(target=self._run, name="neckline-lender", daemon=True)
        self._thread.start()
        return bool(pids)

    def attach(self, source: Closable) -> bool:
        """The owner has opened the camera again after ``free``: True when it is still free;
        False when another program opened it meanwhile (the owner closes ``source``)."""
        with self._lock:
            if self.lending.state != "using":
                return False
            self._source = source
            return True

    def detach(self) -> None:
        """The owner closes the camera itself (a pause, a fault)."""
        with self._lock:
            self._source = None

    def set_grace(self, grace_s: float) -> None:
        with self._lock:
            self.lending.grace_s = grace_s

    def stop(self) -> None:
        self._stopping = True
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"x")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5.0)
        if self._watch is not None:
            self._watch.close()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:  # once: the number may be another file's afterwards
                os.close(fd)
        self._wake_r = self._wake_w = -1

    # -- the thread --------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._watching()
        except Exception:  # a bug: lending ends rather than leave the owner waiting for ever
            traceback.print_exc()
            self._tell(LendingNews("gone"))

    def _watching(self) -> None:
        assert self._watch is not None
        poll = select.poll()
        poll.register(self._watch.fileno(), select.POLLIN)
        poll.register(self._wake_r, select.POLLIN)
        while not self._gone:
            wait = self.lending.wait_s(self._clock())
            poll.poll(None if wait is None else math.ceil(wait * 1000))
            if self._stopping:
                return
            with contextlib.suppress(BlockingIOError):
                os.read(self._wake_r, 64)
            changes, own_opened = self._look()
            if self._gone:
                break
            if self.lending.state == "using":
                if changes.opened or changes.overflowed:
                    self._lend_if_taken(changes, own_opened)
            elif changes.opened or changes.closed or changes.overflowed:
                self._scan(opened=changes.opened > own_opened)
            if not self._gone and self.lending.due(self._clock()):
                self._scan()  # a last look before taking it back
                if self.lending.due(self._clock()):
                    with self._lock:
                        self.lending.take_back()
                    self._names = ()
                    self._rebase()
                    if not self._gone:
                        self._tell(LendingNews("free"))
        self._tell(LendingNews("gone"))

    def _lend_if_taken(self, changes: Changes, own_opened: int) -> None:
        """Something opened the device while neckline uses it: lends it if that was another
        program, at once when that is clear, after a scan when not."""
        if not (changes.closed or own_opened or changes.overflowed):
            time.sleep(RECHECK_S)  # neckline's own open may be just short of its descriptor
            more, own_opened = self._look()
            if self._gone:
                return
            if not (more.closed or own_opened or more.overflowed):
                self._lend_now()
                return
        if holders(self.device, proc=self._proc, first_only=True):
            self._lend_now()

    def _lend_now(self) -> None:
        """Closes the camera, says so first (the owner must know why its frames stopped),
        then who has it."""
        self._tell(LendingNews("released"))
        with self._lock:
            self.lending.lend()
            source, self._source = self._source, None
        if source is not None:
            source.close()
        self._scan(first=True)

    def _scan(self, *, opened: bool = False, first: bool = False) -> None:
        pids = holders(self.device, proc=self._proc)
        for pause in SETTLE_S if first else ():
            if pids:
                break
            time.sleep(pause)
            pids = holders(self.device, proc=self._proc)
        names = holder_names(pids, proc=self._proc, data_dirs=self._data_dirs) \
            if pids else self._names
        with self._lock:
            before = self.lending.state
            after = self.lending.seen(self._clock(), bool(pids), opened=opened)
        if after == "lent" and (first or before != "lent" or names != self._names):
            self._tell(LendingNews("lent", names))
        elif after == "returning" and (first or before != "returning"):
            if first:
                self._tell(LendingNews("lent", names))
            self._tell(LendingNews("returning", names))
        self._names = names

    def _look(self) -> tuple[Changes, int]:
        """The events since the last look, and how many descriptors neckline's own process
        opened on the device meanwhile (at least). The own descriptors are counted before the
        events are read, so an own open counted has its event among them (the kernel reports an
        open before the descriptor appears)."""
        assert self._watch is not None
        own = openings(self.device, proc=self._proc)
        changes = self._watch.read()
        self._gone = self._gone or changes.gone
        own_opened, self._own = max(own - self._own, 0), own
        return changes, own_opened

    def _rebase(self) -> None:
        """Starts looking afresh: what happened before is past (its events are read and let
        go) and neckline's own descriptors are counted anew."""
        assert self._watch is not None
        self._gone = self._gone or self._watch.read().gone
        self._own = openings(self.device, proc=self._proc)


def lent_words(holders: Sequence[str]) -> str:
    """"Paused while Zoom uses the camera" (no full stop: the callers go on or end it)."""
    if not holders:
        return "Paused while another program uses the camera"
    verb = "uses" if len(holders) == 1 else "use"
    return f"Paused while {_listed(holders)} {verb} the camera"


def returning_words(holders: Sequence[str]) -> str:
    """The grace after the last program closed the camera."""
    if not holders:
        return "The camera is free again; going on in a moment."
    verb = "has" if len(holders) == 1 else "have"
    return f"{_listed(holders)} {verb} finished with the camera; going on in a moment."


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
