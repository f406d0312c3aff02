#!/usr/bin/env python3
"""A year of daily use: builds the history database and times what reads it.

Usage: .venv/bin/python benchmarks/history_scale.py [--keep DIR]

365 days x 8 hours of per-minute rows (175,200 minutes, ~8 alerts and 3 stretches a day),
written in the real schema through HistoryDB, with the day and hour rollups the recorder
keeps. Measures:
1. `neckline stats --days 365` as a user runs it (a new process; best of 5, wall time), and the
   statistics query alone in this process;
2. opening the statistics window on "this month" and on the whole year (offscreen Qt: build,
   query, draw, first paint).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from neckline.config import PROBLEMS
from neckline.history.db import METRICS, HistoryDB, refresh_rollups
from neckline.history.stats import compute_stats


def build(path: Path, today: date, days: int = 365) -> int:
    rng = random.Random(7)
    rows, alerts, stretches, at_desk = [], [], [], []
    with HistoryDB.open(path) as db:
        c = db.connection
        session = c.execute("INSERT INTO sessions (started, ended, camera, model) "
                            "VALUES (0, 0, 'camera 0', 'full')").lastrowid
        for back in range(days):
            day = today - timedelta(days=back)
            start = datetime(day.year, day.month, day.day, 9).timestamp()
            for m in range(8 * 60):
                present = 60.0 if rng.random() > 0.08 else rng.uniform(0, 60)
                strained = min(present, max(0.0, rng.gauss(8, 12)))
                problem = rng.choice(PROBLEMS)
                row = [session, start + 60 * m, day.isoformat(), 9 + m // 60, present,
                       present - strained, strained]
                row += [strained if p == problem else 0.0 for p in PROBLEMS]
                for _ in METRICS:
                    mean = rng.gauss(2, 3)
                    row += [mean, mean + abs(rng.gauss(2, 1))]
                rows.append(row)
            for _ in range(8):
                alerts.append((session, start + rng.uniform(0, 28800), day.isoformat(),
                               rng.choice(PROBLEMS), 60.0, 12.0,
                               rng.choice(["stretched", "snoozed", "dismissed", "no_response"])))
            for _ in range(3):
                stretches.append((start + rng.uniform(0, 28800), day.isoformat(), "chin_tuck"))
            t = start  # stretches at the desk of 20-70 minutes, most ended by a break
            while t < start + 8 * 3600:
                seconds = rng.uniform(20, 70) * 60
                away = rng.uniform(2, 12) * 60
                ended = "break" if rng.random() < 0.8 else "paused"
                at_desk.append((session, t, day.isoformat(), seconds, int(seconds // 1800),
                                ended, away))
                t += seconds + away
        columns = (["session_id", "minute", "day", "hour", "present_s", "good_s", "strained_s"]
                   + [f"strained_{p}_s" for p in PROBLEMS]
                   + [f"{k}_{m}" for m in METRICS for k in ("mean", "p90")])
        with c:
            c.executemany(f"INSERT INTO minutes ({', '.join(columns)}) VALUES "
                          f"({', '.join('?' * len(columns))})", rows)
            c.executemany("INSERT INTO alerts (session_id, t, day, problem, held_s, value, "
                          "response) VALUES (?,?,?,?,?,?,?)", alerts)
            c.executemany("INSERT INTO stretches (t, day, stretch) VALUES (?,?,?)", stretches)
            c.executemany("INSERT INTO desk_stretches (session_id, start, day, seconds, "
                          "reminders, ended_by, away_s) VALUES (?,?,?,?,?,?,?)", at_desk)
            # As the recorder does at each write: the day and hour rollups.
            refresh_rollups(c, {r[2] for r in rows})
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="build the database in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="neckline-year-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "history.db"
    path.unlink(missing_ok=True)
    today = date.today()
    t0 = time.perf_counter()
    minutes = build(path, today)
    print(f"built {minutes} minute rows in {time.perf_counter() - t0:.1f} s; "
          f"{path.stat().st_size / 1e6:.1f} MB")

    query = []
    with HistoryDB.open(path) as db:
        for _ in range(5):
            t0 = time.perf_counter()
            compute_stats(db.connection, today - timedelta(days=364), today)
            query.append(time.perf_counter() - t0)
    command = [str(Path(sys.executable).parent / "neckline"), "stats", "--days", "365",
               "--db", str(path)]
    wall = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - t0)
    print(f"stats query, 365 days:        {1000 * statistics.median(query):6.0f} ms (median)")
    print(f"`neckline stats --days 365`:  {1000 * min(wall):6.0f} ms (best of 5, "
          f"median {1000 * statistics.median(wall):.0f} ms, whole process)")

    from PyQt6.QtWidgets import QApplication

    from neckline.app.stats_window import StatsWindow

    app = QApplication(sys.argv[:1])

    def read_and_paint() -> None:
        """Until the window's reading thread has answered and the charts are drawn."""
        while window.reading:
            app.processEvents()
            time.sleep(0.001)
        window.grab()  # a full paint of every chart

    t0 = time.perf_counter()
    window = StatsWindow(path)  # opens on this week
    window.show_period("month")
    window.show()
    read_and_paint()
    month = time.perf_counter() - t0
    t0 = time.perf_counter()
    window.show_range(today - timedelta(days=364), today)
    read_and_paint()
    year = time.perf_counter() - t0
    print(f"statistics window, this month: {1000 * month:6.0f} ms to open and paint")
    print(f"statistics window, whole year: {1000 * year:6.0f} ms to query and repaint")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
