"""neckline's one typed configuration.

Every option is declared once here, with its default, allowed range and description. Three
layers are merged, later ones winning: these defaults, the user's file in the platform config
directory, and a file given with ``--config``. ``config/default.toml`` in the repository is
generated from these declarations (``neckline config --defaults``) and a test keeps it in step.

Unknown keys and out-of-range values are refused with a ConfigError naming the key and what is
allowed. Thresholds and dwell times come from ../shared/EVIDENCE.md (sources in the comments).
"""

from __future__ import annotations

import dataclasses
import math
import re
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from neckline.config.files import file_kind, short
from neckline.errors import ConfigError

PROBLEMS = ("head_tilt", "head_down", "forward_head", "shoulders_uneven", "too_close")
"""The problem ids used everywhere: config, JSON, database, stretch guide."""


_HHMM = r"(|([01][0-9]|2[0-3]):[0-5][0-9])"


def _opt(default: Any, description: str, *, lo: float | None = None, hi: float | None = None,
         choices: tuple[str, ...] | None = None, pattern: str | None = None) -> Any:
    return field(default=default, metadata={
        "description": description, "lo": lo, "hi": hi, "choices": choices,
        "pattern": pattern})


@dataclass(frozen=True)
class CameraConfig:
    index: int = _opt(0, "Camera device index used by the app (/dev/video<index>).", lo=0,
                      hi=63)
    id: str = _opt("", "The camera chosen in Settings, by a stable identity (its USB model and "
                   "serial, or its port): while it is connected it is used whatever its index "
                   "now; otherwise camera.index. Empty: camera.index.")
    view: str = _opt("front", "Where the camera sees you from: 'front' (on or under the screen) "
                     "or 'side' (level with your head, to your left or right).",
                     choices=("front", "side"))
    field_of_view_deg: float = _opt(
        60.0, "Horizontal field of view of the camera in degrees (typical webcams: 55-78); "
        "used to turn pixels into centimetres.", lo=30.0, hi=120.0)


@dataclass(frozen=True)
class ProcessingConfig:
    rate_fps: float = _opt(10.0, "Frames per second given to the pose model; frames in between "
                           "are skipped.", lo=1.0, hi=30.0)
    model: str = _opt("full", "Pose model: 'full' (head tilt within ~2 deg on test photos) "
                      "or 'lite' (errors up to ~6 deg, 30% less CPU).", choices=("full", "lite"))
    pose_rate_fps: float = _opt(5.0, "With the face model, the pose model (shoulders, and the "
                                "torso that forward head is measured against) runs at most this "
                                "often, and at most on every other frame; the face model runs "
                                "on every analysed frame.",
                                lo=0.5, hi=30.0)
    head_model: str = _opt("face", "Where the head's tilt, bend, turn and distance come from: "
                           "'face' (MediaPipe's face mesh with irises: accurate and cheap) or "
                           "'pose' (the pose model's seven face points: the older method, "
                           "which under-reads a bent or tilted head).",
                           choices=("face", "pose"))
    max_people: int = _opt(1, "How many people the pose model looks for. 1 follows the person "
                           "it finds first and is cheapest; 2 or more also lets neckline pick "
                           "the nearest person in every frame, at about twice the CPU.",
                           lo=1, hi=4)
    visibility_floor: float = _opt(0.5, "A landmark less visible than this is treated as "
                                   "missing.", lo=0.0, hi=1.0)
    idle_rate_fps: float = _opt(1.0, "The rate once the picture has been steady for idle_after_s "
                                "(posture good or strained, or nobody in view); it returns to "
                                "rate_fps at the first change. Set it to rate_fps to never "
                                "slow down.", lo=0.5, hi=30.0)
    idle_after_s: float = _opt(10.0, "Seconds of a steady picture before slowing to "
                               "idle_rate_fps.", lo=2.0, hi=600.0)
    sequence_fps: float = _opt(10.0, "Frame rate assumed for image sequences, which carry no "
                               "timestamps.", lo=1.0, hi=120.0)


@dataclass(frozen=True)
class MeasuresConfig:
    head_breadth_cm: float = _opt(14.5, "Your head's breadth ear to ear in cm; the average adult "
                                  "is 14-15 (sets the scale for distance and forward head).",
                                  lo=10.0, hi=20.0)
    eye_spacing_cm: float = _opt(6.3, "Distance between your pupils in cm (adults: 5.5-7.2, mean "
                                 "6.3); sets the scale of the screen distance shown. Alerts "
                                 "compare with your own neutral and do not depend on it.",
                                 lo=4.5, hi=8.0)
    smoothing_min_cutoff_hz: float = _opt(0.5, "One Euro filter minimum cutoff: lower is "
                                          "steadier, higher follows faster.", lo=0.05, hi=10.0)
    distance_smoothing_min_cutoff_hz: float = _opt(
        0.1, "One Euro filter minimum cutoff for the centimetre measures (forward head, "
        "screen distance), which change slowly and jitter more.", lo=0.05, hi=10.0)
    smoothing_beta: float = _opt(0.02, "One Euro filter speed coefficient: how much faster "
                                 "the filter follows quick movements.", lo=0.0, hi=10.0)


@dataclass(frozen=True)
class CalibrationConfig:
    seconds: float = _opt(5.0, "How long the app records your neutral posture.", lo=2.0, hi=60.0)
    min_present_fraction: float = _opt(0.8, "Share of calibration frames in which your face "
                                       "(and, for the body's measures, your shoulders) must "
                                       "be seen.", lo=0.3, hi=1.0)
    max_spread_deg: float = _opt(4.0, "Largest spread (robust, degrees) of head tilt or head "
                                 "pitch accepted while calibrating; more is 'moving too much'.",
                                 lo=1.0, hi=20.0)
    max_neutral_tilt_deg: float = _opt(10.0, "A calibration is refused when the head is tipped "
                                       "sideways more than this against the shoulder line "
                                       "(natural tilt is within about 5 deg; the shoulder line "
                                       "itself reads within about 3 deg).", lo=2.0, hi=30.0)
    max_neutral_turn_deg: float = _opt(15.0, "A calibration is refused when the face is turned "
                                       "away from the camera more than this; raise it if your "
                                       "camera sits well off to one side of the screen.",
                                       lo=5.0, hi=60.0)
    noise_multiplier: float = _opt(3.0, "A measure counts as strained only when it is beyond "
                                   "this many times its spread while you sat still for "
                                   "calibration, whatever its threshold.", lo=1.0, hi=10.0)


@dataclass(frozen=True)
class ProblemRule:
    """When one problem counts as strained and when it alerts."""

    enabled: bool
    threshold: float
    dwell_s: float
    margin: float


def _rule(*, threshold: float, unit: str, lo: float, hi: float, dwell_s: float, margin: float,
          what: str) -> Any:
    return field(default=ProblemRule(True, threshold, dwell_s, margin), metadata={
        "description": what, "rule": {"threshold": (lo, hi, unit)}})


@dataclass(frozen=True)
class AlertsConfig:
    cooldown_s: float = _opt(600.0, "The same alert is not repeated within this many seconds.",
                             lo=0.0, hi=86400.0)
    clear_after_s: float = _opt(5.0, "A problem clears after this many seconds back under its "
                                "threshold minus its margin.", lo=1.0, hi=120.0)
    side_cva_limit_deg: float = _opt(
        50.0, "Side view: forward head when the craniovertebral angle is below this "
        "(Oakley et al. 2024: < 50 deg).", lo=30.0, hi=70.0)
    # Defaults: ../shared/EVIDENCE.md, "Suggested defaults". (ruff's RUF009 cannot see that
    # _rule returns a dataclasses.field, hence the noqa.)
    head_tilt: ProblemRule = _rule(  # noqa: RUF009
        threshold=10.0, unit="degrees", lo=2.0, hi=45.0, dwell_s=60.0, margin=3.0,
        what="Head tilted sideways beyond neutral (natural tilt is within about 5 deg).")
    head_down: ProblemRule = _rule(  # noqa: RUF009
        threshold=20.0, unit="degrees", lo=5.0, hi=60.0, dwell_s=60.0, margin=4.0,
        what="Head bent down beyond neutral (Lee et al. 2015: keep flexion within 20 deg).")
    forward_head: ProblemRule = _rule(  # noqa: RUF009
        threshold=3.0, unit="cm", lo=0.5, hi=20.0, dwell_s=60.0, margin=1.0,
        what="Head pushed forward of neutral; the threshold rises with how much the "
             "measure wandered during your calibration.")
    shoulders_uneven: ProblemRule = _rule(  # noqa: RUF009
        threshold=8.0, unit="degrees", lo=2.0, hi=30.0, dwell_s=120.0, margin=2.0,
        what="Shoulder line tilted beyond neutral.")
    too_close: ProblemRule = _rule(  # noqa: RUF009
        threshold=20.0, unit="percent", lo=5.0, hi=45.0, dwell_s=60.0, margin=5.0,
        what="Eyes closer to the screen than your calibrated neutral by this share of it "
             "(20%: from 65 cm to 52 cm; OSHA recommends 50-100 cm). Before calibration the "
             "neutral is taken as 62.5 cm, so 20% closer is 50 cm.")

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
                            choices=("notification", "toast", "tray", "both"))
    sound: bool = _opt(False, "Play a soft chime with each alert.")
    quiet_hours_start: str = _opt("", "Start of quiet hours, HH:MM (no alerts until "
                                  "quiet_hours_end); empty for none.", pattern=_HHMM)
    quiet_hours_end: str = _opt("", "End of quiet hours, HH:MM.", pattern=_HHMM)
    start_on_login: bool = _opt(False, "Start neckline when you log in (an XDG autostart entry).")
    show_preview: bool = _opt(True, "Show the camera picture in the main window; monitoring "
                              "goes on when it is hidden.")
    theme: str = _opt("system", "Colours: 'system' (follow the desktop's light or dark "
                      "scheme), 'light' or 'dark'.", choices=("system", "light", "dark"))


@dataclass(frozen=True)
class BreaksConfig:
    remind: bool = _opt(True, "Remind you to take a short break after a long stretch at the "
                        "desk. The camera sees when you leave: being away for the break's "
                        "length counts as the break and starts the count again.")
    every_min: float = _opt(30.0, "Minutes at the desk before a break is due (Stanford EHS and "
                            "the University of Iowa's Healthier Workforce Center advise a "
                            "2-minute break or change of task every 30 minutes). An ignored "
                            "reminder comes again after half this time.", lo=1.0, hi=240.0)
    length_min: float = _opt(2.0, "Minutes away from the desk (or with the screen locked) that "
                             "count as a break; shorter absences are part of the stretch.",
                             lo=0.5, hi=30.0)


@dataclass(frozen=True)
class HistoryConfig:
    record: bool = _opt(True, "Record posture statistics while the app monitors (numbers "
                        "only, never pictures).")
    flush_s: float = _opt(5.0, "Seconds between writes to the history database; at most this "
                          "much is lost if the computer crashes.", lo=1.0, hi=60.0)
    daily_goal_percent: float = _opt(
        80.0, "A day at the desk meets the goal when at least this share of the time in view "
        "was in good posture (no strain held past its alert time). No study sets such a "
        "share; 80% allows about an hour and a half of held strain in an eight-hour day "
        "(consumer posture trainers set their own goals, e.g. 40% upright per hour).",
        lo=10.0, hi=100.0)


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


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir("neckline")) / "config.toml"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("neckline"))


def load_config(extra: Path | None = None, *, use_user_file: bool = True) -> Config:
    """Defaults, then the user's config file, then ``extra``; raises ConfigError on bad input."""
    config = Config()
    files = []
    if use_user_file:
        user = user_config_path()
        kind = _kind(user)
        if kind not in ("file", "missing"):
            raise ConfigError(f"Your config file {user} {kind}; move it aside or make it a "
                              "config file.")
        if kind == "file":
            files.append(user)
    if extra is not None:
        kind = _kind(extra)
        if kind == "missing":
            raise ConfigError(f"Config file {short(str(extra))} does not exist.")
        if kind != "file":
            raise ConfigError(f"Config file {short(str(extra))} {kind}; give a TOML file.")
        files.append(extra)
    for path in files:
        config = apply_overrides(config, _read_toml(path), str(path))
    return config


def _kind(path: Path) -> str:
    """'file', 'missing', or what else ``path`` is, as words after its name."""
    kind = file_kind(path)
    if kind == "folder":
        return "is a folder"
    return "is not a regular file" if kind.startswith("is ") else kind


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"Config file {path} is not valid TOML ({e}).") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"Config file {path} cannot be read ({e}).") from None
    except RecursionError:
        raise ConfigError(f"Config file {path} nests tables or lists too deeply to be a "
                          "neckline config.") from None


def apply_overrides(config: Config, data: dict[str, Any], origin: str = "config") -> Config:
    """A copy of ``config`` with ``data`` (nested like the TOML file) applied and validated.
    Every bad value is reported, not only the first: ConfigError.problems lists them all."""
    problems: list[str] = []
    merged: Config = _merge(config, data, origin, "", problems)
    p = merged.processing
    if p.idle_rate_fps > p.rate_fps:
        problems.append(f"{origin}: 'processing.idle_rate_fps' ({p.idle_rate_fps:g}) must not "
                        f"exceed 'processing.rate_fps' ({p.rate_fps:g}).")
    app = merged.app
    if bool(app.quiet_hours_start) != bool(app.quiet_hours_end):
        problems.append(f"{origin}: 'app.quiet_hours_start' and 'app.quiet_hours_end' must "
                        "both be set or both be empty.")
    if problems:
        raise ConfigError("\n".join(problems), problems)
    return merged


def _merge(obj: Any, data: dict[str, Any], origin: str, prefix: str,
           problems: list[str]) -> Any:
    """``obj`` with ``data`` applied; each bad value adds its sentence to ``problems`` and
    leaves the value as it was."""
    if not isinstance(data, dict):
        problems.append(f"{origin}: '{prefix.rstrip('.')}' must be a table.")
        return obj
    fields = {f.name: f for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        name = prefix + key
        if key not in fields:
            known = ", ".join(sorted(fields))
            problems.append(f"{origin}: unknown key '{name}' (known here: {known}).")
            continue
        f = fields[key]
        current = getattr(obj, key)
        try:
            if dataclasses.is_dataclass(current):
                meta_rule = f.metadata.get("rule")
                merged = _merge(current, value, origin, name + ".", problems)
                if meta_rule:
                    lo, hi, unit = meta_rule["threshold"]
                    checks = ((merged.threshold, lo, hi, "threshold", unit),
                              (merged.dwell_s, 0.0, 3600.0, "dwell_s", "seconds"),
                              (merged.margin, 0.0, hi / 2, "margin", unit))
                    for number, low, high, part, unit_of in checks:
                        try:
                            _check_number(number, low, high, f"{name}.{part}", origin, unit_of)
                        except ConfigError as e:
                            problems.append(str(e))
                changes[key] = merged
            else:
                changes[key] = _check_value(value, f, current, name, origin)
        except ConfigError as e:
            problems.append(str(e))
    return dataclasses.replace(obj, **changes)


def _check_value(value: Any, f: dataclasses.Field[Any], current: Any, name: str,
                 origin: str) -> Any:
    meta = f.metadata
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{origin}: '{name}' must be true or false, not {value!r}.")
        return value
    if isinstance(current, str):
        choices, pattern = meta.get("choices"), meta.get("pattern")
        if pattern and (not isinstance(value, str) or not re.fullmatch(pattern, value)):
            raise ConfigError(f"{origin}: '{name}' must be a time as HH:MM (00:00 to 23:59) "
                              f"or empty, not {value!r}.")
        if not isinstance(value, str) or (choices and value not in choices):
            allowed = " or ".join(f"'{c}'" for c in choices or ())
            raise ConfigError(f"{origin}: '{name}' must be {allowed}, not {value!r}.")
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{origin}: '{name}' must be a whole number, not {value!r}.")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{origin}: '{name}' must be a number, not {value!r}.")
    _check_number(value, meta.get("lo"), meta.get("hi"), name, origin, "")
    try:
        return type(current)(value)
    except OverflowError:
        raise ConfigError(f"{origin}: '{name}' = {_fmt(value)} is too large.") from None


def _check_number(value: Any, lo: float | None, hi: float | None, name: str, origin: str,
                  unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{origin}: '{name}' must be a number, not {value!r}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{origin}: '{name}' must be a finite number, not {value}.")
    if (lo is not None and value < lo) or (hi is not None and value > hi) or value != value:
        unit_text = f" {unit}" if unit else ""
        raise ConfigError(f"{origin}: '{name}' = {_fmt(value)} is out of range; "
                          f"allowed {_fmt(lo)} to {_fmt(hi)}{unit_text}.")


def _fmt(x: float | None) -> str:
    if x is None:
        return "any"
    try:
        return f"{x:g}"
    except OverflowError:  # a 400-digit whole number from the file
        return f"a number {len(str(x))} digits long"



def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float):
        return repr(v)
    return str(v)


def overrides(config: Config) -> dict[str, Any]:
    """The part of ``config`` that differs from the defaults, nested like the TOML file."""

    def diff(obj: Any, default: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value, base = getattr(obj, f.name), getattr(default, f.name)
            if dataclasses.is_dataclass(value):
                nested = diff(value, base)
                if nested:
                    out[f.name] = nested
            elif value != base:
                out[f.name] = value
        return out

    return diff(config, Config())


def save_user_config(config: Config) -> Path:
    """Writes the user's config file with what differs from the defaults."""
    lines = ["# neckline settings (written by the app; see `neckline config --defaults`)."]

    def write(table: dict[str, Any], name: str) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        if scalars:
            lines.append(f"\n[{name}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in scalars.items())
        for key, value in table.items():
            if isinstance(value, dict):
                write(value, f"{name}.{key}")

    for section, table in overrides(config).items():
        write(table, section)
    path = user_config_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        raise ConfigError(f"Settings cannot be saved to {path} ({e.strerror}).") from None
    return path


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 96)]


def default_toml() -> str:
    """The documented default config file, generated from the declarations above."""
    lines = ["# neckline default configuration, generated by `neckline config --defaults`.",
             "# Copy any part of it to ~/.config/neckline/config.toml (or pass --config FILE)",
             "# and change it there.", ""]

    def section(obj: Any, name: str) -> None:
        nested: list[tuple[dataclasses.Field[Any], ProblemRule]] = []
        lines.append(f"[{name}]")
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, ProblemRule):
                nested.append((f, value))
                continue
            meta = f.metadata
            rng = ""
            if meta.get("choices"):
                rng = " One of: " + ", ".join(meta["choices"]) + "."
            elif meta.get("lo") is not None:
                rng = f" Range {_fmt(meta['lo'])} to {_fmt(meta['hi'])}."
            lines.extend(_comment(f"{meta['description']}{rng}"))
            lines.append(f"{f.name} = {_toml_value(value)}")
        lines.append("")
        for f, rule in nested:
            lo, hi, unit = f.metadata["rule"]["threshold"]
            lines.extend(_comment(f.metadata["description"]))
            lines.append(f"[{name}.{f.name}]")
            lines.append("enabled = " + _toml_value(rule.enabled))
            lines.append(f"# In {unit}, range {_fmt(lo)} to {_fmt(hi)}.")
            lines.append(f"threshold = {_toml_value(rule.threshold)}")
            lines.append("# Seconds held continuously before an alert. Range 0 to 3600.")
            lines.append(f"dwell_s = {_toml_value(rule.dwell_s)}")
            lines.append(f"# Hysteresis in {unit}: clears only below threshold minus margin.")
            lines.append(f"margin = {_toml_value(rule.margin)}")
            lines.append("")

    defaults = Config()
    for f in dataclasses.fields(defaults):
        section(getattr(defaults, f.name), f.name)
    return "\n".join(lines).rstrip("\n") + "\n"
