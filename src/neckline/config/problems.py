"""The posture problems neckline watches: every fact about each one, declared once.

A problem's id is the word used in the config file, the JSON, the database and the stretch
catalogue (whose stretches name the problems they relieve by id). Everything else the program
says or decides about a problem is read from its ``Problem`` here: the words of every window
and report, its units, which way it strains, which calibration measure sets its noise floor,
its default threshold, dwell and margin with their allowed ranges (the config checks and the
Settings spin boxes both read them), and its colour in the statistics.

Defaults come from ../shared/EVIDENCE.md ("Suggested defaults"); sources in ``about``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    """Which way a measure strains."""

    ABOVE = "above"  # strained when the value is above the threshold (e.g. head down)
    BELOW = "below"  # strained when below (e.g. screen distance, side-view neck angle)
    AWAY_FROM_ZERO = "abs"  # strained when |value| is above (tilts either way)


DWELL_RANGE_S = (0.0, 3600.0)
"""How long a problem may have to be held before it alerts: from at once to an hour."""


@dataclass(frozen=True)
class Problem:
    id: str
    title: str  # an alert's title and the guide's filter: "Head tilted"
    gauge: str  # the main window's bar and the statistics' charts: "Head tilt"
    summary: str  # `neckline analyze`'s lines: "head tilted sideways"
    short: str  # `neckline stats`'s list: "head tilted"
    rule_words: str  # Settings: "<rule_words> [threshold] for [seconds]"
    about: str  # the config file's comment and the Settings tooltip
    threshold_unit: str  # "degrees", "cm" or "percent"
    value_unit: str  # what an alert's value is in: "deg" or "cm"
    direction: Direction
    noise_key: str | None  # the calibration measure whose stillness sets a noise floor
    threshold: float
    threshold_range: tuple[float, float]
    dwell_s: float
    margin: float  # hysteresis, in the threshold's unit
    colour: str  # its line in the statistics' trend chart

    @property
    def margin_range(self) -> tuple[float, float]:
        """A margin may be up to half the largest threshold."""
        return 0.0, self.threshold_range[1] / 2

    @property
    def dwell_range(self) -> tuple[float, float]:
        return DWELL_RANGE_S


_ALL = (
    Problem(
        id="head_tilt", title="Head tilted", gauge="Head tilt", summary="head tilted sideways",
        short="head tilted", rule_words="Head tilted sideways more than",
        about="Head tilted sideways beyond neutral (natural tilt is within about 5 deg).",
        threshold_unit="degrees", value_unit="deg", direction=Direction.AWAY_FROM_ZERO,
        noise_key="head_roll", threshold=10.0, threshold_range=(2.0, 45.0), dwell_s=60.0,
        margin=3.0, colour="#3b82c4"),
    Problem(
        id="head_down", title="Head bent down", gauge="Head down", summary="head bent down",
        short="head down", rule_words="Head bent down more than",
        about="Head bent down beyond neutral (Lee et al. 2015: keep flexion within 20 deg).",
        threshold_unit="degrees", value_unit="deg", direction=Direction.ABOVE,
        noise_key="head_pitch", threshold=20.0, threshold_range=(5.0, 60.0), dwell_s=60.0,
        margin=4.0, colour="#c8372d"),
    Problem(
        id="forward_head", title="Head pushed forward", gauge="Forward head",
        summary="head pushed forward", short="head forward",
        rule_words="Head pushed forward more than",
        about="Head pushed forward of neutral; the threshold rises with how much the measure "
              "wandered during your calibration.",
        threshold_unit="cm", value_unit="cm", direction=Direction.ABOVE,
        noise_key="forward_head", threshold=3.0, threshold_range=(0.5, 20.0), dwell_s=60.0,
        margin=1.0, colour="#e08a12"),
    Problem(
        id="shoulders_uneven", title="Shoulders uneven", gauge="Shoulders",
        summary="shoulders uneven", short="shoulders uneven",
        rule_words="Shoulders uneven by more than",
        about="Shoulder line tilted beyond neutral.",
        threshold_unit="degrees", value_unit="deg", direction=Direction.AWAY_FROM_ZERO,
        noise_key="shoulder_roll", threshold=8.0, threshold_range=(2.0, 30.0), dwell_s=120.0,
        margin=2.0, colour="#7a4fb3"),
    Problem(
        id="too_close", title="Too close to the screen", gauge="Screen distance",
        summary="too close to the screen", short="too close",
        rule_words="Closer to the screen than calibrated by more than",
        about="Eyes closer to the screen than your calibrated neutral by this share of it "
              "(20%: from 65 cm to 52 cm; OSHA recommends 50-100 cm). Before calibration the "
              "neutral is taken as 62.5 cm, so 20% closer is 50 cm.",
        threshold_unit="percent", value_unit="cm", direction=Direction.BELOW, noise_key=None,
        threshold=20.0, threshold_range=(5.0, 45.0), dwell_s=60.0, margin=5.0,
        colour="#2a9d8f"),
)

REGISTRY: dict[str, Problem] = {p.id: p for p in _ALL}
"""Every problem by id, in the order windows and reports list them."""

PROBLEMS = tuple(REGISTRY)
"""The problem ids used everywhere: config, JSON, database, stretch guide."""


def problem(problem_id: str) -> Problem:
    """The facts about ``problem_id``; KeyError for an id that is not a posture problem."""
    return REGISTRY[problem_id]
