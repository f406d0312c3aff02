"""neckline's validation set: many people, many postures, the truth known by construction.

    python benchmarks/validation.py --quick      # a subset, for the test suite (a few minutes)
    python benchmarks/validation.py              # everything (a benchmark; renders are cached)

Renders real photos of people (see vset/people.py for each photo's origin and licence) framed
like a desk webcam, poses them (head pitch, yaw and roll as 3D rotations; body lean, lean-in,
torso tilt, forward head; robustness clips that must raise nothing), runs every clip through
``neckline analyze`` and prints a confusion matrix (posture shown -> alerts raised), the measures'
errors against the applied values (overall and per person) and every miss and false alarm by
name. Run it from the checkout with the test environment (``./test.sh`` sets it up):
``.venv/bin/python benchmarks/validation.py``. See benchmarks/VALIDATION.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vset.clips import DWELL, PROBLEMS, Clip, Renderer, posture_clips, robustness_clips, write_clip
from vset.people import CACHE, PEOPLE, PersonPhoto
from vset.render_check import RenderCheck, check_renders
from vset.scene import Landmarkers, Posture
from vset.score import (
    ClipResult,
    confusion_table,
    detail_table,
    error_table,
    posture_error_table,
    run_analyze,
    score,
    verdict,
)

DISTANCES = (62.0, 70.0, 55.0, 78.0, 66.0, 74.0, 58.0, 80.0)
QUICK_PEOPLE = ("astronaut", "hopper")
QUICK_DWELL = dict.fromkeys(PROBLEMS, 15.0)


def _quick_config(folder: Path) -> Path:
    """Shorter dwell times, so the quick subset fits in the test suite; judged the same way."""
    path = folder / "quick.toml"
    path.write_text("".join(f"[alerts.{p}]\ndwell_s = {QUICK_DWELL[p]}\n\n" for p in PROBLEMS))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small subset with 15 s dwell times (for the test suite)")
    parser.add_argument("--people", nargs="+", metavar="NAME",
                        help="only these people (names from vset/people.py)")
    parser.add_argument("--only", metavar="TEXT", help="only clips whose name contains TEXT")
    parser.add_argument("--cache", type=Path, default=CACHE / "clips",
                        help=f"where rendered clips are kept (default {CACHE / 'clips'})")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="also write the results as JSON")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="also write the tables as Markdown (for the README)")
    parser.add_argument("--no-render-check", action="store_true")
    parser.add_argument("--contact-sheet", type=Path, metavar="FILE",
                        help="write a contact sheet of every person's postures (JPEG) and stop")
    parser.add_argument("--jobs", type=int, default=1,
                        help="clips analysed at once (each uses about one core)")
    parser.add_argument("--robustness-people", type=int, default=3, metavar="N",
                        help="the robustness clips are made for the first N people (full run)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 if any clip has a miss, a late alert or a false alarm")
    args = parser.parse_args(argv)

    people = [p for p in PEOPLE if (args.people and p.name in args.people)
              or (not args.people and (not args.quick or p.name in QUICK_PEOPLE))]
    if not people:
        parser.error("no such people; see vset/people.py")
    dwell = QUICK_DWELL if args.quick else DWELL
    started = time.monotonic()
    tools = Landmarkers()
    if args.contact_sheet:
        contact_sheet(people, tools, args.contact_sheet)
        tools.close()
        return 0
    results: list[ClipResult] = []
    checks: list[RenderCheck] = []
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        config = _quick_config(Path(tmp)) if args.quick else None
        pending: list[tuple[Clip, Future[tuple[dict[str, Any] | None, str | None]]]] = []
        for index, person in enumerate(people):
            distance = DISTANCES[index % len(DISTANCES)]
            others = [p for p in people if p is not person] or [person]
            renderer = Renderer(person, tools, others)
            clips = posture_clips(person.name, distance, dwell, args.quick)
            if args.quick or index < args.robustness_people:
                clips += robustness_clips(person.name, distance, dwell, args.quick, index)
            if args.only:
                clips = [c for c in clips if args.only in c.name]
            if not args.no_render_check:
                checks += check_renders(person.name, renderer.scene(distance, (640, 480)),
                                        quick=args.quick)
            for clip in clips:
                path = _rendered(renderer, person, clip, args.cache)
                pending.append((clip, pool.submit(run_analyze, path, config)))
        for clip, future in pending:
            result, error = future.result()
            scored = score(clip, result, error)
            results.append(scored)
            print(f"{clip.name:<32} {verdict(scored)}", file=sys.stderr, flush=True)
    tools.close()
    _print_report(results, checks, time.monotonic() - started)
    if args.report:
        args.report.write_text(json.dumps(_json(results, checks), indent=1) + "\n")
    if args.markdown:
        args.markdown.write_text(_markdown(results, checks))
    if args.strict and not all(r.ok for r in results):
        return 1
    return 0


SHEET = (("neutral", Posture()), ("pitch 30", Posture(pitch_deg=30)),
         ("pitch 45", Posture(pitch_deg=45)), ("yaw -40", Posture(yaw_deg=-40)),
         ("roll -20", Posture(roll_deg=-20)), ("lean 15", Posture(lean_deg=15)),
         ("torso -10", Posture(torso_deg=-10)), ("forward 6 cm", Posture(forward_cm=6)),
         ("lean in", Posture(closer_cm=16)))


def contact_sheet(people: list[PersonPhoto], tools: Landmarkers, path: Path) -> None:
    """One row per person: the postures of the set as rendered, with effects at the end."""
    import cv2
    import numpy as np

    rows = []
    for index, person in enumerate(people):
        renderer = Renderer(person, tools, [p for p in people if p is not person])
        scene = renderer.scene(DISTANCES[index % len(DISTANCES)], (640, 480))
        tiles = [(label, scene.render(p)) for label, p in SHEET]
        rng = np.random.default_rng(0)
        tiles.append(("dark, noisy", renderer.effects(scene.frame, ("dark_noisy",), scene,
                                                      0.5, rng)))
        tiles.append(("hand", renderer.effects(scene.frame, ("hand",), scene, 0.5, rng)))
        tiles.append(("passer-by", renderer.effects(scene.frame, ("second_person",), scene,
                                                    0.45, rng)))
        row = []
        for label, image in tiles:
            tile = cv2.resize(image, (192, 144), interpolation=cv2.INTER_AREA)
            cv2.putText(tile, label, (4, 138), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 3,
                        cv2.LINE_AA)
            cv2.putText(tile, label, (4, 138), cv2.FONT_HERSHEY_SIMPLEX, 0.42,
                        (255, 255, 255), 1, cv2.LINE_AA)
            row.append(tile)
        name = np.full((144, 110, 3), 255, np.uint8)
        cv2.putText(name, person.name, (4, 76), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1,
                    cv2.LINE_AA)
        rows.append(np.hstack([name, *row]))
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.vstack(rows), [cv2.IMWRITE_JPEG_QUALITY, 80])


def _rendered(renderer: Renderer, person: PersonPhoto, clip: Clip, cache: Path) -> Path:
    suffix = ".mp4" if clip.codec == "mp4v" else ".avi"
    path = cache / person.name / f"{clip.name.split('/')[1]}-{clip.key(person.sha256)}{suffix}"
    if not path.exists():
        write_clip(renderer, clip, path)
    return path


def _print_report(results: list[ClipResult], checks: list[RenderCheck], seconds: float) -> None:
    print("Confusion matrix: posture shown -> alerts raised (clips; * = expected)")
    print(confusion_table(results))
    print()
    print("Measure errors by posture shown (mean absolute against the applied value):")
    print(posture_error_table(results))
    print()
    print("Measure errors against the applied values (mean absolute, settled hold):")
    print(error_table(results))
    print(error_table(results, by_person=True))
    print()
    wrong = [r for r in results if not r.ok]
    print(f"Misses and false alarms ({len(wrong)} of {len(results)} clips):")
    for r in wrong:
        print(f"  {r.clip.name}: {verdict(r)}")
    if checks:
        failed = [c for c in checks if not c.passed]
        print(f"\nRender check (face model recovers >= 85% of the applied angle): "
              f"{len(checks) - len(failed)} of {len(checks)} passed")
        for c in failed:
            seen = "lost the face" if c.recovered is None else f"saw {c.recovered:.1f}"
            print(f"  {c.person} {c.axis} {c.applied:g}: {seen}")
    print(f"\n{len(results)} clips in {seconds:.0f} s")


def _json(results: list[ClipResult], checks: list[RenderCheck]) -> dict[str, object]:
    return {
        "clips": [{"name": r.clip.name, "kind": r.clip.kind, "truth": r.clip.truth(),
                   "distance_cm": r.clip.distance_cm,
                   "expected": r.clip.expected, "allowed": r.clip.allowed,
                   "error": r.error, "alerts": r.alerts, "hits": r.hits, "late": r.late,
                   "missed": r.missed, "false_alarms": r.false_alarms,
                   "measured": r.measured, "neutral": r.neutral} for r in results],
        "render_checks": [{"person": c.person, "axis": c.axis, "applied": c.applied,
                           "recovered": c.recovered, "canonical_fit": c.canonical_fit,
                           "passed": c.passed} for c in checks],
    }


def _markdown(results: list[ClipResult], checks: list[RenderCheck]) -> str:
    parts = ["### Confusion matrix (posture shown → alerts raised; * = expected)\n",
             confusion_table(results, markdown=True),
             "\n### Measure errors by posture shown (mean absolute against the applied value)\n",
             posture_error_table(results, markdown=True),
             "\n### Measure errors (mean absolute, settled hold)\n",
             error_table(results, markdown=True),
             "\n" + error_table(results, by_person=True, markdown=True),
             "\n### Every clip\n", detail_table(results, markdown=True)]
    if checks:
        parts += ["\n### Render check\n",
                  "| person | axis | applied, ° | face model's matrix, ° | share | "
                  "fit to the canonical face, ° |", "|---|---|---|---|---|---|"]
        parts += [f"| {c.person} | {c.axis} | {c.applied:g} | "
                  f"{'lost' if c.recovered is None else f'{c.recovered:.1f}'} | "
                  f"{'-' if c.share is None else f'{c.share:.0%}'} | "
                  f"{'-' if c.canonical_fit is None else f'{c.canonical_fit:.1f}'} |"
                  for c in checks]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.exit(main())
