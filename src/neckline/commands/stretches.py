"""``neckline stretches [--problem ID] [--json]`` and ``neckline stretches show ID``."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from neckline.commands.output import print_json
from neckline.config import REGISTRY
from neckline.errors import NecklineError
from neckline.stretches.catalogue import Stretch, catalogue
from neckline.stretches.safety import EMERGENCY, SEE_A_CLINICIAN


def _entry(stretch: Stretch) -> dict[str, Any]:
    data = dataclasses.asdict(stretch)
    data["dose"] = stretch.dose
    return data


def _text(stretch: Stretch) -> str:
    lines = [stretch.title, "=" * len(stretch.title),
             "Relieves: " + ", ".join(REGISTRY[p].title.lower() for p in stretch.problems) + ".",
             stretch.dose, ""]
    lines += [f"{i}. {step}" for i, step in enumerate(stretch.steps, 1)]
    lines += ["", "Take care:"] + [f"- {c}" for c in stretch.cautions]
    lines += ["", "Sources:"] + [f"- {url}" for url in stretch.sources]
    lines += ["", "See a doctor for: " + " ".join(SEE_A_CLINICIAN),
              "Emergency care for: " + " ".join(EMERGENCY)]
    return "\n".join(lines)


def run_stretches(args: argparse.Namespace) -> int:
    cat = catalogue()
    if args.action == "show":
        if args.stretch_id is None:
            raise NecklineError("Say which stretch to show: `neckline stretches show ID`; "
                                f"the ids are: {', '.join(cat.stretches)}.")
        if args.stretch_id not in cat.stretches:
            known = ", ".join(cat.stretches)
            raise NecklineError(f"No stretch called {args.stretch_id!r}; known: {known}.")
        stretch = cat.stretches[args.stretch_id]
        if args.json:
            print_json(_entry(stretch), indent=2)
        else:
            print(_text(stretch))
        return 0
    if args.stretch_id is not None:
        raise NecklineError("Use `neckline stretches show ID` to show one stretch.")
    stretches = cat.for_problem(args.problem) if args.problem else list(cat.stretches.values())
    if args.json:
        out: dict[str, Any] = {"stretches": [_entry(s) for s in stretches]}
        if args.problem:
            out["problem"] = args.problem
            out["fix"] = cat.fixes[args.problem]
        print_json(out, indent=2)
        return 0
    if args.problem:
        print(f"For {REGISTRY[args.problem].title.lower()}, most helpful first:")
    for stretch in stretches:
        print(f"  {stretch.id:<27} {stretch.title:<28} {stretch.dose}")
    if args.problem:
        print(f"Also fix the cause: {cat.fixes[args.problem]}")
    return 0
