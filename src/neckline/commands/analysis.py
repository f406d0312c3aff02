"""``neckline analyze``: run the engine over a whole source and report what happened."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neckline.capture.sources import FrameSource
from neckline.config import PROBLEMS, REGISTRY, View
from neckline.errors import CalibrationError
from neckline.landmarks.detect import PersonDetector
from neckline.live.adaptive import AdaptiveRate
from neckline.posture.alerts import Alert
from neckline.posture.breaks import DeskEvent, DeskEventKind
from neckline.posture.calibration import Calibration, distance_advice
from neckline.posture.engine import PostureEngine, Sample
from neckline.stretches.catalogue import catalogue

STATES = ("calibrating", "good", "strained", "away")


@dataclass
class Analysis:
    source: str
    rate_fps: float
    view: View = "front"
    duration_s: float = 0.0
    frames: int = 0
    frames_analyzed: int = 0
    calibration: Calibration | None = None
    timeline: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    seconds_in_state: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STATES, 0.0))
    strained_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(PROBLEMS, 0.0))
    interrupted: bool = False
    # A file that stopped decoding before its end: the seconds read, of the seconds it claims.
    ended_early: tuple[float, float] | None = None
    desk_events: list[DeskEvent] = field(default_factory=list)  # break reminders and breaks
    longest_at_desk_s: float = 0.0  # the longest stretch at the desk (see neckline.posture.breaks)
    lent_s: float = 0.0  # a live camera lent to other programs (video calls), in all

    @property
    def reminders(self) -> list[DeskEvent]:
        return [e for e in self.desk_events if e.kind is DeskEventKind.REMINDER]

    @property
    def breaks(self) -> list[DeskEvent]:
        return [e for e in self.desk_events if e.kind is DeskEventKind.BREAK]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "duration_s": round(self.duration_s, 2),
            "frames": self.frames,
            "frames_analyzed": self.frames_analyzed,
            "calibration": self.calibration.to_json() if self.calibration else None,
            "summary": {
                "seconds_in_state": {k: round(v, 1) for k, v in self.seconds_in_state.items()},
                "strained_seconds": {k: round(v, 1) for k, v in self.strained_seconds.items()},
            },
            "timeline": self.timeline,
            "alerts": [a.to_json() for a in self.alerts],
            "breaks": {"taken": [e.to_json() for e in self.breaks],
                       "reminders": [e.to_json() for e in self.reminders],
                       "longest_at_desk_s": round(self.longest_at_desk_s, 1)},
            "ended_early_s": (None if self.ended_early is None
                              else [round(x, 2) for x in self.ended_early]),
        }


def _entry(sample: Sample) -> dict[str, Any]:
    return {"t": round(sample.t, 2), "present": sample.present, "state": sample.state,
            "problems": list(sample.problems),
            "metrics": {_JSON_NAMES.get(k, k): (None if v is None else round(v, 2))
                        for k, v in sample.metrics.items()}}


# The metric the engine keys by its problem (too_close) is a distance; its JSON name says so.
_JSON_NAMES = {"too_close": "screen_distance_cm"}


def analyze(source: FrameSource, detector: PersonDetector, engine: PostureEngine, *,
            rate_fps: float | AdaptiveRate, calibrate_s: float | None = None,
            progress: Callable[[float], None] | None = None,
            observer: Callable[[Sample, PostureEngine], None] | None = None) -> Analysis:
    """Every ``1/rate_fps`` seconds of source time, one frame through the detector and engine;
    with an ``AdaptiveRate``, at its rate, lowered while the picture is steady.

    The timeline keeps one entry per second of source time plus one at every change of state.
    Each analysed frame stands for the time until the next one in the per-state totals. A live
    camera lent to another program meanwhile (``Frame.lent_s``) leaves a gap that no frame
    stands for; the moment's timers start afresh after it, and the desk stretch runs through it
    (a call is sitting).
    """
    adaptive = rate_fps if isinstance(rate_fps, AdaptiveRate) else None
    full_fps = rate_fps.full_fps if isinstance(rate_fps, AdaptiveRate) else rate_fps
    result = Analysis(source.name, full_fps, engine.view)
    if calibrate_s:
        engine.start_calibration(calibrate_s)
    last_second = -1
    last_state = ""
    previous: Sample | None = None
    rate: float | Callable[[], float] = full_fps
    if adaptive is not None:
        rate = lambda: adaptive.fps  # noqa: E731
    slowest_fps = min(adaptive.idle_fps, full_fps) if adaptive else full_fps
    period = 1.0 / full_fps  # the last spacing between frames: what the last frame stands for
    try:
        for frame in source.sampled(rate):
            if frame.lent_s:
                engine.reset()
                result.lent_s += frame.lent_s
            sample = engine.update(frame.t, *detector.detect(frame.image, frame.t))
            if sample.calibrated is not None and sample.calibrated.calibration is None:
                raise CalibrationError(sample.calibrated.error or "Calibration failed.")
            if adaptive is not None:
                adaptive.update(sample)
            if engine.calibration is not None and result.calibration is None:
                result.calibration = engine.calibration
            result.frames_analyzed += 1
            result.frames = frame.index + 1
            if previous is not None:  # a gap (a stalled camera) counts for two frames at most
                if not frame.lent_s:  # (a call is not the spacing of frames)
                    period = frame.t - previous.t
                _account(result, previous, min(period, 2.0 / slowest_fps))
            previous = sample
            second = math.floor(sample.t)
            if second != last_second or sample.state != last_state:
                result.timeline.append(_entry(sample))
                last_second, last_state = second, sample.state
            result.alerts.extend(sample.alerts)
            result.desk_events.extend(sample.desk_events)
            if observer is not None:
                observer(sample, engine)
            if progress is not None:
                progress(sample.t)
    except KeyboardInterrupt:
        result.interrupted = True
    if previous is not None:  # the last frame stands for one period (the one in force)
        _account(result, previous, period)
        result.duration_s = previous.t + period
    if source.frame_count and not result.interrupted:
        # A truncated or damaged file: containers often claim more frames than decode. Under
        # 98% read (and at least a second missing) is said, not glossed over.
        if source.fps and source.frames_read < 0.98 * source.frame_count \
                and source.frame_count - source.frames_read > source.fps:
            result.ended_early = (source.frames_read / source.fps,
                                  source.frame_count / source.fps)
        result.frames = max(result.frames, source.frame_count)
        if source.fps:
            result.duration_s = source.frame_count / source.fps
    if engine.calibration is not None and result.calibration is None:
        result.calibration = engine.calibration
    result.longest_at_desk_s = max([e.at_desk_s for e in result.desk_events
                                    if e.kind is not DeskEventKind.REMINDER]
                                   + [engine.breaks.at_desk_s or 0.0])
    if engine.calibrating and not result.interrupted and calibrate_s:
        engine.cancel_calibration()
        raise CalibrationError(
            f"The source ended {result.duration_s:.1f} s in, before the {calibrate_s:g} s "
            "calibration finished; calibrate for less (--calibrate) or use a longer source.")
    return result


def _account(result: Analysis, sample: Sample, dt: float) -> None:
    result.seconds_in_state[sample.state] += dt
    for problem in sample.problems:
        result.strained_seconds[problem] += dt


def _clock(seconds: float) -> str:
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def summary_text(result: Analysis) -> str:
    """The readable report ``neckline analyze`` prints without --json."""
    lines = [f"Source: {result.source}",
             f"Duration: {_clock(result.duration_s)} ({result.frames} frames, "
             f"{result.frames_analyzed} analysed at {result.rate_fps:g} per second)"]
    if result.interrupted:
        lines.append("Stopped early (interrupted).")
    if result.lent_s:
        lines.append(f"The camera was lent to other programs (video calls) for "
                     f"{_clock(result.lent_s)}; not analysed meanwhile.")
    if result.ended_early is not None:
        lines.append(ended_early_words(result.ended_early))
    if result.calibration is None:
        lines.append("Calibration: none, so tilt and head-down are judged against a level, "
                     "camera-facing head and forward head is not measured.")
    else:
        line = f"Calibration: {result.calibration.frames} frames of neutral posture"
        distance = result.calibration.neutral.get("eye_distance_cm")
        if distance is not None and result.view == "front":
            line += f", eyes about {distance:.0f} cm from the camera"
        lines.append(line + ".")
        advice = distance_advice(result.calibration)
        if advice:
            lines.append(advice)
    s = result.seconds_in_state
    watched = s["good"] + s["strained"]
    if watched > 0:
        lines.append(f"Good posture: {_clock(s['good'])} of {_clock(watched)} in view "
                     f"({s['good'] / watched:.0%}).")
    else:
        lines.append("Nobody was in view long enough to judge posture.")
    lines.append(f"Away (nobody in view): {_clock(s['away'])}.")
    if s["calibrating"]:
        lines.append(f"Calibrating: {_clock(s['calibrating'])}.")
    strained = [(p, v) for p, v in result.strained_seconds.items() if v >= 0.5]
    if strained:
        lines.append("Strained time per problem:")
        lines.extend(f"  {REGISTRY[p].summary:<26} {_clock(v)}" for p, v in strained)
    if result.alerts:
        stretches = catalogue().stretches
        lines.append(f"Alerts ({len(result.alerts)}):")
        for a in result.alerts:
            side_cva = result.view == "side" and a.problem == "forward_head"
            unit = "deg CVA" if side_cva else REGISTRY[a.problem].value_unit
            titles = [stretches[i].title if i in stretches else i for i in a.stretches]
            lines.append(f"  at {_clock(a.t)}: {REGISTRY[a.problem].summary} for {a.held_s:.0f} s "
                         f"({a.value:+.1f} {unit}); try: {', '.join(titles)}")
    else:
        lines.append("Alerts: none.")
    lines.append(breaks_words(result))
    return "\n".join(lines)


def breaks_words(result: Analysis) -> str:
    """One line on breaks: taken, the longest stretch at the desk, reminders."""
    taken = len(result.breaks)
    words = (f"Breaks: {taken} taken" if taken else "Breaks: none taken") + \
        f"; longest stretch at the desk {_clock(result.longest_at_desk_s)}"
    reminders = result.reminders
    if reminders:
        words += "; break reminder at " + ", ".join(_clock(e.t) for e in reminders)
    return words + "."


def ended_early_words(ended: tuple[float, float]) -> str:
    read, claimed = ended
    return (f"The video stopped decoding at {_clock(read)} of its {_clock(claimed)} (truncated "
            "or damaged); only that part was analysed.")


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most every half percent."""

    def __init__(self, total_s: float, width: int = 30) -> None:
        self.total = total_s
        self.width = width
        self._shown = -1

    def __call__(self, t: float) -> None:
        done = min(1.0, t / self.total)
        step = int(done * 200)
        if step == self._shown:
            return
        self._shown = step
        filled = int(done * self.width)
        sys.stderr.write(f"\r{done:4.0%} [{'#' * filled}{'.' * (self.width - filled)}] "
                         f"{_clock(t)} / {_clock(self.total)}")
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\r" + " " * (self.width + 30) + "\r")
        sys.stderr.flush()
