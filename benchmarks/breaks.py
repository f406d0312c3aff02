"""Break reminders on a long recording of someone at their desk, with the default settings.

    .venv/bin/python benchmarks/breaks.py                 # hopper and obama, ~74 min each
    .venv/bin/python benchmarks/breaks.py --people maher

Each person's "desk session" (rendered like the validation set: real photos, posed, with small
movements, glances down and aside, and camera noise; 2 frames a second) is:

    0:00-33:00  at the desk                        -> a reminder due at 30:00
    33:00-36:00 away (3 min)                       -> a break, known at 35:00
    36:00-61:00 at the desk (25 min)               -> no reminder: the count began at 36:00
    61:00-61:50 away (50 s: a word with a colleague) -> not a break
    61:50-73:50 at the desk                        -> a reminder due at 66:00 (30 min from 36:00)

It runs ``neckline analyze --calibrate 6 --json`` with the default config and checks each
reminder and break against these times (within 10 s). Renders are cached beside the validation
set's. Exit status 1 when any check fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vset.clips import Clip, Renderer, Segment, write_clip
from vset.people import CACHE, PEOPLE
from vset.scene import Landmarkers, Posture
from vset.score import run_analyze

FPS = 2.0
TOLERANCE_S = 10.0


def at_desk(seconds: float) -> list[Segment]:
    """Sitting as calibrated, with a glance at the keyboard and a look aside now and then."""
    pattern = [Segment(50.0), Segment(6.0, Posture(pitch_deg=25)), Segment(30.0),
               Segment(5.0, Posture(yaw_deg=30)), Segment(40.0),
               Segment(4.0, Posture(pitch_deg=30))]
    out: list[Segment] = []
    left = seconds
    while left > 0:
        for seg in pattern:
            take = min(seg.seconds, left)
            if take <= 0:
                break
            out.append(Segment(take, seg.posture))
            left -= take
    return out


def away(seconds: float) -> list[Segment]:
    return [Segment(seconds, effects=("away",))]


SESSION = [*at_desk(33 * 60), *away(3 * 60), *at_desk(25 * 60), *away(50),
           *at_desk(12 * 60)]
EXPECTED_REMINDERS = (30 * 60.0, 66 * 60.0)
EXPECTED_BREAKS = ((35 * 60.0, 33 * 60.0),)  # (known at, stretch before it)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", nargs="+", default=["hopper", "obama"])
    args = parser.parse_args(argv)
    tools = Landmarkers()
    ok = True
    for name in args.people:
        person = next(p for p in PEOPLE if p.name == name)
        clip = Clip(f"{name}/desk-session", "breaks", name, 66.0, tuple(SESSION), fps=FPS)
        path = CACHE / "clips" / name / f"desk-session-{clip.key(person.sha256)}.avi"
        started = time.monotonic()
        if not path.exists():
            write_clip(Renderer(person, tools, [person]), clip, path)
        rendered = time.monotonic() - started
        result, error = run_analyze(path, None)
        analysed = time.monotonic() - started - rendered
        if result is None:
            print(f"{name}: analyze failed: {error}")
            ok = False
            continue
        breaks = result["breaks"]
        reminders = [e["t"] for e in breaks["reminders"]]
        taken = [(e["t"], e["at_desk_s"]) for e in breaks["taken"]]
        good = (len(reminders) == len(EXPECTED_REMINDERS)
                and all(abs(a - b) <= TOLERANCE_S
                        for a, b in zip(reminders, EXPECTED_REMINDERS, strict=True))
                and len(taken) == len(EXPECTED_BREAKS)
                and all(abs(a[0] - b[0]) <= TOLERANCE_S and abs(a[1] - b[1]) <= TOLERANCE_S
                        for a, b in zip(taken, EXPECTED_BREAKS, strict=True)))
        ok &= good
        seen = ", ".join(f"{_clock(t)} after {_clock(s)} at the desk" for t, s in taken)
        print(f"{name}: {clip.duration_s / 60:.1f} min at {FPS:g} fps "
              f"(rendered in {rendered:.0f} s, analysed in {analysed:.0f} s); "
              f"reminders at {', '.join(_clock(t) for t in reminders) or 'none'} "
              f"(expected {', '.join(_clock(t) for t in EXPECTED_REMINDERS)}); "
              f"breaks {seen or 'none'} (expected "
              f"{', '.join(f'{_clock(t)} after {_clock(s)}' for t, s in EXPECTED_BREAKS)}); "
              f"longest stretch {_clock(breaks['longest_at_desk_s'])}; "
              f"{'OK' if good else 'WRONG'}")
    tools.close()
    return 0 if ok else 1


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m}:{s:02d}"


if __name__ == "__main__":
    sys.exit(main())
