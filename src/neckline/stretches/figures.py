"""Stretch illustrations drawn by neckline: a simple figure model, start pose in light grey,
end pose in dark, an arrow for the movement. ``python -m neckline.stretches.figures`` rewrites
the SVG files in neckline/stretches/data/figures/; a test checks they match this code."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

W, H = 240, 260
LIGHT, DARK, ACCENT = "#b8bdc6", "#2b3440", "#2e9d5b"


@dataclass(frozen=True)
class Front:
    """A seated person seen from the front (their left is the picture's right)."""

    roll: float = 0.0  # head tilt in degrees, + toward their left shoulder
    turn: float = 0.0  # -1..1, + looking toward their left
    nod: float = 0.0  # 0..1, chin down
    lift: float = 0.0  # both shoulders raised, pixels
    seat_hand: str = ""  # "left"/"right": that hand holds the chair seat
    head_hand: str = ""  # "left"/"right": that hand rests on the head
    back: bool = False  # seen from behind (no face), shoulder blades drawn
    squeeze: float = 0.0  # 0..1 shoulder blades drawn together (back view)


def _rotate(x: float, y: float, deg: float) -> tuple[float, float]:
    a = math.radians(deg)
    return x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float = 6) -> str:
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{width}" stroke-linecap="round"/>')


def front(pose: Front, colour: str) -> str:
    cx, shoulder_y = W / 2, 150 - pose.lift
    parts = [
        # chair seat and torso
        _line(cx - 60, 236, cx + 60, 236, LIGHT, 5),
        f'<path d="M{cx - 44},{shoulder_y} L{cx + 44},{shoulder_y} L{cx + 30},232 L{cx - 30},232 '
        f'Z" fill="none" stroke="{colour}" stroke-width="6" stroke-linejoin="round"/>',
    ]
    for side, sx in (("right", cx - 44), ("left", cx + 44)):  # their right is the image left
        out = -1 if side == "right" else 1
        if pose.seat_hand == side:
            parts.append(_line(sx, shoulder_y, sx + out * 22, 238, colour))
        elif pose.head_hand == side:
            parts.append(_line(sx, shoulder_y, sx + out * 30, shoulder_y - 40, colour))
        else:
            parts.append(_line(sx, shoulder_y, sx + out * 12, 222, colour))
    neck_x, neck_y = cx, shoulder_y - 4
    hx, hy = _rotate(0, -44 + 10 * pose.nod, pose.roll)
    head_x, head_y = neck_x + hx, neck_y + hy
    parts.append(_line(neck_x, neck_y, neck_x + hx * 0.45, neck_y + hy * 0.45, colour))
    parts.append(f'<circle cx="{head_x:.1f}" cy="{head_y:.1f}" r="24" fill="white" '
                 f'stroke="{colour}" stroke-width="6"/>')
    if pose.back:
        for sign in (-1, 1):
            x = cx + sign * (24 - 10 * pose.squeeze)
            parts.append(f'<ellipse cx="{x:.1f}" cy="{shoulder_y + 26:.1f}" rx="9" ry="16" '
                         f'fill="none" stroke="{colour}" stroke-width="4"/>')
    else:
        for sign in (-1, 1):  # eyes, shifted by the turn, lowered by the nod
            ex, ey = _rotate(sign * 8 + 9 * pose.turn, -4 + 8 * pose.nod, pose.roll)
            parts.append(f'<circle cx="{head_x + ex:.1f}" cy="{head_y + ey:.1f}" r="2.6" '
                         f'fill="{colour}"/>')
        nx, ny = _rotate(13 * pose.turn, 6 + 7 * pose.nod, pose.roll)
        parts.append(f'<circle cx="{head_x + nx:.1f}" cy="{head_y + ny:.1f}" r="2" '
                     f'fill="{colour}"/>')
    if pose.head_hand:
        out = 1 if pose.head_hand == "left" else -1
        tx, ty = _rotate(out * 10, -22, pose.roll)
        parts.append(_line(cx + out * 74, shoulder_y - 40, head_x + tx, head_y + ty, colour))
    return "\n".join(parts)


def side(back: float = 0.0, lean: float = 0.0, arms_up: bool = False, colour: str = DARK,
         door: bool = False) -> str:
    """A person in profile facing right. ``back`` glides the head back (px), ``lean`` tips the
    body forward (degrees) from the hips."""
    hip_x, hip_y = 108, 236
    sx, sy = _rotate(0, -90, lean)
    shoulder = (hip_x + sx, hip_y + sy)
    nx, ny = _rotate(4, -22, lean)
    neck = (shoulder[0] + nx, shoulder[1] + ny)
    head = (neck[0] + 6 - back, neck[1] - 22)
    parts = []
    if door:
        parts.append(f'<rect x="176" y="40" width="12" height="200" fill="{LIGHT}"/>')
    parts.append(_line(hip_x, hip_y, *shoulder, colour))
    parts.append(_line(*shoulder, *neck, colour))
    parts.append(f'<circle cx="{head[0]:.1f}" cy="{head[1]:.1f}" r="24" fill="white" '
                 f'stroke="{colour}" stroke-width="6"/>')
    parts.append(f'<path d="M{head[0] + 22:.1f},{head[1] - 2:.1f} l9,6 l-9,4 Z" '
                 f'fill="{colour}"/>')
    parts.append(f'<circle cx="{head[0] + 10:.1f}" cy="{head[1] - 6:.1f}" r="2.6" '
                 f'fill="{colour}"/>')
    if arms_up:
        elbow = (176.0, shoulder[1])
        parts.append(_line(*shoulder, *elbow, colour))
        parts.append(_line(*elbow, elbow[0], elbow[1] - 44, colour))
    else:
        parts.append(_line(*shoulder, shoulder[0] + 20, shoulder[1] + 66, colour))
    parts.append(_line(hip_x, hip_y, hip_x + 54, hip_y, colour))
    return "\n".join(parts)


def arrow(path: str) -> str:
    return (f'<path d="{path}" fill="none" stroke="{ACCENT}" stroke-width="4" '
            f'marker-end="url(#head)"/>')


def svg(title: str, *layers: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" '
            f'height="{H}" role="img" aria-label="{title}">\n<title>{title}</title>\n'
            '<defs><marker id="head" viewBox="0 0 10 10" refX="6" refY="5" markerWidth="5" '
            f'markerHeight="5" orient="auto"><path d="M0,0 L10,5 L0,10 Z" fill="{ACCENT}"/>'
            f'</marker></defs>\n<rect width="{W}" height="{H}" fill="white"/>\n'
            + "\n".join(layers) + "\n</svg>\n")


def figures() -> dict[str, str]:
    """Every illustration, by file name."""
    return {
        "chin_tuck.svg": svg("Chin tuck: glide the head straight back",
                             side(colour=LIGHT), side(back=12),
                             arrow("M150,62 L128,62")),
        "upper_trapezius_side_bend.svg": svg(
            "Side bend: hold the seat, tip the ear toward the other shoulder",
            front(Front(), LIGHT), front(Front(roll=28, seat_hand="right"), DARK),
            arrow("M100,58 Q140,40 160,78")),
        "levator_scapulae.svg": svg(
            "Levator scapulae: turn 45 degrees, chin toward the collarbone, light hand pressure",
            front(Front(), LIGHT),
            front(Front(roll=14, turn=0.7, nod=0.9, head_hand="left"), DARK),
            arrow("M104,70 Q136,70 146,100")),
        "neck_rotation.svg": svg(
            "Neck rotation: chin level, turn to look over the shoulder",
            front(Front(), LIGHT), front(Front(turn=1.0), DARK),
            arrow("M96,48 Q120,34 146,48")),
        "shoulder_rolls.svg": svg(
            "Shoulder rolls: up, back and down in slow circles",
            front(Front(), LIGHT), front(Front(lift=14), DARK),
            arrow("M176,156 C196,130 150,112 160,150"),
            arrow("M64,156 C44,130 90,112 80,150")),
        "shoulder_blade_squeeze.svg": svg(
            "Shoulder-blade squeeze: draw the blades back and together",
            front(Front(back=True), LIGHT), front(Front(back=True, squeeze=1.0), DARK),
            arrow("M78,176 L102,176"), arrow("M162,176 L138,176")),
        "shoulder_shrugs.svg": svg(
            "Shoulder shrugs: lift toward the ears, hold, let go",
            front(Front(), LIGHT), front(Front(lift=16), DARK),
            arrow("M58,160 L58,128"), arrow("M182,160 L182,128")),
        "doorway_chest_stretch.svg": svg(
            "Doorway chest stretch: forearms on the frame, lean gently through",
            side(colour=LIGHT, arms_up=True, door=True), side(lean=14, arms_up=True),
            arrow("M96,170 Q120,150 134,158")),
    }


def write_figures(folder: Path | None = None) -> list[Path]:
    folder = folder or Path(__file__).parent / "data" / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in figures().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_figures():
        print(written_path)
