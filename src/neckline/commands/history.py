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
from neckline.history.export import export, export_file, recorded_days, skipped_words
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


STATS_DAYS = 7  # what stats shows without --from or --days
STATS_MAX_DAYS = 36_525  # 100 years: the days of a range are all held in memory


def _stats_range(args: argparse.Namespace) -> tuple[date, date]:
    end = _date(args.end, "--to") or date.today()
    start = _date(args.start, "--from")
    if args.days is not None and args.days < 1:
        raise DateError("--days takes a whole number of days, 1 or more.")
    if start is None:
        try:
            start = end - timedelta(days=(args.days or STATS_DAYS) - 1)
        except OverflowError:  # before the year 1
            asked = f"--days {args.days} from {end} reaches" if args.days else \
                f"The {STATS_DAYS} days up to {end} reach"
            raise DateError(f"{asked} back before the year 1; give "
                            f"{'fewer days' if args.days else '--from as well'}.") from None
    if start > end:
        raise DateError(f"The range starts ({start}) after it ends ({end}).")
    if (end - start).days >= STATS_MAX_DAYS:
        raise DateError(f"stats covers at most 100 years at a time, not {start} to {end}; "
                        "give a later --from or an earlier --to.")
    return start, end


def _export_range(args: argparse.Namespace, db: HistoryDB) -> tuple[date, date]:
    """The range asked for; without --from or --to, from the first day recorded, up to today
    or the last day recorded (a clock that was wrong) if later."""
    start, end = _date(args.start, "--from"), _date(args.end, "--to")
    recorded = recorded_days(db.connection)
    if end is None:
        end = max(date.today(), recorded[1]) if recorded else date.today()
    if start is None:
        start = recorded[0] if recorded else end
    if start > end:
        raise DateError(f"The range starts ({start}) after it ends ({end}).")
    return start, end


def run_history_command(args: argparse.Namespace) -> int:
    with _open(args.db, write=args.command not in ("stats", "export")) as db:
        if args.command == "stats":
            start, end = _stats_range(args)
            stats = compute_stats(db.connection, start, end)
            goal = load_config().history.daily_goal_percent
            if args.json:
                print_json(stats.to_json(goal))
            else:
                print(stats_text(stats, goal))
            if stats.skipped:
                print(f"neckline: {skipped_words(stats.skipped)}", file=sys.stderr)
            return 0
        if args.command == "export":
            start, end = _export_range(args, db)
            everything = args.start is None and args.end is None
            if args.output is None:
                done = export(db.connection, sys.stdout, args.format, start, end,
                              everything=everything)
                if done.skipped:
                    print(f"neckline: {skipped_words(done.skipped)}", file=sys.stderr)
                return 0
            try:
                done = export_file(db.connection, db.path, args.output, args.format, start,
                                   end, everything=everything)
            except OSError as e:
                raise NecklineError(f"Cannot write {short(str(args.output))} "
                                    f"({e.strerror or e}).") from None
            skipped = f"; {_count(done.skipped, 'damaged row')} skipped" if done.skipped else ""
            print(f"Wrote {_count(done.records, 'record')} ({start} to {end}) to "
                  f"{args.output}{skipped}.", file=sys.stderr)
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
