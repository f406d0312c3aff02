"""Which stretches relieve which problem (interim ids; the stretch guide will own the details)."""

from __future__ import annotations

# Ranked, most specific first; ids follow ../shared/EVIDENCE.md "Stretches per problem".
STRETCHES_FOR_PROBLEM: dict[str, tuple[str, ...]] = {
    "head_tilt": ("upper_trapezius_side_bend", "levator_scapulae", "neck_rotation"),
    "head_down": ("chin_tuck", "shoulder_blade_squeeze", "neck_rotation"),
    "forward_head": ("chin_tuck", "doorway_chest_stretch", "shoulder_blade_squeeze"),
    "shoulders_uneven": ("shoulder_rolls", "shoulder_shrugs", "upper_trapezius_side_bend"),
    "too_close": ("chin_tuck", "neck_rotation"),
}


def stretches_for(problem: str) -> tuple[str, ...]:
    return STRETCHES_FOR_PROBLEM.get(problem, ())
