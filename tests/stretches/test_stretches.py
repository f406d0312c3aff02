"""The stretch guide: catalogue schema, mapping, figures, guided logic, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from neckline.commands.cli import main
from neckline.config import PROBLEMS
from neckline.posture.engine import METRICS
from neckline.stretches.catalogue import (
    STOP_WORDS,
    CatalogueError,
    catalogue,
    figure_path,
    parse_catalogue,
    stretches_for,
)
from neckline.stretches.figures import figures
from neckline.stretches.guided import GuidedStretch

REQUIRED = {"chin_tuck", "upper_trapezius_side_bend", "levator_scapulae", "neck_rotation",
            "shoulder_rolls", "shoulder_blade_squeeze", "shoulder_shrugs",
            "doorway_chest_stretch"}


def test_catalogue_schema() -> None:
    cat = catalogue()
    assert set(cat.stretches) >= REQUIRED and len(cat.stretches) >= 8
    for problem in PROBLEMS:
        assert len(cat.ranking[problem]) >= 2, problem
        assert len(cat.fixes[problem]) > 30, problem
    for stretch in cat.stretches.values():
        assert stretch.steps and stretch.cautions and stretch.hold_s > 0 and stretch.reps >= 1
        assert all(url.startswith("http") for url in stretch.sources) and stretch.sources
        assert figure_path(stretch).is_file()
        assert all(word in " ".join(stretch.cautions) for word in STOP_WORDS)
        assert set(stretch.problems) <= set(PROBLEMS)
        if stretch.check is not None:
            assert stretch.check.measure in METRICS
    assert "50 to 100 cm" in cat.fixes["too_close"]
    assert "eye level" in cat.fixes["head_down"]


def test_validation_catches_mistakes() -> None:
    good = {"stretch": [{"id": "a", "title": "A", "problems": ["head_tilt"], "steps": ["x"],
                         "hold_s": 5, "reps": 1, "per_side": False,
                         "cautions": ["stop if pain grows, dizzy, numb or tingling"],
                         "sources": ["https://example.org"], "figure": "a.svg"}],
            "ranking": {problem: ["a", "a"] for problem in PROBLEMS},
            "fixes": dict.fromkeys(PROBLEMS, "fix it")}
    parse_catalogue(good)
    for broken, message in (
            ({**good, "ranking": {**good["ranking"], "head_tilt": ["a"]}}, "at least two"),
            ({**good, "ranking": {**good["ranking"], "too_close": ["a", "zz"]}}, "unknown"),
            ({**good, "fixes": {**good["fixes"], "head_down": ""}}, "ergonomic fix")):
        with pytest.raises(CatalogueError, match=message):
            parse_catalogue(broken)
    no_stop = {**good, "stretch": [{**good["stretch"][0], "cautions": ["be gentle"]}]}
    with pytest.raises(CatalogueError, match="when to stop"):
        parse_catalogue(no_stop)


def test_every_alert_stretch_resolves() -> None:
    cat = catalogue()
    for problem in PROBLEMS:
        ids = stretches_for(problem)
        assert ids and all(i in cat.stretches for i in ids)
        assert all(problem in cat.stretches[i].problems for i in ids), problem


def test_figures_are_generated_by_the_project() -> None:
    folder = Path(figure_path(catalogue().stretches["chin_tuck"])).parent
    generated = figures()
    assert set(generated) == {s.figure for s in catalogue().stretches.values()}
    for name, text in generated.items():
        assert (folder / name).read_text() == text, \
            f"run python -m neckline.stretches.figures ({name})"
        assert text.startswith("<svg") and "<title>" in text and "marker-end" in text


def metrics(**values: float | None) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(METRICS)
    out.update(values)
    return out


def run(g: GuidedStretch, start: float, end: float, m: dict[str, float | None] | None) -> float:
    t = start
    while t < end - 1e-9:
        g.update(t, m)
        t = round(t + 0.1, 3)
    return t


def test_side_bend_timer_runs_only_in_position_and_counts_sides() -> None:
    g = GuidedStretch(catalogue().stretches["upper_trapezius_side_bend"], rest_s=3.0)
    assert g.total_holds == 4 and g.current is not None and g.current.side == "left"
    run(g, 0, 5, metrics(head_tilt=5.0))  # not far enough
    assert g.in_position is False and g.held_s == 0.0
    run(g, 5, 15, metrics(head_tilt=18.0))  # reached: 10 s held
    assert g.in_position and g.held_s == pytest.approx(9.9, abs=0.15)
    run(g, 15, 20, metrics(head_tilt=4.0))  # position lost: the timer pauses
    assert g.in_position is False and g.held_s == pytest.approx(9.9, abs=0.15)
    run(g, 20, 30.5, metrics(head_tilt=17.0))  # 20 s reached: the left hold is done
    assert g.resting and g.index == 1 and g.current is not None and g.current.side == "right"
    run(g, 30.5, 34, None)  # rest
    assert not g.resting
    run(g, 34, 40, metrics(head_tilt=17.0))  # tilted left while the right side is due
    assert g.in_position is False
    run(g, 40, 61, metrics(head_tilt=-16.0))
    assert g.index == 2 and g.current is not None and g.current.rep == 2
    assert not g.completed


def test_chin_tuck_needs_the_head_back_and_counts_repetitions() -> None:
    g = GuidedStretch(catalogue().stretches["chin_tuck"], rest_s=1.0)
    t = 0.0
    for rep in range(1, 11):
        assert g.current is not None and g.current.rep == rep
        t = run(g, t, t + 2, metrics(forward_head=0.5))  # not back yet
        assert g.in_position is False
        t = run(g, t, t + 5.2, metrics(forward_head=-2.0))
        t = run(g, t, t + 1.2, metrics(forward_head=0.0))  # rest
    assert g.completed


def test_without_a_camera_the_timer_simply_runs() -> None:
    g = GuidedStretch(catalogue().stretches["shoulder_shrugs"], rest_s=0.5)
    run(g, 0, 10 * 5.6 + 1, None)
    assert g.completed and g.in_position is None


def test_a_measure_the_camera_cannot_see_does_not_block() -> None:
    g = GuidedStretch(catalogue().stretches["chin_tuck"])
    run(g, 0, 2, metrics(forward_head=None))  # not calibrated: cannot check
    assert g.in_position is None and g.held_s > 1.5


def test_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stretches", "--problem", "too_close", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in data["stretches"]] == list(stretches_for("too_close"))
    assert "50 to 100 cm" in data["fix"]
    assert main(["stretches", "show", "levator_scapulae"]) == 0
    out = capsys.readouterr().out
    assert "1. Sit upright" in out and "https://" in out and "doctor" in out
    assert main(["stretches", "show", "nope"]) == 2
    assert "No stretch called 'nope'" in capsys.readouterr().err
    assert main(["stretches", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["stretches"]) == 8


def test_guided_steps_say_which_side_and_what_to_do() -> None:
    cat = catalogue()
    bend = cat.stretches["upper_trapezius_side_bend"]
    assert bend.step_words("left") == f"Tip your head toward your left shoulder — hold for " \
                                      f"{bend.hold_s:g} s"
    assert cat.stretches["neck_rotation"].step_words("right").startswith(
        "Turn to look over your right shoulder — hold")
    rolls = cat.stretches["shoulder_rolls"]
    assert rolls.step_words(None) == f"Keep rolling slowly for {rolls.hold_s:g} s"
    assert rolls.dose.startswith("Keep rolling slowly for")
    assert cat.stretches["chin_tuck"].dose.startswith("Hold for 5 s")
