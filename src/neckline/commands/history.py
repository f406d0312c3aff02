"""``neckline stats``, ``neckline export`` and ``neckline history delete``."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path

from neckline.commands.output import print_json
from neckline.config import load_config
from neckline.config.files import short
from neckline.errors import NecklineError
from neckline.history.db import HistoryDB, is_locked
from neckline.history.export import export, export_file
from neckline.history.report import stats_text
from neckline.history.stats import NotCompacted, compute_stats, count_history, delete_history


class DateError(NecklineError):
    pass


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{option} takes a date as YYYY-MM-DD, not {text!r}.") from None


def _open(path: Path | None, write: bool) -> HistoryDB:
    db = HistoryDB.open(path, write=write)
    if db.notice:
        print(f"neckline: {db.notice}", file=sys.stderr)
    return db


def _range(args: argparse.Namespace, db: HistoryDB, default_days: int | None) -> tuple[date,
                                                                                       date]:
    today = date.today()
    end = _date(args.end, "--to") or today
    start = _date(args.start, "--from")
    if getattr(args, "days", None) is not None:
        if args.days < 1:
            raise DateError("--days takes a whole number of days, 1 or more.")
        try:
            start = end - timedelta(days=args.days - 1)
        except OverflowError:  # before the year 1
            raise DateError(f"--days {args.days} from {end} reaches back before the year 1; "
                            "give fewer days.") from None
    if start is None:
        if default_days is not None:
            start = end - timedelta(days=default_days - 1)
        else:
            first = db.connection.execute("SELECT MIN(day) FROM minutes").fetchone()[0]
            start = date.fromisoformat(first) if first else end
    if start > end:
        raise DateError(f"The range starts ({start}) after it ends ({end}).")
    return start, end


def run_history_command(args: argparse.Namespace) -> int:
    with _open(args.db, write=args.command not in ("stats", "export")) as db:
        if args.command == "stats":
            start, end = _range(args, db, 7)
            stats = compute_stats(db.connection, start, end)
            goal = load_config().history.daily_goal_percent
            if args.json:
                print_json(stats.to_json(goal))
            else:
                print(stats_text(stats, goal))
            return 0
        if args.command == "export":
            start, end = _range(args, db, None)
            if args.output is None:
                export(db.connection, sys.stdout, args.format, start, end)
                return 0
            try:
                count = export_file(db.connection, db.path, args.output, args.format, start,
                                    end)
            except OSError as e:
                raise NecklineError(f"Cannot write {short(str(args.output))} "
                                    f"({e.strerror or e}).") from None
            print(f"Wrote {_count(count, 'record')} ({start} to {end}) to {args.output}.",
                  file=sys.stderr)
            return 0
        return _delete(args, db)


def _delete(args: argparse.Namespace, db: HistoryDB) -> int:
    before = None if args.all else _date(args.before, "--before")
    counts = count_history(db.connection, before)
    what = "all recorded history" if before is None else f"history before {before}"
    summary = (f"{_count(counts['minutes'], 'minute')}, {_count(counts['alerts'], 'alert')} "
               f"and {_count(counts['stretches'], 'stretch', 'stretches')}")
    if not any(counts.values()) and before is not None:
        print(f"Nothing recorded before {before}; nothing deleted.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise NecklineError(f"Nothing deleted: confirm deleting {what} with --yes when "
                                "not running in a terminal.")
        answer = input(f"Delete {what} ({summary}) from {db.path}? This cannot be undone. "
                       "[y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return 0
    try:
        delete_history(db.connection, before)
    except NotCompacted as e:
        print(f"Deleted {what}: {summary}. The file could not be compacted just now ({e}); "
              "the deleted records stay in its free space until the next delete.")
        return 0
    except sqlite3.OperationalError as e:  # the transaction was rolled back: nothing deleted
        reason = "it is in use by another program" if is_locked(e) else str(e)
        raise NecklineError(f"Nothing deleted: the history database {db.path} could not be "
                            f"written ({reason}); try again later.") from None
    print(f"Deleted {what}: {summary}.")
    return 0


def _count(n: int, one: str, many: str | None = None) -> str:
    """"1 alert", "2 alerts"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
