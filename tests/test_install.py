"""Installable like an app: a wheel built from the checkout, installed into a fresh venv, run
from another folder with nothing of the checkout in reach."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with neckline installed from a wheel of this checkout; the heavy dependencies
    (MediaPipe, PyQt6, OpenCV: the same pinned versions) are lent from the test environment by
    a path entry, so the test needs no download of them."""
    work = tmp_path_factory.mktemp("install")
    source = work / "checkout"  # a copy: building writes build/ and *.egg-info beside the code
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "models", source / "models")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                            str(work / "dist"), str(source)], capture_output=True, text=True,
                           check=False)
    assert build.returncode == 0, build.stderr
    (wheel,) = (work / "dist").glob("neckline-*.whl")
    venv = work / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                           str(wheel)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path("
                           "'purelib'))"], capture_output=True, text=True, check=True)
    (Path(site.stdout.strip()) / "_lent_dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return venv


def _away_from_the_checkout() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NECKLINE_MODELS")}
    return env


def test_the_wheel_carries_the_models_figures_and_icon(installed: Path) -> None:
    (wheel,) = (installed.parent / "dist").glob("neckline-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for model in ("pose_landmarker_lite.task", "pose_landmarker_full.task",
                  "face_landmarker.task"):
        assert f"neckline-0.1.0.data/data/share/neckline/models/{model}" in names
    assert "neckline/stretches/data/stretches.toml" in names
    assert "neckline/app/neckline.svg" in names
    assert "neckline/stretches/data/figures/chin_tuck.svg" in names


@pytest.mark.slow
def test_the_installed_neckline_analyses_a_clip_from_another_folder(
        installed: Path, videos: dict[str, Path]) -> None:
    env = _away_from_the_checkout()
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "import neckline, neckline.landmarks.models as m; print(neckline.__file__); "
         "print(m.models_dir())"],
        cwd="/", env=env, capture_output=True, text=True, check=True).stdout.split()
    assert where[0].startswith(str(installed)) and where[1].startswith(str(installed))
    assert not where[1].startswith(str(ROOT))
    run = subprocess.run([str(installed / "bin" / "neckline"), "analyze",
                          str(videos["held_tilt"]), "--calibrate", "5", "--json"],
                         cwd="/", env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert "head_tilt" in [a["problem"] for a in result["alerts"]]
    stretches = subprocess.run([str(installed / "bin" / "neckline"), "stretches", "show",
                                "chin_tuck"], cwd="/", env=env, capture_output=True,
                               text=True, check=False)
    assert stretches.returncode == 0 and "Chin tuck" in stretches.stdout
