"""Issue 26's third round of attacks on what the command line reads and writes: odd file names,
pipes and endless devices where a file should be, outputs that refuse to be written, files
with values no neckline wrote. Each ends in one sentence (or works), never a crash, a hang or a
changed file that is not neckline's. The commands run in a process of their own where a crash
(signal 11) or a hang would otherwise take the test run with it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neckline.capture.demo import demo_video
from neckline.commands.cli import main

HUGE = "1" + "0" * 400


def run(*args: str, env: dict[str, str] | None = None, stdout: int | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``neckline ARGS`` in a process of its own; a hang fails the test by its timeout."""
    return subprocess.run([sys.executable, "-m", "neckline", *args], capture_output=stdout is None,
                          stdout=stdout, stderr=subprocess.PIPE if stdout is not None else None,
                          text=True, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})


def one_sentence(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neckline: "), proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr) < 600
    return lines[0]


@pytest.mark.parametrize("name", [b"v\xff\xfe.avi", b"%d.avi", b"pct%.avi", b"what?.avi",
                                  b"star*.avi"])
def test_an_existing_video_is_analysed_whatever_its_name(name: bytes, videos: dict[str, Path],
                                                         tmp_path: Path) -> None:
    path = os.path.join(os.fsencode(tmp_path), name)
    shutil.copyfile(videos["nobody"], path)
    proc = run("analyze", os.fsdecode(path), "--json")
    assert proc.returncode == 0, proc.stderr  # was: signal 11, or "No images match"
    assert json.loads(proc.stdout)["frames_analyzed"] > 0


def test_images_with_names_that_are_not_utf8(videos: dict[str, Path], hopper: object,
                                             tmp_path: Path) -> None:
    from neckline.capture._cv2 import cv2

    folder = os.fsencode(tmp_path)
    for i in range(3):
        ok, data = cv2.imencode(".png", hopper)
        assert ok
        with open(os.path.join(folder, b"f\xe9%d.png" % i), "wb") as f:
            f.write(data.tobytes())
    proc = run("analyze", os.fsdecode(os.path.join(folder, b"f\xe9*.png")), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["frames_analyzed"] == 3
    proc = run("analyze", os.fsdecode(os.path.join(folder, b"missing\xff.avi")))
    assert "No such video file" in one_sentence(proc)


@pytest.mark.parametrize("args", [["stats"], ["config", "--defaults"], ["stretches", "--json"],
                                  ["stretches", "show", "chin_tuck"]])
def test_output_to_a_full_device(args: list[str], tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = run(*args, *(["--db", str(tmp_path / "h.db")] if args == ["stats"] else []),
                   stdout=full.fileno())
    assert one_sentence(proc) == ("neckline: The output cannot be written (No space left on "
                                  "device).")


def test_analysis_json_to_a_full_device(videos: dict[str, Path]) -> None:
    with open("/dev/full", "w") as full:
        proc = run("analyze", str(videos["nobody"]), "--json", stdout=full.fileno())
    assert "The output cannot be written" in one_sentence(proc)


@pytest.mark.parametrize("args", [["stretches", "show", "chin_tuck"], ["config", "--defaults"],
                                  ["stretches", "--problem", "head_tilt"]])
def test_a_terminal_that_takes_only_ascii(args: list[str]) -> None:
    proc = run(*args, env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    assert proc.stdout.isascii() and proc.stdout.strip()


def test_models_that_are_a_pipe_or_endless(videos: dict[str, Path], tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    for f in Path(__file__).resolve().parents[2].joinpath("models").glob("*.task"):
        (models / f.name).symlink_to(f)
    (models / "face_landmarker.task").unlink()
    os.mkfifo(models / "face_landmarker.task")
    sentence = one_sentence(run("analyze", str(videos["nobody"]),
                                env={"NECKLINE_MODELS": str(models)}, timeout=60))
    assert "face model" in sentence and "a pipe, not a file" in sentence
    (models / "face_landmarker.task").unlink()
    (models / "face_landmarker.task").symlink_to("/dev/zero")
    sentence = one_sentence(run("analyze", str(videos["nobody"]),
                                env={"NECKLINE_MODELS": str(models)}, timeout=60))
    assert "face model" in sentence and "a device, not a file" in sentence


@pytest.mark.parametrize(("content", "fragment"), [
    (None, "a pipe, not a file"),
    ("/dev/zero", "a device, not a file"),
    ('{"version": 1, "view": "front", "frames": 50, "neutral": {"head_roll": NaN, '
     '"head_pitch": 0}, "noise": {}}', "not a neckline calibration file"),
    ('{"version": 1, "view": "front", "frames": 50, "neutral": {"head_roll": Infinity, '
     '"head_pitch": 0}, "noise": {}}', "not a neckline calibration file"),
    ('{"version": 1, "view": "front", "frames": 50, "neutral": {"head_roll": ' + HUGE
     + ', "head_pitch": 0}, "noise": {}}', "not a neckline calibration file"),
    ('{"version": 1, "view": "front", "frames": ' + HUGE + ', "neutral": {"head_roll": 0, '
     '"head_pitch": 0}, "noise": {}}', "not a neckline calibration file"),
    ("[" * 100000 + "]" * 100000, "not a readable calibration file"),
    ('{"version": [' + "1," * 400000 + '1]}', "unknown version"),
])
def test_a_baseline_that_no_neckline_wrote(content: str | None, fragment: str,
                                           videos: dict[str, Path], tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    if content is None:
        os.mkfifo(baseline)
    elif content.startswith("/dev/"):
        baseline.symlink_to(content)
    else:
        baseline.write_text(content)
    sentence = one_sentence(run("analyze", str(videos["nobody"]), "--baseline", str(baseline),
                                timeout=60))
    assert fragment in sentence


def test_save_baseline_through_a_link_keeps_the_link(videos: dict[str, Path],
                                                     tmp_path: Path) -> None:
    real = tmp_path / "kept" / "neutral.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "neutral.json"
    link.symlink_to(real)
    assert main(["analyze", str(videos["upright"]), "--calibrate", "5", "--save-baseline",
                 str(link)]) == 0
    assert link.is_symlink() and json.loads(real.read_text())["view"] == "front"
    assert sorted(p.name for p in real.parent.iterdir()) == ["neutral.json"]  # no temp left


@pytest.mark.parametrize("damage", ["truncate", "replace", "empty"])
def test_a_damaged_cached_demo_is_made_again(damage: str, tmp_path: Path) -> None:
    path = demo_video(tmp_path)
    good = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(good[: len(good) // 3])
    elif damage == "replace":
        path.write_bytes(good[:-1] + bytes([good[-1] ^ 0xFF]))
    else:
        path.write_bytes(b"")
    assert demo_video(tmp_path).read_bytes() == good


@pytest.mark.parametrize(("content", "fragment"), [
    ('[camera]\nid = 5\n', "'camera.id' must be text in quotes, not 5"),
    ('[app]\ntheme = "' + "x" * 1_000_000 + '"\n', "(1,000,002 characters)"),
    ('[app]\ntheme = [' + "1," * 100_000 + '1]\n', "characters)"),
])
def test_config_sentences_say_what_is_wanted_briefly(content: str, fragment: str,
                                                     tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content)
    assert main(["config", "--check", str(path)]) == 2
    err = capsys.readouterr().err
    assert fragment in err and "must be ," not in err and len(err) < 400, err[:400]


def test_a_recording_of_a_video_whose_name_is_not_utf8(videos: dict[str, Path],
                                                       tmp_path: Path) -> None:
    """The session's camera is the file's name, which SQLite cannot take with lone
    surrogates in it (the app's recorder thread died with a traceback)."""
    path = os.path.join(os.fsencode(tmp_path), b"v\xff.avi")
    shutil.copyfile(videos["nobody"], path)
    db = tmp_path / "h.db"
    proc = run("analyze", os.fsdecode(path), "--record", "--db", str(db))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    import sqlite3

    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT camera FROM sessions").fetchone()[0].endswith(
            "v\ufffd.avi")
