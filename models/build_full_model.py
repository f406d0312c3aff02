#!/usr/bin/env python3
"""Rebuilds models/pose_landmarker_full.task from the mediapipe 0.10.21 wheel on PyPI.

Google's Tasks-API bundle of the full pose model cannot be downloaded here, but mediapipe
0.10.21 ships the same networks for its legacy API (``pose_detection.tflite`` and
``pose_landmark_full.tflite``). A Tasks bundle is a zip of the two with TFLite metadata
describing each image input, which this script writes with the metadata writer of that same
wheel (newer wheels' writer is broken). Zip entries get fixed dates, so the result is
byte-for-byte reproducible; its sha256 is recorded in src/neckline/landmarks/models.py and
models/README.md.

Usage: python3 models/build_full_model.py        (makes a throwaway venv under /tmp)
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

MEDIAPIPE = "mediapipe==0.10.21"
OUT = Path(__file__).resolve().parent / "pose_landmarker_full.task"
# Input normalisation of each network, as in MediaPipe's own pose graphs.
PARTS = {
    "pose_detector.tflite": ("modules/pose_detection/pose_detection.tflite", 127.5, 127.5),
    "pose_landmarks_detector.tflite": ("modules/pose_landmark/pose_landmark_full.tflite",
                                       0.0, 255.0),
}


def build_inside() -> None:
    """Runs inside the venv that has mediapipe 0.10.21."""
    import mediapipe
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    root = Path(mediapipe.__file__).parent
    with zipfile.ZipFile(OUT, "w", compression=zipfile.ZIP_STORED) as bundle:
        for name, (source, mean, std) in PARTS.items():
            writer = metadata_writer.MetadataWriter.create(bytearray((root / source).read_bytes()))
            writer.add_general_info(name.removesuffix(".tflite"), "MediaPipe pose model")
            writer.add_image_input(norm_mean=[mean], norm_std=[std])
            model, _ = writer.populate()
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 31, 0, 0, 0))
            bundle.writestr(info, bytes(model))
    print(f"{OUT} sha256 {hashlib.sha256(OUT.read_bytes()).hexdigest()}")


def main() -> None:
    if "--inside" in sys.argv:
        build_inside()
        return
    with tempfile.TemporaryDirectory(prefix="neckline-model-") as tmp:
        env = Path(tmp) / "venv"
        venv.create(env, with_pip=True)
        python = str(env / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "-q", MEDIAPIPE], check=True)
        subprocess.run([python, __file__, "--inside"], check=True)


if __name__ == "__main__":
    main()
