"""MediaPipe's canonical face, read from the Face Landmarker bundle's geometry metadata."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np

MODELS = Path(__file__).resolve().parents[2] / "models"


@cache
def canonical_face() -> np.ndarray:
    """MediaPipe's canonical face (468 points, cm) in camera axes (x right, y down, z away),
    read from the geometry metadata inside the Face Landmarker bundle (a protobuf: field 1 is
    the mesh, whose field 3 holds the vertex buffer, 5 floats a vertex: x, y, z, u, v)."""
    with zipfile.ZipFile(MODELS / "face_landmarker.task") as bundle:
        data = bundle.read("geometry_pipeline_metadata_landmarks.binarypb")
    mesh = _field(data, 1)
    vertices = np.array(_floats(mesh, 3), dtype=np.float64).reshape(-1, 5)[:, :3]
    return np.asarray(vertices * np.array([1.0, -1.0, -1.0]), dtype=np.float64)


def _fields(message: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(field number, wire type, payload) of each field of a protobuf message."""
    i = 0
    while i < len(message):
        key, i = _varint(message, i)
        number, kind = key >> 3, key & 7
        if kind == 0:
            start = i
            _, i = _varint(message, i)
        elif kind in (1, 5):
            start = i
            i += 8 if kind == 1 else 4
        elif kind == 2:
            length, start = _varint(message, i)
            i = start + length
        else:
            raise ValueError(f"unexpected protobuf wire type {kind}")
        yield number, kind, message[start:i]


def _floats(message: bytes, number: int) -> list[float]:
    """Every float of repeated field ``number``, packed or one by one."""
    out: list[float] = []
    for n, kind, payload in _fields(message):
        if n == number and kind in (2, 5):
            out.extend(np.frombuffer(payload, dtype="<f4").tolist())
    return out


def _field(message: bytes, number: int) -> bytes:
    """The first length-delimited field ``number`` of a protobuf message."""
    for n, kind, payload in _fields(message):
        if n == number and kind == 2:
            return payload
    raise KeyError(number)


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i
