"""Every error path of the CLI and config: one sentence on stderr, exit status 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from neckline.commands.cli import main
from neckline.config import Config
from neckline.landmarks.models import MODELS, models_dir

NECKLINE = str(Path(sys.executable).parent / "neckline")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    err = capsys.readouterr().err
    return code, err


def assert_one_sentence(err: str, fragment: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("neckline: ") and fragment in lines[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize("args, fragment", [
    (["analyze", "/nonexistent/video.mp4"], "No such video file"),
    (["analyze", "9"], "No camera found at index 9"),
    (["analyze", "/tmp/nothing_here_*.png"], "No images match"),
    (["analyze", "x.avi", "--save-baseline", "b.json"], "--save-baseline needs --calibrate"),
    (["analyze", "x.avi", "--calibrate", "0"], "--calibrate takes a number of seconds"),
    (["analyze", "x.avi", "--baseline", "/nonexistent.json"], "No calibration file"),
    (["analyze", "x.avi", "--config", "/nonexistent.toml"], "does not exist"),
    (["config", "--check", "/nonexistent.toml"], "does not exist"),
])
def test_error_paths(capsys: pytest.CaptureFixture[str], args: list[str], fragment: str) -> None:
    code, err = run_cli(capsys, *args)
    assert code == 2
    assert_one_sentence(err, fragment)


def test_corrupt_video(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(os.urandom(20000))
    code, err = run_cli(capsys, "analyze", str(bad))
    assert code == 2
    assert_one_sentence(err, "broken.mp4")


def test_truncated_video_still_analyses_what_is_there(videos: dict[str, Path], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    cut = tmp_path / "cut.avi"
    cut.write_bytes(videos["nobody"].read_bytes()[: 60000])
    assert main(["analyze", str(cut), "--json"]) == 0
    out, err = capsys.readouterr()
    assert '"frames_analyzed"' in out
    # ... and says that it is only part: not a word used to be said.
    read, claimed = json.loads(out)["ended_early_s"]
    assert 0 < read < claimed
    assert "stopped decoding" in err and "truncated or damaged" in err
    assert main(["analyze", str(cut)]) == 0
    assert "stopped decoding at" in capsys.readouterr().out
    # A whole file says nothing of the kind.
    assert main(["analyze", str(videos["nobody"])]) == 0
    assert "stopped decoding" not in capsys.readouterr().out


@pytest.mark.parametrize("content, fragment", [
    ("[processing]\nrate = 5\n", "unknown key 'processing.rate'"),
    ("[alerts.head_tilt]\nthreshold = 100\n", "allowed 2 to 45 degrees"),
    ("[camera\n", "is not valid TOML"),
])
def test_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str,
                    fragment: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(content)
    code, err = run_cli(capsys, "analyze", "x.avi", "--config", str(config))
    assert code == 2
    assert_one_sentence(err, fragment)
    code, err = run_cli(capsys, "config", "--check", str(config))
    assert code == 2


def test_calibration_with_nobody_in_view(videos: dict[str, Path],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_cli(capsys, "analyze", str(videos["nobody"]), "--calibrate", "3")
    assert code == 2
    assert_one_sentence(err, "no person was in view")


def test_damaged_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_text("{")
    code, err = run_cli(capsys, "analyze", "x.avi", "--baseline", str(baseline))
    assert code == 2
    assert_one_sentence(err, "not a readable calibration file")


@pytest.mark.parametrize("damage, fragment", [("missing", "is missing"),
                                              ("damaged", "is damaged")])
def test_missing_or_damaged_model(videos: dict[str, Path], tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str], damage: str,
                                  fragment: str) -> None:
    if damage == "damaged":
        name = MODELS[Config().processing.model].filename
        shutil.copy(models_dir() / name, tmp_path / name)
        with (tmp_path / name).open("r+b") as f:
            f.seek(1000)
            f.write(b"\xff\x00\xff")
    monkeypatch.setenv("NECKLINE_MODELS", str(tmp_path))
    code, err = run_cli(capsys, "analyze", str(videos["nobody"]))
    assert code == 2
    assert_one_sentence(err, fragment)


def test_installed_command_reports_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "x.avi"
    bad.write_bytes(b"RIFF....AVI garbage")
    proc = subprocess.run([NECKLINE, "analyze", str(bad)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert_one_sentence(proc.stderr, "x.avi")


def test_config_defaults_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--defaults"]) == 0
    text = capsys.readouterr().out
    good = tmp_path / "good.toml"
    good.write_text(text)
    assert main(["config", "--check", str(good)]) == 0
    assert "valid" in capsys.readouterr().out


def test_config_check_lists_every_bad_value(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[alerts.head_tilt]\nthreshold = 500\n[app]\nquiet_hours_start = 'noon'\n"
                   "[camera]\nbogus = 1\n")
    code, err = run_cli(capsys, "config", "--check", str(bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3, err
    assert all(line.startswith("neckline: ") for line in lines)
    assert "alerts.head_tilt.threshold" in err and "quiet_hours_start" in err \
        and "camera.bogus" in err
    assert "Traceback" not in err


def test_a_clip_shorter_than_the_calibration_says_so(videos: dict[str, Path],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_cli(capsys, "analyze", str(videos["nobody"]), "--calibrate", "30")
    assert code == 2
    assert_one_sentence(err, "before the 30 s calibration finished")


def test_stretches_show_without_an_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_cli(capsys, "stretches", "show")
    assert code == 2
    assert_one_sentence(err, "Say which stretch to show")
    assert "None" not in err


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("analyze", "export", "history", "config"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert "%%" not in out
        description = out.split("\n\n")[1]
        assert not description.startswith(("positional", "options")), (command, out)
