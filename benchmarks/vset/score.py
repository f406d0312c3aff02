"""Scoring: each clip through ``neckline analyze``, its alerts and measures against the truth.

An expected alert is a hit when it comes between one second before its dwell has passed (the
posture is reached over a one-second movement) and ``LATE_S`` after; later in the hold it is
late; not at all, a miss. Any alert that is neither expected nor allowed is a false alarm. For
the measures, the median of each metric over the settled part of the hold (from 4 s in) is
compared with the applied value.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vset.clips import CALIBRATE_S, PROBLEMS, Clip

LATE_S = 6.0
SETTLE_S = 4.0
# Which metric of neckline's output each applied quantity is compared with.
MEASURES = ("head_tilt", "head_down", "head_turn", "shoulders_uneven", "forward_head",
            "distance_cm")


@dataclass
class ClipResult:
    clip: Clip
    error: str | None = None  # analyze refused the clip (for instance, calibration failed)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    hits: dict[str, float] = field(default_factory=dict)  # problem -> latency after dwell (s)
    late: dict[str, float] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    measured: dict[str, float] = field(default_factory=dict)  # median over the hold
    neutral: dict[str, float] = field(default_factory=dict)  # median before the hold
    away_s: float = 0.0  # seconds judged "away"
    present_s: float = 0.0

    @property
    def raised(self) -> set[str]:
        return {a["problem"] for a in self.alerts}

    @property
    def ok(self) -> bool:
        return self.error is None and not self.missed and not self.late \
            and not self.false_alarms


def run_analyze(path: Path, config: Path | None) -> tuple[dict[str, Any] | None, str | None]:
    """``neckline analyze`` as a user runs it; (result, None) or (None, its error sentence)."""
    cmd = [sys.executable, "-m", "neckline", "analyze", str(path), "--calibrate",
           str(CALIBRATE_S), "--json"]
    if config is not None:
        cmd += ["--config", str(config)]
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        return None, lines[-1] if lines else f"exit status {proc.returncode}"
    return json.loads(proc.stdout), None


def distance_of(metrics: dict[str, Any]) -> float | None:
    """The eye-to-screen distance, whatever the output calls it."""
    for key in ("screen_distance_cm", "screen_distance", "distance_cm", "too_close"):
        if metrics.get(key) is not None:
            return float(metrics[key])
    return None


def score(clip: Clip, result: dict[str, Any] | None, error: str | None) -> ClipResult:
    out = ClipResult(clip, error=error)
    if result is None:
        out.missed = list(clip.expected)
        return out
    hold = clip.hold
    out.alerts = [a for a in result["alerts"] if a["t"] >= CALIBRATE_S]
    for problem in clip.expected:
        assert hold is not None
        due = hold[0] + clip.dwell_s[problem]
        times = [a["t"] for a in out.alerts if a["problem"] == problem
                 and hold[0] <= a["t"] <= hold[1] + LATE_S]
        if not times:
            out.missed.append(problem)
        elif due - 1.0 <= times[0] <= due + LATE_S:
            out.hits[problem] = round(times[0] - due, 1)
        elif times[0] > due:
            out.late[problem] = round(times[0] - due, 1)
        else:  # before its dwell could have passed: it was raised by something else
            out.false_alarms.append({"t": times[0], "problem": problem, "early": True})
    for a in out.alerts:
        if a["problem"] in clip.allowed:
            continue
        if a["problem"] in clip.expected and hold and hold[0] <= a["t"] <= hold[1] + LATE_S:
            continue
        out.false_alarms.append({"t": a["t"], "problem": a["problem"],
                                 "value": a.get("value")})
    timeline = result["timeline"]
    for entry in timeline:
        step = 1.0
        if entry["state"] == "away":
            out.away_s += step
        elif entry["present"]:
            out.present_s += step
    if hold is not None:
        settled = [e for e in timeline if hold[0] + SETTLE_S <= e["t"] <= hold[1]]
        before = [e for e in timeline if CALIBRATE_S <= e["t"] < hold[0]]
        out.measured = _medians(settled)
        out.neutral = _medians(before)
    return out


def _medians(entries: list[dict[str, Any]]) -> dict[str, float]:
    values: dict[str, list[float]] = {m: [] for m in MEASURES}
    for e in entries:
        metrics = e["metrics"]
        for m in MEASURES:
            v = distance_of(metrics) if m == "distance_cm" else metrics.get(m)
            if v is not None:
                values[m].append(float(v))
    return {m: statistics.median(v) for m, v in values.items() if v}


# -- reports --------------------------------------------------------------------------------

def confusion(results: list[ClipResult]) -> tuple[list[str], dict[str, dict[str, int]],
                                                  dict[str, int], dict[str, set[str]]]:
    """Rows (posture kinds in order of first appearance), counts[kind][problem or 'none'],
    clips per kind, and the expected problems per kind."""
    kinds: list[str] = []
    counts: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    expected: dict[str, set[str]] = {}
    for r in results:
        kind = r.clip.kind
        if kind not in counts:
            kinds.append(kind)
            counts[kind] = dict.fromkeys((*PROBLEMS, "none", "failed"), 0)
            totals[kind] = 0
            expected[kind] = set()
        totals[kind] += 1
        expected[kind] |= set(r.clip.expected)
        if r.error:
            counts[kind]["failed"] += 1
            continue
        raised = r.raised
        for p in raised:
            counts[kind][p] += 1
        if not raised:
            counts[kind]["none"] += 1
    return kinds, counts, totals, expected


def confusion_table(results: list[ClipResult], markdown: bool = False) -> str:
    kinds, counts, totals, expected = confusion(results)
    cols = (*PROBLEMS, "none", "failed")
    header = ["posture shown (clips)", *cols]
    rows = []
    for kind in kinds:
        cells = []
        for c in cols:
            n = counts[kind][c]
            mark = "*" if c in expected[kind] else ""
            cells.append(f"{n}{mark}" if n or mark else ".")
        rows.append([f"{kind} ({totals[kind]})", *cells])
    return _table(header, rows, markdown)


def error_table(results: list[ClipResult], by_person: bool = False,
                markdown: bool = False) -> str:
    """Mean absolute error of each measure against the applied value (the settled median of
    the hold; for the distance, its change from the neutral against the applied change)."""
    groups: dict[str, dict[str, list[float]]] = {}
    for r in results:
        if r.error or not r.measured or r.clip.hold is None:
            continue
        group = r.clip.person if by_person else "all"
        errs = groups.setdefault(group, {m: [] for m in MEASURES})
        for m, e in _errors(r).items():
            errs[m].append(e)
    header = ["who", *[f"{m} ({'cm' if m in ('forward_head', 'distance_cm') else 'deg'})"
                       for m in MEASURES]]
    rows = []
    for group, errs in groups.items():
        cells = [f"{statistics.mean(v):.1f} (max {max(v):.1f})" if v else "-"
                 for v in errs.values()]
        rows.append([group, *cells])
    return _table(header, rows, markdown)


def posture_error_table(results: list[ClipResult], markdown: bool = False) -> str:
    """Rows: the posture shown; cells: each measure's mean absolute error against what was
    applied (its own axis, and the cross-talk into the others, whose applied value is 0)."""
    rows: dict[str, dict[str, list[float]]] = {}
    for r in results:
        if r.error or not r.measured or r.clip.hold is None:
            continue
        errs = rows.setdefault(r.clip.kind, {m: [] for m in MEASURES})
        for m, e in _errors(r).items():
            errs[m].append(e)
    header = ["posture shown", *[f"{m} ({'cm' if m in ('forward_head', 'distance_cm') else '°'})"
                                 for m in MEASURES]]
    table = [[kind, *[f"{statistics.mean(v):.1f}" if v else "-" for v in errs.values()]]
             for kind, errs in rows.items()]
    return _table(header, table, markdown)


def _errors(r: ClipResult) -> dict[str, float]:
    truth = r.clip.truth()
    out = {}
    for m in MEASURES:
        if m not in r.measured:
            continue
        if m == "distance_cm":
            if m in r.neutral:
                change = r.measured[m] - r.neutral[m]
                out[m] = abs(change - (truth[m] - r.clip.distance_cm))
        else:
            out[m] = abs(r.measured[m] - truth[m])
    return out


def detail_table(results: list[ClipResult], markdown: bool = False) -> str:
    """Per clip: applied vs measured, and the verdict."""
    header = ["clip", "applied", "measured (hold median)", "alerts", "verdict"]
    rows = []
    for r in results:
        truth = r.clip.truth()
        applied = ", ".join(f"{k} {v:g}" for k, v in truth.items()
                            if v and k != "distance_cm")
        if truth:
            applied = (applied + ", " if applied else "") + f"at {truth['distance_cm']:g} cm"
        measured = ", ".join(f"{k} {v:.1f}" for k, v in r.measured.items())
        alerts = ", ".join(f"{a['problem']}@{a['t']:.0f}s" for a in r.alerts) or "-"
        rows.append([r.clip.name, applied or "-", measured or "-", alerts, verdict(r)])
    return _table(header, rows, markdown)


def verdict(r: ClipResult) -> str:
    if r.error:
        return f"FAILED: {r.error}"
    parts = [f"hit {p} (+{t:.1f} s)" for p, t in r.hits.items()]
    parts += [f"LATE {p} (+{t:.0f} s)" for p, t in r.late.items()]
    parts += [f"MISSED {p}" for p in r.missed]
    parts += [f"FALSE ALARM {f['problem']} at {f['t']:.0f} s" for f in r.false_alarms]
    return "; ".join(parts) if parts else "ok (no alert, none expected)"


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths)),
                      *(fmt.format(*r) for r in rows)])
