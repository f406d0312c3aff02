"""The validation set's quick subset runs from the checkout and scores what it should.

It renders real photos posed in 3D, runs each clip through ``neckline analyze`` and prints the
confusion matrix. These assertions hold the instrument itself to account: every clip reaches a
verdict, the renders show the rotation they claim (checked by the face model), and a posture
neckline already measures well (a held head roll) is scored as a hit in its window. How many
postures neckline gets right is the set's output, reported in the README, not asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from neckline.config import PROBLEMS

ROOT = Path(__file__).resolve().parents[1]


def test_quick_validation_scores_every_clip(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "validation.py"), "--quick",
         "--cache", str(tmp_path / "clips"), "--report", str(report)],
        cwd=tmp_path, capture_output=True, text=True, timeout=1500, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    header = next(line for line in proc.stdout.splitlines()
                  if line.startswith("posture shown"))
    assert all(problem in header for problem in PROBLEMS)
    assert "Measure errors" in proc.stdout

    data = json.loads(report.read_text())
    clips = {c["name"]: c for c in data["clips"]}
    assert len(clips) >= 10
    for clip in clips.values():
        # analyze either judged the clip or refused it with one sentence (e.g. calibration)
        assert clip["error"] is None or clip["error"].startswith("neckline: "), clip
        if clip["error"] is None and clip["truth"]:
            assert clip["measured"], clip["name"]
    for name in ("astronaut/roll-20", "hopper/roll-20"):
        assert "head_tilt" in clips[name]["hits"], clips[name]
        assert clips[name]["measured"]["head_tilt"] < -5  # the roll's sign reaches the output
    checks = data["render_checks"]
    assert {(c["person"], c["axis"]) for c in checks} >= {("astronaut", "pitch"),
                                                          ("hopper", "roll")}
    for check in checks:
        if check["axis"] in ("pitch", "roll"):
            assert check["passed"], check
