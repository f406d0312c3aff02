"""The options: each declared once, with its default, allowed range and description.

A section is a frozen dataclass; an option's metadata carries what the checks
(``neckline.config.checks``), the generated default file and the Settings window need. The
alert rules' defaults and ranges come from the problems registry (``neckline.config.problems``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from neckline.config.problems import Problem, problem

View = Literal["front", "side"]
"""Where the camera sees the user from."""

HHMM = r"(|([01][0-9]|2[0-3]):[0-5][0-9])"


def _opt(default: Any, description: str, *, lo: float | None = None, hi: float | None = None,
         choices: tuple[str, ...] | None = None, pattern: str | None = None,
         title: str = "") -> Any:
    """An option: ``title`` is its name in Settings, in the user's words."""
    return field(default=default, metadata={
        "description": description, "lo": lo, "hi": hi, "choices": choices,
        "pattern": pattern, "title": title})


@dataclass(frozen=True)
class CameraConfig:
    index: int = _opt(0, "Camera device index used by the app (/dev/video<index>).", lo=0,
                      hi=63, title="Camera number")
    id: str = _opt("", "The camera chosen in Settings, by a stable identity (its USB model and "
                   "serial, or its port): while it is connected it is used whatever its index "
                   "now; otherwise camera.index. Empty: camera.index.", title="Camera")
    # (ruff reads the Literal alias as a class whose default must not be a call: RUF009.)
    view: View = _opt(  # noqa: RUF009
        "front", "Where the camera sees you from: 'front' (on or under the screen) or 'side' "
        "(level with your head, to your left or right).", choices=("front", "side"),
        title="Where the camera is")
    field_of_view_deg: float = _opt(
        60.0, "Horizontal field of view of the camera in degrees (typical webcams: 55-78); "
        "used to turn pixels into centimetres.", lo=30.0, hi=120.0, title="Camera's field of view")
    lend_to_other_apps: bool = _opt(
        True, "Give the camera to any other program that opens it (a video call: Zoom, Teams, "
        "Meet, OBS), since a camera streams to one program at a time; monitoring pauses while "
        "it is used and goes on after. Off: the other program finds the camera busy.",
        title="Let video calls use the camera")
    lend_grace_s: float = _opt(
        5.0, "Seconds after the last other program has closed the camera before neckline takes "
        "it back; one that opens it again meanwhile starts the wait anew.", lo=1.0, hi=300.0,
        title="Take the camera back after a call ends, within")


@dataclass(frozen=True)
class ProcessingConfig:
    rate_fps: float = _opt(10.0, "Frames per second given to the pose model; frames in between "
                           "are skipped.", lo=1.0, hi=30.0, title="Pictures analysed per second")
    model: str = _opt("full", "Pose model: 'full' (head tilt within ~2 deg on test photos) "
                      "or 'lite' (errors up to ~6 deg, 30% less CPU).", choices=("full", "lite"),
                      title="Body model")
    pose_rate_fps: float = _opt(5.0, "With the face model, the pose model (shoulders, and the "
                                "torso that forward head is measured against) runs at most this "
                                "often, and at most on every other frame; the face model runs "
                                "on every analysed frame.",
                                lo=0.5, hi=30.0, title="Body model runs per second, at most")
    head_model: str = _opt("face", "Where the head's tilt, bend, turn and distance come from: "
                           "'face' (MediaPipe's face mesh with irises: accurate and cheap) or "
                           "'pose' (the pose model's seven face points: the older method, "
                           "which under-reads a bent or tilted head).",
                           choices=("face", "pose"), title="Head read from")
    max_people: int = _opt(1, "How many people the pose model looks for. 1 follows the person "
                           "it finds first and is cheapest; 2 or more also lets neckline pick "
                           "the nearest person in every frame, at about twice the CPU.",
                           lo=1, hi=4, title="People looked for")
    visibility_floor: float = _opt(0.5, "A landmark less visible than this is treated as "
                                   "missing.", lo=0.0, hi=1.0, title="Least visibility of a point")
    idle_rate_fps: float = _opt(1.0, "The rate once the picture has been steady for idle_after_s "
                                "(posture good or strained, or nobody in view); it returns to "
                                "rate_fps at the first change. Set it to rate_fps to never "
                                "slow down.", lo=0.5, hi=30.0,
                                title="Pictures per second while nothing changes")
    idle_after_s: float = _opt(10.0, "Seconds of a steady picture before slowing to "
                               "idle_rate_fps.", lo=2.0, hi=600.0,
                               title="Slow down after nothing changed for")
    sequence_fps: float = _opt(10.0, "Frame rate assumed for image sequences, which carry no "
                               "timestamps.", lo=1.0, hi=120.0,
                               title="Frames per second of an image sequence")


@dataclass(frozen=True)
class MeasuresConfig:
    head_breadth_cm: float = _opt(14.5, "Your head's breadth ear to ear in cm; the average adult "
                                  "is 14-15 (sets the scale for distance and forward head).",
                                  lo=10.0, hi=20.0, title="Head breadth")
    eye_spacing_cm: float = _opt(6.3, "Distance between your pupils in cm (adults: 5.5-7.2, mean "
                                 "6.3); sets the scale of the screen distance shown. Alerts "
                                 "compare with your own neutral and do not depend on it.",
                                 lo=4.5, hi=8.0, title="Distance between the pupils")
    smoothing_min_cutoff_hz: float = _opt(0.5, "One Euro filter minimum cutoff: lower is "
                                          "steadier, higher follows faster.", lo=0.05, hi=10.0,
                                          title="Smoothing of angles")
    distance_smoothing_min_cutoff_hz: float = _opt(
        0.1, "One Euro filter minimum cutoff for the centimetre measures (forward head, "
        "screen distance), which change slowly and jitter more.", lo=0.05, hi=10.0,
        title="Smoothing of distances")
    smoothing_beta: float = _opt(0.02, "One Euro filter speed coefficient: how much faster "
                                 "the filter follows quick movements.", lo=0.0, hi=10.0,
                                 title="Smoothing's speed response")


@dataclass(frozen=True)
class CalibrationConfig:
    seconds: float = _opt(5.0, "How long the app records your neutral posture.", lo=2.0, hi=60.0,
    title="Calibration length")
    min_present_fraction: float = _opt(0.8, "Share of calibration frames in which your face "
                                       "(and, for the body's measures, your shoulders) must "
                                       "be seen.", lo=0.3, hi=1.0,
                                       title="Least share of frames with you in view")
    max_spread_deg: float = _opt(4.0, "Largest spread (robust, degrees) of head tilt or head "
                                 "pitch accepted while calibrating; more is 'moving too much'.",
                                 lo=1.0, hi=20.0, title="Most head movement while calibrating")
    max_neutral_tilt_deg: float = _opt(10.0, "A calibration is refused when the head is tipped "
                                       "sideways more than this against the shoulder line "
                                       "(natural tilt is within about 5 deg; the shoulder line "
                                       "itself reads within about 3 deg).", lo=2.0, hi=30.0,
                                       title="Most head tip accepted as neutral")
    max_neutral_turn_deg: float = _opt(15.0, "A calibration is refused when the face is turned "
                                       "away from the camera more than this; raise it if your "
                                       "camera sits well off to one side of the screen.",
                                       lo=5.0, hi=60.0, title="Most face turn accepted as neutral")
    noise_multiplier: float = _opt(3.0, "A measure counts as strained only when it is beyond "
                                   "this many times its spread while you sat still for "
                                   "calibration, whatever its threshold.", lo=1.0, hi=10.0,
                                   title="Thresholds at least this many times your own jitter")


@dataclass(frozen=True)
class ProblemRule:
    """When one problem counts as strained and when it alerts."""

    enabled: bool
    threshold: float
    dwell_s: float
    margin: float


def _rule(problem_id: str) -> Any:
    facts: Problem = problem(problem_id)
    return field(default=ProblemRule(True, facts.threshold, facts.dwell_s, facts.margin),
                 metadata={"description": facts.about, "problem": problem_id})


@dataclass(frozen=True)
class AlertsConfig:
    cooldown_s: float = _opt(600.0, "The same alert is not repeated within this many seconds.",
                             lo=0.0, hi=86400.0, title="The same alert again after at least")
    clear_after_s: float = _opt(5.0, "A problem clears after this many seconds back under its "
                                "threshold minus its margin.", lo=1.0, hi=120.0,
                                title="A strain ends after being back for")
    side_cva_limit_deg: float = _opt(
        50.0, "Side view: forward head when the craniovertebral angle is below this "
        "(Oakley et al. 2024: < 50 deg).", lo=30.0, hi=70.0,
        title="Side camera: neck angle (CVA) below")
    # One rule per posture problem; defaults, ranges and words are the registry's. (ruff's
    # RUF009 cannot see that _rule returns a dataclasses.field, hence the noqa.)
    head_tilt: ProblemRule = _rule("head_tilt")  # noqa: RUF009
    head_down: ProblemRule = _rule("head_down")  # noqa: RUF009
    forward_head: ProblemRule = _rule("forward_head")  # noqa: RUF009
    shoulders_uneven: ProblemRule = _rule("shoulders_uneven")  # noqa: RUF009
    too_close: ProblemRule = _rule("too_close")  # noqa: RUF009

    def rule(self, problem: str) -> ProblemRule:
        rule: ProblemRule = getattr(self, problem)
        return rule


@dataclass(frozen=True)
class AppConfig:
    alert_style: str = _opt("notification", "How the desktop app tells you: 'notification' (the "
                            "desktop's own notifications, with Show stretch and Snooze; the "
                            "card when the desktop has none), 'toast' (a small card near a "
                            "screen corner that never takes the keyboard), 'tray' (a tray "
                            "message) or 'both' (card and tray message).",
                            choices=("notification", "toast", "tray", "both"),
                            title="How alerts appear")
    sound: bool = _opt(False, "Play a soft chime with each alert.",
    title="Play a soft chime with each alert")
    quiet_hours_start: str = _opt("", "Start of quiet hours, HH:MM (no alerts until "
                                  "quiet_hours_end); empty for none.", pattern=HHMM,
                                  title="Quiet hours from")
    quiet_hours_end: str = _opt("", "End of quiet hours, HH:MM.", pattern=HHMM,
    title="Quiet hours until")
    start_on_login: bool = _opt(False, "Start neckline when you log in (an XDG autostart entry).",
    title="Start neckline when I log in")
    show_preview: bool = _opt(True, "Show the camera picture in the main window; monitoring "
                              "goes on when it is hidden.", title="Show the camera's picture")
    theme: str = _opt("system", "Colours: 'system' (follow the desktop's light or dark "
                      "scheme), 'light' or 'dark'.", choices=("system", "light", "dark"),
                      title="Colours")


@dataclass(frozen=True)
class BreaksConfig:
    remind: bool = _opt(True, "Remind you to take a short break after a long stretch at the "
                        "desk. The camera sees when you leave: being away for the break's "
                        "length counts as the break and starts the count again.",
                        title="Remind me to take a short break")
    every_min: float = _opt(30.0, "Minutes at the desk before a break is due (Stanford EHS and "
                            "the University of Iowa's Healthier Workforce Center advise a "
                            "2-minute break or change of task every 30 minutes). An ignored "
                            "reminder comes again after half this time (5 minutes at the "
                            "least).", lo=1.0, hi=240.0,
                            title="after this long at the desk")
    length_min: float = _opt(2.0, "Minutes away from the desk (or with the screen locked) that "
                             "count as a break; shorter absences are part of the stretch.",
                             lo=0.5, hi=30.0, title="being away this long counts as the break")
    keep_on_screen: bool = _opt(False, "Keep a break reminder on screen until you answer it, "
                                "as a break timer does (an urgent notification: GNOME, KDE and "
                                "dunst leave it up; the card stays).",
                                title="Keep the reminder on screen until I answer it")


@dataclass(frozen=True)
class HistoryConfig:
    record: bool = _opt(True, "Record posture statistics while the app monitors (numbers "
                        "only, never pictures).", title="Keep a posture history")
    flush_s: float = _opt(5.0, "Seconds between writes to the history database; at most this "
                          "much is lost if the computer crashes.", lo=1.0, hi=60.0,
                          title="Write the history every")
    daily_goal_percent: float = _opt(
        80.0, "A day at the desk meets the goal when at least this share of the time in view "
        "was in good posture (no strain held past its alert time). No study sets such a "
        "share; 80% allows about an hour and a half of held strain in an eight-hour day "
        "(consumer posture trainers set their own goals, e.g. 40% upright per hour).",
        lo=10.0, hi=100.0, title="Daily goal: good posture for at least")


@dataclass(frozen=True)
class Config:
    camera: CameraConfig = field(default_factory=CameraConfig)
    processing: ProcessingConfig = field(default_factory=ProcessingConfig)
    measures: MeasuresConfig = field(default_factory=MeasuresConfig)
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    app: AppConfig = field(default_factory=AppConfig)
    breaks: BreaksConfig = field(default_factory=BreaksConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
