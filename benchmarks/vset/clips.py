"""The validation clips: what each shows, what it must raise, and how its video is made.

A clip is a list of segments (seconds, posture, effects). Every clip starts with the person
sitting as they will be calibrated; the first ``CALIBRATE_S`` seconds are given to
``neckline analyze --calibrate``. Posture clips then hold one posture long enough for its alert
(its dwell plus a margin) and return to neutral. Robustness clips must raise nothing.

Realism: a held posture is never a still picture. Each frame is one of a few renders of the
posture with a small random head and body movement (about +-0.7 deg), chosen in a slow random
walk, with camera noise on top; a posture is reached over a one-second movement.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np
from vset.people import PersonPhoto
from vset.scene import NEUTRAL, Landmarkers, Posture, Scene

RENDER_VERSION = 1  # bump when rendering changes, so cached videos are made again
CALIBRATE_S = 6.0
PROBLEMS = ("head_tilt", "head_down", "forward_head", "shoulders_uneven", "too_close")


@dataclass(frozen=True)
class Segment:
    seconds: float
    posture: Posture = NEUTRAL
    effects: tuple[str, ...] = ()  # "dim", "dark_noisy", "hand", "second_person", "away"
    hold: bool = False  # the segment the clip is about (scored)


@dataclass(frozen=True)
class Clip:
    name: str
    kind: str  # the confusion matrix's row: what posture is shown
    person: str
    distance_cm: float
    segments: tuple[Segment, ...]
    expected: tuple[str, ...] = ()  # alerts that must come, within their window
    allowed: tuple[str, ...] = ()  # alerts that may come (a posture that is both)
    size: tuple[int, int] = (640, 480)
    fps: float = 10.0
    codec: str = "MJPG"
    dwell_s: dict[str, float] = field(default_factory=dict)

    @property
    def hold(self) -> tuple[float, float] | None:
        t = 0.0
        for seg in self.segments:
            if seg.hold:
                return t, t + seg.seconds
            t += seg.seconds
        return None

    @property
    def duration_s(self) -> float:
        return sum(s.seconds for s in self.segments)

    def truth(self) -> dict[str, float]:
        """What the held posture applied, in the metrics' terms."""
        seg = next((s for s in self.segments if s.hold), None)
        if seg is None:
            return {}
        p = seg.posture
        return {"head_tilt": p.roll_deg + p.lean_deg, "head_down": p.pitch_deg,
                "head_turn": p.yaw_deg, "shoulders_uneven": p.lean_deg + p.torso_deg,
                "forward_head": p.forward_cm,
                "distance_cm": self.distance_cm - p.closer_cm - p.forward_cm}

    def key(self, photo_sha: str) -> str:
        spec = json.dumps([RENDER_VERSION, photo_sha, asdict(self)], sort_keys=True,
                          default=str)
        return hashlib.sha256(spec.encode()).hexdigest()[:16]


# -- the set --------------------------------------------------------------------------------

DWELL = {"head_tilt": 60.0, "head_down": 60.0, "forward_head": 60.0, "shoulders_uneven": 120.0,
         "too_close": 60.0}


def posture_clips(person: str, distance_cm: float, dwell: dict[str, float],
                  quick: bool = False) -> list[Clip]:
    """One clip per posture: neutral, the posture held past its dwell, neutral again."""
    d = distance_cm

    def clip(name: str, kind: str, posture: Posture, expected: tuple[str, ...] = (),
             allowed: tuple[str, ...] = ()) -> Clip:
        longest = max([dwell[p] for p in expected + allowed] + [min(dwell.values())])
        hold = longest + 20.0
        segments = (Segment(CALIBRATE_S + 4.0), Segment(hold, posture, hold=True),
                    Segment(8.0))
        return Clip(f"{person}/{name}", kind, person, d, segments, expected, allowed,
                    dwell_s=dwell)

    full = [
        clip("pitch-15", "head_down 15 deg (under threshold)", Posture(pitch_deg=15)),
        clip("pitch-30", "head_down", Posture(pitch_deg=30), ("head_down",)),
        clip("pitch-45", "head_down", Posture(pitch_deg=45), ("head_down",)),
        clip("yaw-20", "head_turn", Posture(yaw_deg=20)),
        clip("yaw-40", "head_turn", Posture(yaw_deg=-40)),
        clip("roll-10", "head_tilt 10 deg (at threshold)", Posture(roll_deg=10),
             allowed=("head_tilt",)),
        clip("roll-20", "head_tilt", Posture(roll_deg=-20), ("head_tilt",)),
        clip("roll-25", "head_tilt", Posture(roll_deg=25), ("head_tilt",)),
        clip("lean-15", "body lean", Posture(lean_deg=15), ("head_tilt",),
             ("shoulders_uneven",)),
        clip("lean-in", "lean in (too_close)", Posture(closer_cm=round(0.25 * d)),
             ("too_close",)),
        clip("torso-10", "shoulders_uneven", Posture(torso_deg=-10), ("shoulders_uneven",)),
        clip("forward-6", "forward_head", Posture(forward_cm=6), ("forward_head",),
             ("too_close",)),
    ]
    if quick:
        keep = {"pitch-30", "roll-20", "torso-10", "lean-in", "forward-6"}
        return [c for c in full if c.name.split("/")[1] in keep]
    return full


def robustness_clips(person: str, distance_cm: float, dwell: dict[str, float],
                     quick: bool = False, quick_turn: int = 0) -> list[Clip]:
    """Clips where nothing should alert."""
    d = distance_cm
    base = CALIBRATE_S + 4.0
    span = max(dwell.values()) + 10.0

    def clip(name: str, segments: tuple[Segment, ...], **kw: object) -> Clip:
        return Clip(f"{person}/{name}", "nothing (robustness)", person, d,
                    (Segment(base), *segments), **kw)  # type: ignore[arg-type]

    glance: list[Segment] = []
    for _ in range(max(2, round(span / 28))):
        glance += [Segment(8.0, Posture(pitch_deg=30)), Segment(6.0),
                   Segment(8.0, Posture(yaw_deg=35)), Segment(6.0)]
    clips = [
        clip("glances", tuple(glance)),
        clip("second-person", (Segment(span, effects=("second_person",)),)),
        clip("light-drop", (Segment(span, effects=("dim",)),)),
        clip("dark-noisy", (Segment(span, effects=("dark_noisy",)),)),
        clip("hand-over-mouth", (Segment(span, effects=("hand",)),)),
        clip("leave-return", (Segment(30.0, effects=("away",)), Segment(span))),
        clip("hd-30fps", (Segment(span),), size=(1280, 720), fps=30.0),
        clip("small-15fps", (Segment(span),), size=(320, 240), fps=15.0),
        clip("mp4", (Segment(span),), codec="mp4v"),
        # Calibrated in the dark too: the face is plain to see, so it must calibrate.
        Clip(f"{person}/dark-calibration", "nothing (robustness)", person, d,
             (Segment(base + span, effects=("dark_noisy",)),)),
    ]
    if quick:  # one robustness clip per person, in turn
        keep = ("glances", "dark-calibration")[quick_turn % 2]
        return [c for c in clips if c.name.split("/")[1] == keep]
    return clips


# -- rendering ------------------------------------------------------------------------------

_JITTER = 0.7  # deg of head movement while "still"
_VARIANTS = 6


class Renderer:
    """Makes the videos of one person's clips, each frame a posed render."""

    def __init__(self, person: PersonPhoto, tools: Landmarkers, others: list[PersonPhoto]):
        self.person = person
        self.tools = tools
        self.others = others
        self._scenes: dict[tuple[float, tuple[int, int]], Scene] = {}
        self._figure: tuple[np.ndarray, np.ndarray] | None = None
        self._cache: dict[tuple[object, ...], list[np.ndarray]] = {}

    def scene(self, distance_cm: float, size: tuple[int, int]) -> Scene:
        key = (distance_cm, size)
        if key not in self._scenes:
            self._scenes[key] = Scene(self.person.image(), distance_cm, size, tools=self.tools)
        return self._scenes[key]

    def variants(self, scene: Scene, posture: Posture, seed: int) -> list[np.ndarray]:
        key = (id(scene), posture, seed)
        if key not in self._cache:
            rng = np.random.default_rng(seed)
            frames = []
            for _ in range(_VARIANTS):
                j = rng.normal(0.0, _JITTER / 2, 3)
                jitter = Posture(pitch_deg=j[0], yaw_deg=j[1], roll_deg=j[2] * 0.7,
                                 lean_deg=float(rng.normal(0.0, 0.2)))
                frames.append(scene.render(posture.plus(jitter)))
            self._cache[key] = frames
        return self._cache[key]

    def frames(self, clip: Clip) -> Iterator[np.ndarray]:
        scene = self.scene(clip.distance_cm, clip.size)
        rng = np.random.default_rng(int(hashlib.sha256(clip.name.encode()).hexdigest()[:8], 16))
        previous = NEUTRAL
        walk = 0
        # Camera noise: a few fields of +-2 grey levels (Gaussian), reused in random order.
        noises = []
        for _ in range(8):
            field = rng.normal(0.0, 2.0, (clip.size[1], clip.size[0], 3))
            noises.append((np.clip(np.rint(field), 0, 255).astype(np.uint8),
                           np.clip(np.rint(-field), 0, 255).astype(np.uint8)))
        for seg_index, seg in enumerate(clip.segments):
            n = round(seg.seconds * clip.fps)
            moves = min(n, round(clip.fps)) if seg.posture != previous else 0
            bank = self.variants(scene, seg.posture, seed=seg_index)
            for i in range(n):
                if i < moves:  # a one-second movement from the last posture to this one
                    k = (i + 1) / (moves + 1)
                    eased = 0.5 - 0.5 * math.cos(math.pi * k)
                    mid = Posture(*(a + (b - a) * eased for a, b in
                                    zip(previous.values(), seg.posture.values(), strict=True)))
                    image = scene.render(mid)
                else:
                    if rng.random() < 3.0 / clip.fps:  # about three changes a second
                        walk = (walk + int(rng.integers(-1, 2))) % _VARIANTS
                    image = bank[walk].copy()
                image = self.effects(image, seg.effects, scene, i / max(n - 1, 1), rng)
                brighter, darker = noises[int(rng.integers(len(noises)))]
                yield cv2.subtract(cv2.add(image, brighter), darker)
            previous = seg.posture

    def effects(self, image: np.ndarray, effects: tuple[str, ...], scene: Scene,
                 progress: float, rng: np.random.Generator) -> np.ndarray:
        for effect in effects:
            if effect == "away":
                image = scene.empty.copy()
            elif effect == "dim":
                image = (image.astype(np.float32) * 0.45).astype(np.uint8)
            elif effect == "dark_noisy":
                dark = image.astype(np.float32) * 0.22
                dark += rng.normal(0.0, 9.0, image.shape)
                image = np.clip(dark, 0, 255).astype(np.uint8)
            elif effect == "hand":
                image = scene.hand_over_mouth(image)
            elif effect == "second_person" and self.others:
                if self._figure is None:
                    photo = self.others[0].image()
                    found = self.tools.person(photo)
                    if found is None:
                        raise RuntimeError(f"{self.others[0].name}: nobody found in the photo")
                    self._figure = (photo, found[1])
                image = scene.passer_by(image, self._figure, progress)
        return image


def write_clip(renderer: Renderer, clip: Clip, path: Path) -> Path:
    """Renders ``clip`` to ``path`` (written to a temporary name, then moved in place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".part" + path.suffix)
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter.fourcc(*clip.codec), clip.fps, clip.size)
    if not writer.isOpened():
        raise RuntimeError(f"cannot write {tmp} with codec {clip.codec}")
    try:
        for image in renderer.frames(clip):
            writer.write(image)
    finally:
        writer.release()
    tmp.replace(path)
    return path
