"""The stretch guide's catalogue: which stretches relieve which problem, how to do them, and
the ergonomic fix for each problem. Loaded once from data/stretches.toml (in the package)."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from neckline.config import PROBLEMS

STOP_WORDS = ("pain grows", "dizzy", "numb", "tingling")  # every stretch says to stop on these


@dataclass(frozen=True)
class Check:
    """A position the camera can confirm: ``measure`` beyond ``target`` from neutral."""

    measure: str
    target: float
    direction: str  # "up", "down" or "side" (toward the side being stretched)
    label: str


@dataclass(frozen=True)
class Stretch:
    id: str
    title: str
    problems: tuple[str, ...]
    steps: tuple[str, ...]
    hold_s: float
    reps: int
    per_side: bool
    cautions: tuple[str, ...]
    sources: tuple[str, ...]
    figure: str
    check: Check | None = None
    # What one timed step is, in words ("hold", or "keep rolling" for a movement), and what a
    # side means for this stretch ("{side}" is "left" or "right").
    hold_words: str = "hold"
    side_words: str = "{side} side"

    @property
    def dose(self) -> str:
        side = " on each side" if self.per_side else ""
        return (f"{self.hold_words.capitalize()} for {self.hold_s:g} s, "
                f"{self.reps} time{'s' * (self.reps > 1)}{side}.")

    def step_words(self, side: str | None) -> str:
        """The heading of one timed step: 'Tip your head toward your right shoulder — hold for
        20 s', 'Keep rolling for 20 s'."""
        what = f"{self.hold_words} for {self.hold_s:g} s"
        if side is None:
            return what[0].upper() + what[1:]
        where = self.side_words.format(side=side)
        return f"{where[0].upper()}{where[1:]} — {what}"


@dataclass(frozen=True)
class Catalogue:
    stretches: dict[str, Stretch]
    ranking: dict[str, tuple[str, ...]]
    fixes: dict[str, str]

    def for_problem(self, problem: str) -> list[Stretch]:
        return [self.stretches[s] for s in self.ranking.get(problem, ())]


class CatalogueError(ValueError):
    """The packaged catalogue is inconsistent (a bug in neckline's data)."""


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    stretches: dict[str, Stretch] = {}
    for entry in data.get("stretch", []):
        check = entry.get("check")
        stretch = Stretch(
            id=entry["id"], title=entry["title"], problems=tuple(entry["problems"]),
            steps=tuple(entry["steps"]), hold_s=float(entry["hold_s"]), reps=int(entry["reps"]),
            per_side=bool(entry["per_side"]), cautions=tuple(entry["cautions"]),
            sources=tuple(entry["sources"]), figure=entry["figure"],
            check=Check(**check) if check else None,
            hold_words=entry.get("hold_words", "hold"),
            side_words=entry.get("side_words", "{side} side"))
        if stretch.id in stretches:
            raise CatalogueError(f"stretch {stretch.id} appears twice")
        stretches[stretch.id] = stretch
    ranking = {k: tuple(v) for k, v in data.get("ranking", {}).items()}
    catalogue = Catalogue(stretches, ranking, dict(data.get("fixes", {})))
    validate(catalogue)
    return catalogue


def validate(catalogue: Catalogue) -> None:
    """Raises CatalogueError naming the first thing wrong."""
    for problem in PROBLEMS:
        if len(catalogue.ranking.get(problem, ())) < 2:
            raise CatalogueError(f"{problem} needs at least two stretches")
        if not catalogue.fixes.get(problem):
            raise CatalogueError(f"{problem} needs an ergonomic fix")
    for problem, ids in catalogue.ranking.items():
        if problem not in PROBLEMS:
            raise CatalogueError(f"unknown problem {problem} in the ranking")
        for stretch_id in ids:
            if stretch_id not in catalogue.stretches:
                raise CatalogueError(f"{problem} ranks unknown stretch {stretch_id}")
    for s in catalogue.stretches.values():
        if not s.steps or not s.cautions or not s.sources or s.hold_s <= 0 or s.reps < 1:
            raise CatalogueError(f"stretch {s.id} lacks steps, dose, cautions or sources")
        if not all(url.startswith(("https://", "http://")) for url in s.sources):
            raise CatalogueError(f"stretch {s.id} has a source that is not a URL")
        if not all(word in " ".join(s.cautions) for word in STOP_WORDS):
            raise CatalogueError(f"stretch {s.id} does not say when to stop")
        if any(p not in PROBLEMS for p in s.problems):
            raise CatalogueError(f"stretch {s.id} names an unknown problem")
        if s.check is not None and s.check.direction not in ("up", "down", "side"):
            raise CatalogueError(f"stretch {s.id} has a check with an unknown direction")


@functools.cache
def catalogue() -> Catalogue:
    text = resources.files("neckline.stretches").joinpath("data/stretches.toml").read_text("utf-8")
    return parse_catalogue(tomllib.loads(text))


def stretches_for(problem: str) -> tuple[str, ...]:
    """Ranked stretch ids for a problem (what alerts carry)."""
    return catalogue().ranking.get(problem, ())


BREAK_STRETCH = "neck_rotation"  # a break's stretch when no strain was held today


def stretch_for_break(strained_today: dict[str, float]) -> tuple[str | None, str]:
    """(problem, stretch id) a break reminder offers: the first-ranked stretch for the problem
    held longest today, else a gentle neck rotation."""
    held = {p: s for p, s in strained_today.items() if s > 0 and stretches_for(p)}
    if not held:
        return None, BREAK_STRETCH
    problem = max(held, key=lambda p: held[p])
    return problem, stretches_for(problem)[0]


def figure_path(stretch: Stretch) -> Any:
    return resources.files("neckline.stretches").joinpath(f"data/figures/{stretch.figure}")
