"""The model files neckline ships in ``models/``, verified by checksum before use."""

from __future__ import annotations

import hashlib
import os
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from neckline.config.files import read_file
from neckline.errors import ModelError


@dataclass(frozen=True)
class ModelFile:
    name: str
    filename: str
    sha256: str
    what: str = "pose model"


MODELS = {
    # Official MediaPipe Pose Landmarker lite bundle, float16 v1 (see models/README.md).
    "lite": ModelFile("lite", "pose_landmarker_lite.task",
                      "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a"),
    # Built by models/build_full_model.py from mediapipe 0.10.21's full landmark model.
    "full": ModelFile("full", "pose_landmarker_full.task",
                      "8587255ec4b76cee64b42bbdb6f2bafd13bb716ab805469a41392eecb4d0fe18"),
    # Built by models/build_face_model.py: face mesh with irises and the head-pose metadata.
    "face": ModelFile("face", "face_landmarker.task",
                      "ccfc021ee172dd8bf9acfeabbb4b4cfeee0fcb71ba5027a602542e3f243c0d44",
                      "face model"),
}


MODEL_SIZE_LIMIT = 64_000_000  # the largest shipped model is 9.4 MB


def models_dir() -> Path:
    """``$NECKLINE_MODELS`` if set; else the checkout's ``models/`` folder when running from
    one; else where an installed wheel put them (``<prefix>/share/neckline/models``)."""
    env = os.environ.get("NECKLINE_MODELS")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[3] / "models"
    if (checkout / MODELS["lite"].filename).exists():
        return checkout
    installed = Path(sysconfig.get_path("data")) / "share" / "neckline" / "models"
    return installed if installed.is_dir() else checkout


def load_model(name: str) -> bytes:
    """The model's bytes after checking its sha256; ModelError if missing or damaged."""
    model = MODELS[name]
    path = models_dir() / model.filename
    try:
        data = read_file(path, MODEL_SIZE_LIMIT)
    except FileNotFoundError:
        raise ModelError(f"The {_label(model)} is missing ({path}); "
                         "restore the models/ folder from the neckline repository.") from None
    except OSError as e:
        raise ModelError(f"The {_label(model)} {path} cannot be read ({e.strerror}).") from None
    if hashlib.sha256(data).hexdigest() != model.sha256:
        raise ModelError(f"The {_label(model)} {path} is damaged (checksum mismatch); "
                         "restore it from the neckline repository.")
    return data


def _label(model: ModelFile) -> str:
    """"full pose model", "lite pose model", "face model"."""
    return model.what if model.name == model.what.split()[0] else f"{model.name} {model.what}"
