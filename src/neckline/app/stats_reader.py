"""Reading the statistics off the GUI thread (Anki's QueryOp idea): a thread of the window's own
keeps one read-only connection to the history for the window's life, so the database's check
runs once, not at every click, and a lock held by another program never freezes a window. The
newest request wins: a click on Month while Week is still being read is answered with Month.
Exports are written by the same thread, from the same connection."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PyQt6.QtCore import QObject, pyqtSignal

from neckline.errors import NecklineError
from neckline.history.db import HistoryDB
from neckline.history.export import export_file
from neckline.history.stats import Stats, compute_stats


@dataclass(frozen=True)
class Reading:
    """What a request found: the statistics, or why there are none."""

    start: date
    end: date
    stats: Stats | None
    notice: str | None = None  # a damaged database moved aside
    error: str | None = None  # the sentence for the user when it could not be read


class StatsReader(QObject):
    read = pyqtSignal(object)  # Reading, delivered on the thread this object lives in
    exported = pyqtSignal(str)  # what an export did, in a sentence

    def __init__(self, db_path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._jobs: queue.SimpleQueue[tuple[str, tuple[Any, ...]] | None] = queue.SimpleQueue()
        self._db: HistoryDB | None = None
        self._opened: tuple[int, int] | None = None  # the file's (device, inode) when opened
        self._thread = threading.Thread(target=self._run, name="neckline-statistics",
                                        daemon=True)
        self._thread.start()

    def request(self, start: date, end: date) -> None:
        self._jobs.put(("read", (start, end)))

    def export(self, start: date, end: date, path: Path) -> None:
        """Writes the days to ``path``: JSON for a .json name, else CSV."""
        self._jobs.put(("export", (start, end, path)))

    def close(self) -> None:
        """Closes the connection and ends the thread (it finishes a job under way first)."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(10)

    # -- the reading thread -----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                jobs = [self._jobs.get()]
                while jobs[-1] is not None:  # what else is waiting: only the newest read counts
                    try:
                        jobs.append(self._jobs.get_nowait())
                    except queue.Empty:
                        break
                reads = [job for job in jobs if job is not None and job[0] == "read"]
                for job in jobs:
                    if job is None:
                        return
                    if job[0] == "export":
                        self._say(self.exported, self._export(*job[1]))
                    elif job is reads[-1]:
                        self._say(self.read, self._read(*job[1]))
        finally:
            self._forget_connection()

    def _connection(self) -> tuple[HistoryDB, str | None]:
        """The window's one connection, opened at the first job, and again after a failure or
        when the file was replaced or removed meanwhile (a connection would go on reading the
        old one); the notice of a damaged database moved aside."""
        if self._db is not None and _identity(self._db.path) == self._opened:
            return self._db, None
        self._forget_connection()
        self._db = HistoryDB.open(self.db_path, write=False)
        self._opened = _identity(self._db.path)
        return self._db, self._db.notice

    def _forget_connection(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _read(self, start: date, end: date) -> Reading:
        try:
            db, notice = self._connection()
            return Reading(start, end, compute_stats(db.connection, start, end), notice)
        except NecklineError as e:
            return Reading(start, end, None, error=str(e))
        except Exception as e:  # changed under us, or unforeseen: answered all the same (the
            self._forget_connection()  # window must not wait for ever), and opened again next
            return Reading(start, end, None, error=f"The history could not be read ({e}).")

    def _export(self, start: date, end: date, path: Path) -> str:
        fmt = "json" if path.suffix.lower() == ".json" else "csv"
        try:
            db, _notice = self._connection()
            done = export_file(db.connection, db.path, path, fmt, start, end)
        except NecklineError as e:
            return f"Not exported: {e}"
        except OSError as e:
            return f"Not exported: {path} cannot be written ({e.strerror or e})."
        except Exception as e:  # as in _read
            self._forget_connection()
            return f"Not exported: the history could not be read ({e})."
        skipped = f"; {done.skipped} damaged rows skipped" if done.skipped else ""
        return f"Exported {done.records} records ({start} to {end}) to {path}{skipped}."

    @staticmethod
    def _say(signal: Any, what: object) -> None:
        with contextlib.suppress(RuntimeError):  # the window went away meanwhile
            signal.emit(what)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino
