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


# Short texts for the app until the stretch guide arrives: (title, how, dose).
SUMMARIES: dict[str, tuple[str, str, str]] = {
    "chin_tuck": ("Chin tuck", "Sit tall with your eyes level and glide your chin straight "
                  "back, as if making a double chin, without nodding.", "Hold 5 s, 10 times."),
    "upper_trapezius_side_bend": (
        "Side bend (upper trapezius)", "Hold the seat of your chair with one hand so that "
        "shoulder stays down, then tip the other ear toward the other shoulder. A hand on your "
        "head may add a light pull.", "Hold 20-30 s, 2-3 times each side."),
    "levator_scapulae": (
        "Levator scapulae stretch", "Turn your head about 45° away from the tight side, lower "
        "your chin toward that collarbone and press lightly with your hand.",
        "Hold 20-30 s, each side."),
    "neck_rotation": ("Neck rotation", "Keep your chin level and turn your head slowly to look "
                      "over one shoulder, then the other.", "Hold 15-30 s, 2-4 times each side."),
    "shoulder_rolls": ("Shoulder rolls", "Lift your shoulders toward your ears, roll them back "
                       "and let them drop.", "10 slow rolls, 2-3 sets."),
    "shoulder_blade_squeeze": ("Shoulder-blade squeeze", "Draw your shoulder blades back and "
                               "together without shrugging.", "Hold 6 s, 10 times."),
    "shoulder_shrugs": ("Shoulder shrugs", "Raise both shoulders toward your ears, hold, then "
                        "let them go completely.", "Hold 5 s, 10 times."),
    "doorway_chest_stretch": ("Doorway chest stretch", "Rest your forearms on a door frame at "
                              "shoulder height and lean gently through until your chest opens.",
                              "Hold 30 s, 2-3 times."),
}

CAUTION = ("Move slowly and never bounce. Stop if the pain grows, or if you feel dizzy, numb or "
           "tingling.")
