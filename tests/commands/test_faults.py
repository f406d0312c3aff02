"""Bad input a user (or an attacker) can feed the command line: each ends in one sentence on
stderr and exit status 2, never a traceback or a hang (issue 11's list)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from neckline.commands.cli import main

LONG = "a" * 300  # over the 255 bytes a file name may have


def one_sentence(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neckline: "), err
    assert "Traceback" not in err and len(err) < 600, err
    return lines[0]


def test_a_pipe_as_the_video_or_among_the_images(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "video.avi"
    os.mkfifo(fifo)
    assert "is a pipe" in one_sentence(capsys, "analyze", str(fifo))
    (tmp_path / "frames").mkdir()
    (tmp_path / "frames" / "a.png").write_bytes(b"")
    os.mkfifo(tmp_path / "frames" / "b.png")
    assert "is a pipe" in one_sentence(capsys, "analyze", str(tmp_path / "frames" / "*.png"))


@pytest.mark.parametrize("args", [
    ["analyze", f"{LONG}.avi"],
    ["analyze", "x.avi", "--config", f"{LONG}.toml"],
    ["config", "--check", f"{LONG}.toml"],
])
def test_a_file_name_too_long(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert "File name too long" in one_sentence(capsys, *args)


@pytest.mark.parametrize(("pattern", "fragment"), [
    ("%0999999999999999999d.png", "width up to 9"),
    ("/x/%.0999999999d", "not a valid image pattern"),
    ("frames/%d_%d.png", "not a valid image pattern"),
])
def test_absurd_image_patterns(pattern: str, fragment: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert fragment in one_sentence(capsys, "analyze", pattern)


@pytest.mark.parametrize("args", [["stats", "--days", "1000000"],
                                  ["stats", "--to", "0001-01-01", "--days", "2"]])
def test_a_range_before_the_year_one(args: list[str], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert "before the year 1" in one_sentence(capsys, *args, "--db", str(tmp_path / "h.db"))


@pytest.mark.parametrize(("content", "fragment"), [
    ("[alerts.head_tilt]\nthreshold = " + "9" * 400 + "\n", "400 digits long is too large"),
    ("x = " + "[" * 3000 + "]" * 3000 + "\n", "nests tables or lists too deeply"),
    ("[alerts.head_tilt]\nthreshold = nan\n", "must be a finite number, not nan"),
    ("[measures]\nhead_breadth_cm = inf\n", "must be a finite number"),
])
def test_config_values_that_used_to_crash(content: str, fragment: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content)
    assert fragment in one_sentence(capsys, "config", "--check", str(path))


def test_a_folder_or_device_as_the_config(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert "is a folder" in one_sentence(capsys, "config", "--check", str(tmp_path))
    assert "is not a regular file" in one_sentence(capsys, "config", "--check", "/dev/null")


def test_an_empty_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert "No source given" in one_sentence(capsys, "analyze", "")


def test_a_database_under_a_regular_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("mine")
    sentence = one_sentence(capsys, "stats", "--db", str(blocker / "h.db"))
    assert "cannot be made" in sentence
    assert blocker.read_text() == "mine"  # nothing of the user's touched


def test_a_user_config_that_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "neckline" / "config.toml").mkdir(parents=True)
    sentence = one_sentence(capsys, "analyze", "x.avi")
    assert "Your config file" in sentence and "is a folder" in sentence


def test_save_baseline_refuses_a_device_before_analysing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sentence = one_sentence(capsys, "analyze", str(tmp_path / "x.avi"), "--calibrate", "5",
                            "--save-baseline", "/dev/full")
    assert "it is a device, not a file" in sentence
    assert Path("/dev/full").is_char_device()  # still the device it was


def test_results_come_before_a_baseline_that_cannot_be_saved(
        videos: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"  # a file where the baseline's folder should be: even root
    blocker.write_text("mine")    # cannot save there
    code = main(["analyze", str(videos["upright"]), "--calibrate", "5", "--save-baseline",
                 str(blocker / "b.json")])
    out, err = capsys.readouterr()
    assert code == 2 and "Good posture" in out and "cannot be saved" in err, (out, err)
    assert blocker.read_text() == "mine"


def test_the_app_on_a_display_with_no_x_server(tmp_path: Path) -> None:
    from neckline.app.main import x_server_answers

    number = next(n for n in range(60, 200) if not x_server_answers(f":{n}"))
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM",
                                                           "WAYLAND_DISPLAY")}
    env.update(DISPLAY=f":{number}", XDG_DATA_HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "neckline", "--source", "x.avi"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr  # not SIGABRT (-6)
    assert proc.stderr.strip() == (f"neckline: No X server answers on DISPLAY=:{number}; start "
                                   "neckline from your desktop session, or use `neckline "
                                   "analyze` in a terminal.")


def test_record_on_a_database_held_throughout_says_so(videos: dict[str, Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    import sqlite3

    from neckline.history import recorder

    monkeypatch.setattr(recorder, "START_WAIT_S", 1.0)  # the real wait is 20 s
    path = tmp_path / "h.db"
    assert main(["stats", "--db", str(path)]) == 0
    capsys.readouterr()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        sentence = one_sentence(capsys, "analyze", str(videos["nobody"]), "--record", "--db",
                                str(path))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "Recording did not start" in sentence and "locked" in sentence
