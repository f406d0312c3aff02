"""The user's neutral posture: robust statistics of every raw measure over a window of frames.

The neutral of each measure is its median; its noise is the robust standard deviation of its
frame-to-frame change (1.4826 x MAD / sqrt 2), which sets how small a change neckline can trust.
A calibration is refused, with the reason, when nobody is in view, when the face (or, from the
side, ear and shoulder) is hidden too often, when the head moves too much, or when the posture
is visibly not neutral: the head tipped against the shoulder line, or the face turned away.
The shoulders are optional: a calibration from the face alone (a dim room, a close laptop camera)
judges the head and the screen distance, not the shoulders or forward head.
Calibrations are saved per camera as JSON.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from neckline.config import CalibrationConfig, View, user_data_dir
from neckline.config.files import read_json, short, write_atomically
from neckline.errors import CalibrationError
from neckline.posture.geometry import RawMeasures, forward_shift_cm

FORMAT_VERSION = 1
_LARGEST = 1e5  # no measure (degrees, centimetres, pixels) reaches it
_REQUIRED = {"front": ("head_roll", "head_pitch"), "side": ("cva", "head_pitch")}
# Measured when seen often enough; without them the shoulders (and forward head, which needs
# the shoulders as its reference) are not judged until the next calibration.
_OPTIONAL = {"front": ("shoulder_roll", "shoulder_px", "head_depth_cm"), "side": ()}
_STILLNESS = {"front": (("head_roll", "head tilt"), ("head_pitch", "head pitch")),
              "side": (("cva", "neck angle"), ("head_pitch", "head pitch"))}


@dataclass(frozen=True)
class CalibrationOutcome:
    """How a calibration ended, carried by the sample of the frame it ended on: the new
    neutral, or the sentence saying why there is none (refused, or a saved one unreadable);
    a neutral that could not be saved has both. ``loaded``: read from disk, not just made."""

    calibration: Calibration | None
    error: str | None = None
    loaded: bool = False


@dataclass(frozen=True)
class Calibration:
    view: View
    neutral: dict[str, float]
    noise: dict[str, float]
    spread: dict[str, float]
    frames: int
    camera: str = ""
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "camera": self.camera, "view": self.view,
                "created": self.created, "frames": self.frames,
                "neutral": _rounded(self.neutral), "noise": _rounded(self.noise),
                "spread": _rounded(self.spread)}

    @classmethod
    def from_json(cls, data: Any, origin: str) -> Calibration:
        try:
            if data["version"] != FORMAT_VERSION:
                raise CalibrationError(f"{origin} is a calibration of an unknown version "
                                       f"({short(str(data['version']), 20)}); recalibrate.")
            view = data["view"]
            neutral = _numbers(data["neutral"])
            noise = _numbers(data["noise"], at_least=0.0)
            spread = _numbers(data.get("spread", {}), at_least=0.0)
            if view not in _REQUIRED or any(k not in neutral for k in _REQUIRED[view]):
                raise KeyError("neutral")
            frames = data["frames"]
            if not isinstance(frames, int) or not 0 < frames < 10**9:
                raise ValueError("frames")
            return cls(view, neutral, noise, spread, frames,
                       str(data.get("camera", ""))[:500], str(data.get("created", ""))[:64])
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            raise CalibrationError(f"{origin} is not a neckline calibration file "
                                   "(fields missing or malformed); recalibrate.") from None


def _numbers(values: Any, at_least: float = -_LARGEST) -> dict[str, float]:
    """A calibration file's measures: names to finite numbers of a size a measure can have
    (degrees, centimetres, pixels); ValueError for anything else (NaN would judge every
    posture good, infinity every one bad)."""
    if not isinstance(values, dict) or len(values) > 64:
        raise ValueError("not a table of measures")
    out = {}
    for key, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError(key)
        number = float(value)
        if not (at_least <= number <= _LARGEST):  # also false for NaN
            raise ValueError(key)
        out[str(key)] = number
    return out


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in values.items()}


def robust_std(values: np.ndarray) -> float:
    if len(values) == 0:
        return 0.0
    return float(1.4826 * np.median(np.abs(values - np.median(values))))


def compute_calibration(frames: Sequence[RawMeasures | None], view: View,
                        settings: CalibrationConfig, camera: str = "") -> Calibration:
    """The neutral from ``frames`` (None where nobody was in view), or CalibrationError."""
    total = len(frames)
    if total == 0:
        raise CalibrationError("Calibration got no frames from the source.")
    present = [f for f in frames if f is not None]
    if not present:
        raise CalibrationError("Calibration failed: no person was in view.")
    share_present = len(present) / total
    if share_present < settings.min_present_fraction:
        raise CalibrationError(
            f"Calibration failed: you were in view for only {share_present:.0%} of it; "
            "sit in front of the camera for the whole countdown.")
    required = _REQUIRED[view]
    usable = [f for f in present if all(getattr(f, k) is not None for k in required)]
    share_usable = len(usable) / total
    if share_usable < settings.min_present_fraction:
        raise CalibrationError(
            f"Calibration failed: {_SEEN[view]} could be seen in only {share_usable:.0%} of "
            "the frames; face the camera, in good light, for the whole countdown.")
    keys = list(required) + [k for k in _OPTIONAL[view] if sum(
        getattr(f, k) is not None for f in usable) >= settings.min_present_fraction * total]
    if view == "front" and "head_depth_cm" in keys and "shoulder_px" not in keys:
        keys.remove("head_depth_cm")  # forward head needs the shoulders as its reference
    both = [f for f in usable if all(getattr(f, k) is not None for k in keys)]
    if len(both) < settings.min_present_fraction * total:
        keys, both = list(required), usable
    series = {k: np.array([getattr(f, k) for f in both], dtype=float) for k in keys}
    spread = {k: robust_std(v) for k, v in series.items()}
    for key, label in _STILLNESS[view]:
        if spread[key] > settings.max_spread_deg:
            raise CalibrationError(
                f"Calibration failed: you moved too much ({label} varied by "
                f"{spread[key]:.1f} deg); sit still, upright, and look at the screen.")
    neutral = {k: float(np.median(v)) for k, v in series.items()}
    noise = {k: robust_std(np.diff(v)) / math.sqrt(2.0) for k, v in series.items()}
    if view == "front":
        for key in ("eye_distance_cm", "eye_distance_from_height_cm", "head_yaw"):
            values = [getattr(f, key) for f in both if getattr(f, key) is not None]
            if values:
                neutral[key] = float(np.median(values))
        _check_neutral(neutral, settings)
        if "head_depth_cm" in neutral:
            forward = forward_shift_cm(series["head_depth_cm"], series["shoulder_px"],
                                       neutral["head_depth_cm"], neutral["shoulder_px"])
            noise["forward_head"] = robust_std(np.diff(forward)) / math.sqrt(2.0)
            spread["forward_head"] = robust_std(forward)
    return Calibration(view, neutral, noise, spread, total, camera)


_SEEN = {"front": "your face", "side": "your ear and shoulder"}
RECOMMENDED_DISTANCE_CM = (50.0, 100.0)  # OSHA computer workstations eTool


def distance_advice(calibration: Calibration) -> str | None:
    """One sentence when the calibrated eye-to-screen distance is outside the recommended
    range (said once, at calibration, rather than as an alert every ten minutes)."""
    distance = calibration.neutral.get("eye_distance_cm")
    if distance is None:
        return None
    low, high = RECOMMENDED_DISTANCE_CM
    if distance < low:
        return (f"Your eyes are about {distance:.0f} cm from the camera, closer than the "
                f"{low:.0f}-{high:.0f} cm recommended: move the screen (or yourself) back, or "
                "set camera.field_of_view_deg to your camera's if it is wider than 60 deg.")
    if distance > high:
        return (f"Your eyes are about {distance:.0f} cm from the camera, further than the "
                f"{low:.0f}-{high:.0f} cm recommended: text may be hard to read; or set "
                "camera.field_of_view_deg to your camera's if it is narrower than 60 deg.")
    return None


def _check_neutral(neutral: dict[str, float], settings: CalibrationConfig) -> None:
    """Refuses a neutral that is visibly not neutral: the head tipped against the shoulders
    (or against level, when the shoulders are not seen) or the face turned away."""
    tilt = neutral["head_roll"] - neutral.get("shoulder_roll", 0.0)
    against = "your shoulders" if "shoulder_roll" in neutral else "level"
    if abs(tilt) > settings.max_neutral_tilt_deg:
        side = "left" if tilt > 0 else "right"
        raise CalibrationError(
            f"Calibration refused: your head was tipped {abs(tilt):.0f} deg to the {side} "
            f"against {against}; sit with your head level and try again.")
    lean = neutral.get("shoulder_roll")
    if lean is not None and abs(lean) > settings.max_neutral_tilt_deg \
            and abs(neutral["head_roll"]) > settings.max_neutral_tilt_deg \
            and (lean > 0) == (neutral["head_roll"] > 0):
        side = "left" if lean > 0 else "right"
        raise CalibrationError(
            f"Calibration refused: you were leaning {abs(lean):.0f} deg to the {side}, head "
            "and shoulders together; sit upright and try again (if the camera itself is "
            "tilted, level it).")
    turn = neutral.get("head_yaw")
    if turn is not None and abs(turn) > settings.max_neutral_turn_deg:
        side = "left" if turn > 0 else "right"
        raise CalibrationError(
            f"Calibration refused: your face was turned {abs(turn):.0f} deg to the {side}; "
            "face the screen and try again (if the camera sits well to one side, raise "
            "calibration.max_neutral_turn_deg).")


def calibrations_dir() -> Path:
    return user_data_dir() / "calibrations"


def camera_key(camera: str) -> str:
    """A file-name-safe key for a camera ("camera 0" -> "camera-0")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", camera).strip("-") or "camera"


def save_calibration(calibration: Calibration, path: Path | None = None) -> Path:
    """Writes the calibration (to the camera's file in the user data directory by default)."""
    if path is None:
        path = calibrations_dir() / f"{camera_key(calibration.camera)}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda out: out.write(
            json.dumps(calibration.to_json(), indent=2) + "\n"))
    except OSError as e:
        raise CalibrationError(f"The calibration cannot be saved to {path} ({e.strerror}).") \
            from None
    return path


def load_calibration(path: Path) -> Calibration:
    try:
        data = read_json(path)
    except FileNotFoundError:
        raise CalibrationError(f"No calibration file at {path}.") from None
    except OSError as e:
        raise CalibrationError(f"The calibration {path} cannot be read ({e.strerror}).") \
            from None
    except ValueError:
        raise CalibrationError(f"{path} is not a readable calibration file "
                               "(damaged or not JSON); recalibrate.") from None
    return Calibration.from_json(data, str(path))


def load_camera_calibration(camera: str) -> Calibration | None:
    """The saved calibration for ``camera``, or None if there is none yet."""
    path = calibrations_dir() / f"{camera_key(camera)}.json"
    return load_calibration(path) if path.exists() else None
