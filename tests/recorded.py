"""A recorded morning for the history tests: samples with known totals, written through the
real recorder into a real database."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from neckline.history.recorder import HistoryRecorder
from neckline.posture.alerts import Alert
from neckline.posture.engine import METRICS, PostureState, Sample

NINE = datetime(2026, 3, 2, 9, 0, 0).timestamp()  # a Monday, local time


def sample(state: PostureState, tilt: float | None = 0.0) -> Sample:
    metrics: dict[str, float | None] = dict.fromkeys(METRICS)
    if state != "away":
        metrics["head_tilt"] = tilt
        metrics["too_close"] = 60.0
    problems = ("head_tilt",) if state == "strained" else ()
    return Sample(0.0, state != "away", state, problems, metrics)


def morning() -> list[tuple[Sample, float]]:
    """10 samples a second from 9:00:00: 30 s good (tilt 2), 30 s strained (tilt 15), 30 s
    away, then 9:01:30-9:03:00 good (tilt 1)."""
    plan = [("good", 2.0, 30), ("strained", 15.0, 30), ("away", None, 30), ("good", 1.0, 90)]
    out: list[tuple[Sample, float]] = []
    for state, tilt, seconds in plan:
        for _ in range(seconds * 10):
            out.append((sample(state, tilt), NINE + len(out) / 10))
    return out


def record(path: Path, samples: list[tuple[Sample, float]], alerts: list[Alert] = ()) -> None:
    recorder = HistoryRecorder(path, camera="camera 0", model="full", started=NINE)
    for s, t in samples:
        recorder.add_sample(s, t)
    for a in alerts:
        recorder.add_alert(a, NINE + a.t)
        recorder.set_response(a, "snoozed")
    recorder.add_stretch("chin_tuck", "head_down", NINE + 100)
    recorder.close()
    assert recorder.error is None
