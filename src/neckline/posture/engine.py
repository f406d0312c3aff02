"""The posture engine: detected people in, posture measures, states and alerts out.

Pure Python: it is handed the bodies MediaPipe found and the frame's source time, so the same
engine serves ``neckline analyze``, the desktop app and tests with synthetic landmarks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from neckline.config import PROBLEMS, REGISTRY, Config, Direction
from neckline.errors import CalibrationError
from neckline.landmarks.body import Body, choose_user
from neckline.landmarks.head import Face, steady_eye_distance
from neckline.posture.alerts import Alert, ProblemTracker
from neckline.posture.breaks import BreakTimer, DeskEvent, DeskEventKind
from neckline.posture.calibration import Calibration, CalibrationOutcome, compute_calibration
from neckline.posture.geometry import RawMeasures, forward_shift_cm, measure
from neckline.posture.smoothing import OneEuroFilter
from neckline.posture.thresholds import neutral_distance_cm, threshold, usable
from neckline.stretches.catalogue import stretches_for

METRICS = ("head_tilt", "neck_side_bend", "head_down", "forward_head", "shoulders_uneven",
           "too_close", "cva", "head_turn")
"""Metric names in samples and JSON. ``too_close`` is the eye-to-screen distance in cm; ``cva``
the side-view craniovertebral angle; ``head_turn`` the head's yaw (+ toward the user's left,
reported for the stretch guide); the rest are signed changes from the neutral."""

_DISTANCES = ("forward_head", "too_close")
# Forward head is not judged while the head is turned further than this from the neutral
# (as the face model reads it: ~25-30 deg of real turn).
FORWARD_HEAD_MAX_TURN_DEG = 20.0
# Nobody seen for this long is "away" (every timer restarts); a shorter gap is a frame or two
# that both models missed, and changes nothing.
AWAY_AFTER_S = 1.0
# With the face model on, a body seen without a face counts as the user only if it is at least
# this share of the size the user had when last seen with their face: the pose model's tracker
# can follow a phantom a fraction of the user's size in an empty chair for minutes after they
# left (benchmarks/breaks.py), which would hide every break.
MIN_FACELESS_BODY_SHARE = 0.5
# Side view: the craniovertebral angle clears 2 deg above its limit (the smallest change that
# matters clinically is 1.4 deg, ../shared/EVIDENCE.md).
_CVA_MARGIN_DEG = 2.0


PostureState = Literal["calibrating", "good", "strained", "away"]

MAX_SAMPLE_GAP_S = 2.0


def sample_span(t: float, next_t: float) -> float:
    """How long a sample at ``t`` stands for when the next comes at ``next_t``: the time
    between, at most MAX_SAMPLE_GAP_S (a stall or a pause does not count as time seen)."""
    return min(max(next_t - t, 0.0), MAX_SAMPLE_GAP_S)


@dataclass(frozen=True)
class Sample:
    """The engine's verdict on one analysed frame."""

    t: float
    present: bool
    state: PostureState
    problems: tuple[str, ...]
    metrics: dict[str, float | None]
    alerts: tuple[Alert, ...] = ()
    body: Body | None = None
    calibration_progress: float | None = None  # 0..1 while calibrating
    face: Face | None = None
    desk_events: tuple[DeskEvent, ...] = ()  # break reminders, breaks (see neckline.posture.breaks)
    at_desk_s: float | None = None  # the running stretch at the desk, None when there is none
    calibrated: CalibrationOutcome | None = None  # on the frame a calibration ended or loaded


class PostureEngine:
    def __init__(self, config: Config, calibration: Calibration | None = None) -> None:
        self.config = config
        self.breaks = BreakTimer(every_s=config.breaks.every_min * 60.0,
                                 break_s=config.breaks.length_min * 60.0)
        self.view = config.camera.view
        self._previous: Body | None = None
        self._bowed: float | None = None  # the last head-down seen beyond its threshold
        self._seen: Sample | None = None  # the last sample in which the user was seen
        self._user_size = 0.0  # the user's body size when last seen with their face (px)
        m = config.measures
        self._filters = {
            k: OneEuroFilter(m.distance_smoothing_min_cutoff_hz if k in _DISTANCES
                             else m.smoothing_min_cutoff_hz, m.smoothing_beta)
            for k in METRICS}
        self._calibrating: tuple[float, float] | None = None  # (start, seconds)
        self._calibration_frames: list[RawMeasures | None] = []
        self.calibration: Calibration | None = None
        self.camera = ""  # the camera (source name) a calibration made now belongs to
        self._outcome: CalibrationOutcome | None = None  # for the next sample
        self.trackers: dict[str, ProblemTracker] = {}
        self.set_calibration(calibration)

    # -- calibration ------------------------------------------------------------------------

    def set_calibration(self, calibration: Calibration | None) -> None:
        """Judges against ``calibration`` from now on: new thresholds and fresh timers (an
        alert judged against the old neutral, or a level head, does not hold back the first
        one against the new)."""
        self.calibration = usable(calibration, self.config)
        self.trackers = self._make_trackers()

    def carry_on_from(self, old: PostureEngine) -> None:
        """A new config's engine takes over from ``old``: the running stretch at the desk (on
        this config's break lengths), its camera, and a calibration outcome not yet told (a
        saved one loaded a moment ago), so the app still hears of it."""
        old.breaks.set_lengths(every_s=self.breaks.every_s, break_s=self.breaks.break_s)
        self.breaks, self.camera, self._outcome = old.breaks, old.camera, old._outcome
        for problem, tracker in self.trackers.items():  # cooldowns and strains held go on
            if problem in old.trackers:
                tracker.carry_on_from(old.trackers[problem])

    def load_calibration(self, calibration: Calibration | None, error: str | None = None
                         ) -> None:
        """A calibration saved earlier (or why it could not be read): used, and told by the
        next sample."""
        if calibration is not None:
            self.set_calibration(calibration)
        self._outcome = CalibrationOutcome(calibration, error, loaded=True)

    def reset(self) -> None:
        """Forget the moment: timers, filters and the followed person (after a pause or a
        gap in the frames). The calibration and cooldowns stay."""
        self._previous = None
        self._bowed = None
        self._seen = None
        for tracker in self.trackers.values():
            tracker.reset()
        for f in self._filters.values():
            f.reset()

    def start_calibration(self, seconds: float) -> None:
        """The next ``seconds`` of source time become the neutral (see ``update``)."""
        self._calibrating = (float("nan"), seconds)
        self._calibration_frames = []

    @property
    def calibrating(self) -> bool:
        return self._calibrating is not None

    def cancel_calibration(self) -> None:
        self._calibrating = None
        self._calibration_frames = []

    def threshold(self, problem: str) -> float:
        """The effective threshold (``neckline.posture.thresholds``)."""
        return threshold(problem, self.config, self.calibration)

    @property
    def neutral_distance_cm(self) -> float:
        return neutral_distance_cm(self.calibration)

    def _make_trackers(self) -> dict[str, ProblemTracker]:
        alerts = self.config.alerts
        trackers = {}
        for problem in PROBLEMS:
            rule = alerts.rule(problem)
            if not rule.enabled:
                continue
            direction, margin = REGISTRY[problem].direction, rule.margin
            if problem == "too_close":  # the rule is in percent of the neutral distance
                margin = self.neutral_distance_cm * rule.margin / 100.0
            if problem == "forward_head" and self.view == "side":
                direction, margin = Direction.BELOW, _CVA_MARGIN_DEG
            trackers[problem] = ProblemTracker(
                problem, threshold=self.threshold(problem), margin=margin, dwell_s=rule.dwell_s,
                direction=direction, clear_after_s=alerts.clear_after_s,
                cooldown_s=alerts.cooldown_s)
        return trackers

    # -- per frame --------------------------------------------------------------------------

    def update(self, t: float, bodies: list[Body], faces: list[Face] | None = None) -> Sample:
        """Judges one frame. ``faces`` is None when the head is read from the pose model.
        The user is present when either model finds them. A calibration that ended (made,
        refused or loaded) is told by this sample's ``calibrated``."""
        sample = self._judge(t, bodies, faces)
        events = self.breaks.update(t, sample.present)
        if not self.config.breaks.remind:
            events = tuple(e for e in events if e.kind is not DeskEventKind.REMINDER)
        outcome, self._outcome = self._outcome, None
        return dataclasses.replace(sample, desk_events=events, at_desk_s=self.breaks.at_desk_s,
                                   calibrated=outcome)

    def camera_off(self, seconds: float, *, by_user: bool) -> None:
        """The camera was off for ``seconds``: see ``BreakTimer.camera_off``."""
        self.breaks.camera_off(seconds, by_user=by_user)

    def camera_lent(self, seconds: float) -> None:
        """The camera was lent to a video call for ``seconds``, time at the desk: see
        ``BreakTimer.camera_lent``. (The moment's timers restart with ``reset``, as after any
        gap in the frames, so no posture held before the call alerts after it.)"""
        self.breaks.camera_lent(seconds)

    def _judge(self, t: float, bodies: list[Body], faces: list[Face] | None) -> Sample:
        user = choose_user(bodies, self._previous)
        face = max(faces, key=lambda f: f.size) if faces else None
        if user is not None and face is not None:
            self._user_size = user.size
        elif user is not None and faces is not None and \
                user.size < MIN_FACELESS_BODY_SHARE * self._user_size:
            user = None  # a shrinking phantom where the user was, not the user
        if user is not None:
            self._previous = user
        if self.view == "side":
            face = None
        present = user is not None or face is not None
        raw = None
        if present:
            m = self.config.measures
            raw = measure(user, view=self.view,
                          field_of_view_deg=self.config.camera.field_of_view_deg,
                          head_breadth_cm=m.head_breadth_cm, face=face,
                          head_from_face=faces is not None, eye_spacing_cm=m.eye_spacing_cm)
        if self._calibrating is not None:
            start, seconds = self._calibrating
            if start != start:  # NaN: the window starts at the first frame after the request
                start = t
                self._calibrating = (t, seconds)
            if t - start < seconds:
                self._calibration_frames.append(raw)
                return Sample(t, present, "calibrating", (), self._metrics(t, raw),
                              body=user, calibration_progress=(t - start) / seconds,
                              face=face)
            frames, self._calibration_frames = self._calibration_frames, []
            self._calibrating = None
            try:
                made = compute_calibration(frames, self.view, self.config.calibration,
                                           self.camera)
            except CalibrationError as e:  # refused: said, and this frame judged as before
                self._outcome = CalibrationOutcome(None, str(e))
            else:
                self.set_calibration(made)
                self._outcome = CalibrationOutcome(made)
        if (not present or raw is None) and self._seen is not None \
                and t - self._seen.t < AWAY_AFTER_S:
            # Both models missed the user in a frame or two: not "away" yet. The timers keep
            # running on "not measurable" and the last measures stand.
            for tracker in self.trackers.values():
                tracker.update(t, None)
            problems = tuple(p for p, tr in self.trackers.items() if tr.holding)
            return dataclasses.replace(self._seen, t=t, alerts=(), problems=problems,
                                       state="strained" if problems else "good")
        if not present or raw is None:
            self.reset()  # away: every timer restarts
            return Sample(t, False, "away", (), dict.fromkeys(METRICS))
        metrics = self._metrics(t, raw)
        alerts = []
        for problem, tracker in self.trackers.items():
            alert = tracker.update(t, self._judged_value(problem, metrics))
            if alert is not None:
                alerts.append(dataclasses.replace(alert, stretches=stretches_for(problem)))
        problems = tuple(p for p, tr in self.trackers.items() if tr.holding)
        self._seen = Sample(t, True, "strained" if problems else "good", problems, metrics,
                            tuple(alerts), user, face=face)
        return self._seen

    def _judged_value(self, problem: str, metrics: dict[str, float | None]) -> float | None:
        if problem != "forward_head":
            return metrics[problem]
        if self.view == "side":
            return metrics["cva"]
        # One posture, one alert: bending the head down also carries the ears forward, and
        # leaning the whole body in brings the head nearer however well the trunk is followed,
        # so forward head is judged only while the head is not bent down beyond the head-down
        # threshold and the eyes are not closer than the too-close limit. Otherwise it counts
        # as not measurable.
        down = metrics["head_down"]
        if down is not None and down > self.threshold("head_down"):
            return None
        # A turned head: the pose model narrows the shoulders it stands in for the trunk with
        # (up to 20% at a 40 deg turn, where the chest cannot be followed by its texture), and
        # the face model reads only part of a large turn; past this the depth is not trusted.
        turn = metrics["head_turn"]
        if turn is not None and abs(turn) > FORWARD_HEAD_MAX_TURN_DEG:
            return None
        distance = metrics["too_close"]
        if distance is not None and distance < self.threshold("too_close"):
            return None
        return metrics["forward_head"]

    def _metrics(self, t: float, raw: RawMeasures | None) -> dict[str, float | None]:
        """Measures against the neutral, then smoothed (a filter per metric, on source time)."""
        metrics: dict[str, float | None] = dict.fromkeys(METRICS)
        if raw is None:
            return metrics
        neutral = self.calibration.neutral if self.calibration else {}

        def rel(value: float | None, key: str) -> float | None:
            # Uncalibrated: against level and facing the camera. Calibrated without this
            # measure (from the face alone, say): not judged until the next calibration.
            if value is None or (self.calibration is not None and key not in neutral):
                return None
            return value - neutral.get(key, 0.0)

        head = rel(raw.head_roll, "head_roll")
        shoulders = rel(raw.shoulder_roll, "shoulder_roll")
        metrics["head_tilt"] = head
        metrics["shoulders_uneven"] = shoulders
        if head is not None and shoulders is not None:
            metrics["neck_side_bend"] = head - shoulders
        metrics["head_down"] = rel(raw.head_pitch, "head_pitch")
        if raw.head_pitch is None and raw.shoulder_px is not None and self._bowed is not None:
            # The face model loses a head bowed beyond ~40-45 deg. While the body stays in
            # view, a face lost after it was seen bowed past the head-down threshold is taken
            # to be still bowed (at that last reading) until it comes back.
            metrics["head_down"] = self._bowed
        metrics["head_turn"] = rel(raw.head_yaw, "head_yaw")
        distance = eye_distance_cm(raw, neutral)
        metrics["too_close"] = distance
        metrics["cva"] = raw.cva
        if "head_depth_cm" in neutral:
            metrics["forward_head"] = forward_head_cm(raw, neutral, distance)
        for key, value in metrics.items():
            if value is not None:
                metrics[key] = self._filters[key](t, value)
        if raw.head_pitch is not None:
            down = metrics["head_down"]
            bowed = down is not None and "head_down" in self.trackers and \
                down > self.threshold("head_down")
            self._bowed = down if bowed else None
        return metrics


def eye_distance_cm(raw: RawMeasures, neutral: dict[str, float]) -> float | None:
    """The eyes' distance for one frame: from the eye spacing alone until a calibration has
    measured both estimates at the neutral, then the blend that a turned head does not fool
    (``head.steady_eye_distance``)."""
    across, height = raw.eye_distance_cm, raw.eye_distance_from_height_cm
    keys = ("eye_distance_cm", "eye_distance_from_height_cm", "head_yaw", "head_pitch")
    if across is None or height is None or raw.head_yaw is None or raw.head_pitch is None \
            or any(k not in neutral for k in keys):
        return across
    return steady_eye_distance(across, height, raw.head_yaw - neutral["head_yaw"],
                               raw.head_pitch - neutral["head_pitch"],
                               neutral["eye_distance_cm"], neutral["eye_distance_from_height_cm"])


def forward_head_cm(raw: RawMeasures, neutral: dict[str, float],
                    eye_distance: float | None = None) -> float | None:
    """Forward head for one frame (geometry.forward_shift_cm), None if not measurable. With
    ``eye_distance`` (the steady one), the head's depth keeps its offset from the eyes but
    follows that distance."""
    if raw.head_depth_cm is None or not raw.shoulder_px:
        return None
    depth = raw.head_depth_cm
    if eye_distance is not None and raw.eye_distance_cm is not None:
        depth += eye_distance - raw.eye_distance_cm
    return float(forward_shift_cm(depth, raw.shoulder_px,
                                  neutral["head_depth_cm"], neutral["shoulder_px"]))
