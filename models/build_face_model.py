#!/usr/bin/env python3
"""Builds models/face_landmarker.task from the mediapipe 0.10.21 wheel (PyPI) and the
@mediapipe/face_mesh 0.4.1657299874 package (npm).

Google's Tasks-API face landmarker bundle cannot be downloaded here, but its parts are on the
registries: mediapipe 0.10.21 ships the face detector (``face_detection_short_range.tflite``)
and the face mesh network with irises (``face_landmark_with_attention.tflite``) for its legacy
API, and the npm package of the legacy web solution packs the face geometry pipeline's
``geometry_pipeline_metadata_landmarks.binarypb``, which the Tasks API needs for the facial
transformation matrix. A Tasks bundle is a zip holding those three files under fixed names.

One change to a network is needed. The Tasks API reads exactly two outputs from the landmark
network: 478 landmarks as x, y, z, then the face-presence score. The attention network instead
outputs the mesh (468 x, y, z), lips (80 x, y), eyes (71 x, y each), irises (5 x, y each) and the
score separately, and the legacy API merged them in a graph node. This script appends that merge
to the network as six TFLite operations (GATHER and MEAN per eye, CONCATENATION, GATHER), the
way the legacy refinement did it: every mesh point keeps its x, y, z; lip and eye points
overwrite the x, y of their mesh points; the ten iris points (indices 468-477) take their x, y
with z = the mean z of the 16 contour points of their eye. The lip and eye index maps are read
from the network itself (the options of its Landmarks2TransformMatrix operations, which crop
those regions).

Each network then gets TFLite metadata for its image input from the metadata writer of that
same wheel (newer wheels' writer is broken). Zip entries are sorted and get fixed dates, so the
result is byte-for-byte reproducible; its sha256 is recorded in models/README.md.

Usage: python3 models/build_face_model.py
    (needs npm; keeps a venv with mediapipe 0.10.21 in ~/.cache/neckline-build/)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path

# The pip pins make the build venv (and so the flatbuffer serialisation) the same every time.
REQUIREMENTS = ["mediapipe==0.10.21", "flatbuffers==25.12.19"]
NPM_PACKAGE = "@mediapipe/face_mesh@0.4.1657299874"
GEOMETRY = "geometry_pipeline_metadata_landmarks.binarypb"
GEOMETRY_SHA256 = "bdbcda96dfcb7da883da124aaa2c55dee49770d934f0fcc71747f8c21bdc75b4"
OUT = Path(__file__).resolve().parent / "face_landmarker.task"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "neckline-build"
DATE = (2025, 1, 31, 0, 0, 0)
# Bundle entry: (file in the wheel, input normalisation mean and std as in MediaPipe's graphs).
NETWORKS = {
    "face_detector.tflite": ("modules/face_detection/face_detection_short_range.tflite",
                             127.5, 127.5),
    "face_landmarks_detector.tflite": (
        "modules/face_landmark/face_landmark_with_attention.tflite", 0.0, 255.0),
}
# Outputs of the attention network, in the order the legacy graph split them.
MESH, LIPS, LEFT_EYE, RIGHT_EYE = ("output_mesh_identity", "output_lips", "output_left_eye",
                                   "output_right_eye")
LEFT_IRIS, RIGHT_IRIS, SCORE = "output_left_iris", "output_right_iris", "conv_faceflag"
MESH_POINTS, EYE_CONTOUR = 468, 16  # the first 16 points of an eye map are its contour
LEFT_IRIS_FIRST, RIGHT_IRIS_FIRST = 468, 473
# Landmarks2TransformMatrix crops a region around the mesh points it lists in "subset_idxs";
# the first of them tells which region: lips start at 61, the left eye at 33, the right at 263.
REGION_BY_FIRST_INDEX = {61: LIPS, 33: LEFT_EYE, 263: RIGHT_EYE}


def merge_landmark_outputs(model_bytes: bytes) -> bytes:
    """Appends operations assembling the 478 refined landmarks as the network's first output."""
    import numpy as np
    from flatbuffers import Builder, flexbuffers
    from mediapipe.tasks.metadata import schema_py_generated as tfl

    model = tfl.ModelT.InitFromPackedBuf(model_bytes, 0)
    (graph,) = model.subgraphs
    outputs = {graph.tensors[t].name.decode(): int(t) for t in graph.outputs}
    assert set(outputs) == {MESH, LIPS, LEFT_EYE, RIGHT_EYE, LEFT_IRIS, RIGHT_IRIS, SCORE}, outputs

    index_maps: dict[str, list[int]] = {}
    for op in graph.operators:
        if model.operatorCodes[op.opcodeIndex].customCode == b"Landmarks2TransformMatrix":
            subset = [int(i) for i in flexbuffers.Loads(bytes(op.customOptions))["subset_idxs"]]
            index_maps[REGION_BY_FIRST_INDEX[subset[0]]] = subset
    assert sorted(index_maps) == sorted([LIPS, LEFT_EYE, RIGHT_EYE]), index_maps.keys()

    def size(name: str) -> int:
        return int(np.prod(graph.tensors[outputs[name]].shape))

    assert size(MESH) == MESH_POINTS * 3 and size(LEFT_IRIS) == size(RIGHT_IRIS) == 10
    for region, indices in index_maps.items():
        assert size(region) == 2 * len(indices), region

    def opcode(builtin: int) -> int:
        for k, code in enumerate(model.operatorCodes):
            if code.deprecatedBuiltinCode == builtin and not code.customCode:
                return k
        code = tfl.OperatorCodeT()
        code.deprecatedBuiltinCode = code.builtinCode = builtin
        code.version = 1
        model.operatorCodes.append(code)
        return len(model.operatorCodes) - 1

    def tensor(name: str, shape: list[int], dtype: int = tfl.TensorType.FLOAT32,
               data: np.ndarray | None = None) -> int:
        buffer = tfl.BufferT()
        if data is not None:
            buffer.data = np.frombuffer(data.astype("<i4").tobytes(), dtype=np.uint8)
        model.buffers.append(buffer)
        t = tfl.TensorT()
        t.name, t.shape, t.type = name.encode(), np.array(shape, dtype=np.int32), dtype
        t.buffer = len(model.buffers) - 1
        graph.tensors.append(t)
        return len(graph.tensors) - 1

    def constant(name: str, values: list[int]) -> int:
        return tensor(name, [len(values)], tfl.TensorType.INT32, np.array(values))

    def operator(builtin: int, options_type: int, options: object, inputs: list[int],
                 output: int) -> None:
        op = tfl.OperatorT()
        op.opcodeIndex = opcode(builtin)
        op.inputs, op.outputs = np.array(inputs, np.int32), np.array([output], np.int32)
        op.builtinOptionsType, op.builtinOptions = options_type, options
        graph.operators.append(op)

    def gather(name: str, source: int, indices: list[int]) -> int:
        out = tensor(name, [1, 1, 1, len(indices)])
        options = tfl.GatherOptionsT()
        options.axis = 3
        operator(tfl.BuiltinOperator.GATHER, tfl.BuiltinOptions.GatherOptions, options,
                 [source, constant(name + "/indices", indices)], out)
        return out

    # Mean z of each eye's contour: the z of the iris points.
    iris_z = []
    for eye in (LEFT_EYE, RIGHT_EYE):
        contour_z = gather(f"refine/{eye}_contour_z", outputs[MESH],
                           [3 * i + 2 for i in index_maps[eye][:EYE_CONTOUR]])
        mean = tensor(f"refine/{eye}_iris_z", [1, 1, 1, 1])
        options = tfl.ReducerOptionsT()
        options.keepDims = True
        operator(tfl.BuiltinOperator.MEAN, tfl.BuiltinOptions.ReducerOptions, options,
                 [contour_z, constant(f"refine/{eye}_iris_z/axis", [3])], mean)
        iris_z.append(mean)

    # All values side by side in one [1, 1, 1, n] row; `offset` is where each part starts.
    parts = [outputs[name] for name in (MESH, LIPS, LEFT_EYE, RIGHT_EYE, LEFT_IRIS, RIGHT_IRIS)]
    parts += iris_z
    offset, start = {}, 0
    for name in (MESH, LIPS, LEFT_EYE, RIGHT_EYE, LEFT_IRIS, RIGHT_IRIS, "left_z", "right_z"):
        offset[name] = start
        start += size(name) if name in outputs else 1
    row = tensor("refine/all_values", [1, 1, 1, start])
    options = tfl.ConcatenationOptionsT()
    options.axis = 3
    operator(tfl.BuiltinOperator.CONCATENATION, tfl.BuiltinOptions.ConcatenationOptions,
             options, parts, row)

    # Where each of the 478 x 3 output values comes from, later refinements overwriting earlier.
    source = list(range(MESH_POINTS * 3))
    source += [0] * ((MESH_POINTS + 10) * 3 - len(source))
    for region in (LIPS, LEFT_EYE, RIGHT_EYE):
        for j, point in enumerate(index_maps[region]):
            source[3 * point: 3 * point + 2] = [offset[region] + 2 * j, offset[region] + 2 * j + 1]
    for iris, first, z in ((LEFT_IRIS, LEFT_IRIS_FIRST, "left_z"),
                           (RIGHT_IRIS, RIGHT_IRIS_FIRST, "right_z")):
        for j in range(5):
            point = first + j
            source[3 * point: 3 * point + 3] = [offset[iris] + 2 * j, offset[iris] + 2 * j + 1,
                                                offset[z]]
    landmarks = gather("refined_landmarks", row, source)

    graph.outputs = np.array([landmarks, outputs[SCORE]], dtype=np.int32)
    builder = Builder(len(model_bytes) + 65536)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def geometry_metadata(workdir: Path) -> bytes:
    """Cuts the geometry pipeline metadata out of the npm package's packed assets."""
    if shutil.which("npm") is None:
        raise SystemExit(f"npm is needed to fetch {NPM_PACKAGE}")
    subprocess.run(["npm", "pack", "--silent", NPM_PACKAGE], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    (tgz,) = workdir.glob("mediapipe-face_mesh-*.tgz")
    with tarfile.open(tgz) as tar:
        loader = tar.extractfile("package/face_mesh_solution_packed_assets_loader.js")
        packed = tar.extractfile("package/face_mesh_solution_packed_assets.data")
        assert loader is not None and packed is not None
        listing = re.search(r"loadPackage\((\{.*?\})\);", loader.read().decode(), re.S)
        assert listing is not None, "no file listing in the packed-assets loader"
        data = packed.read()
    for entry in json.loads(listing.group(1))["files"]:
        if entry["filename"].endswith("/" + GEOMETRY):
            blob = data[entry["start"]:entry["end"]]
            break
    else:
        raise SystemExit(f"{GEOMETRY} is not in {NPM_PACKAGE}")
    if hashlib.sha256(blob).hexdigest() != GEOMETRY_SHA256:
        raise SystemExit(f"{GEOMETRY} from {NPM_PACKAGE} has an unexpected sha256")
    return blob


def build_inside(geometry_path: Path) -> None:
    """Runs inside the venv that has mediapipe 0.10.21."""
    import mediapipe
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    root = Path(mediapipe.__file__).parent
    entries = {GEOMETRY: geometry_path.read_bytes()}
    for name, (source, mean, std) in NETWORKS.items():
        network = (root / source).read_bytes()
        if name == "face_landmarks_detector.tflite":
            network = merge_landmark_outputs(network)
        writer = metadata_writer.MetadataWriter.create(bytearray(network))
        writer.add_general_info(name.removesuffix(".tflite"), "MediaPipe face mesh model")
        writer.add_image_input(norm_mean=[mean], norm_std=[std])
        model, _ = writer.populate()
        entries[name] = bytes(model)
    with zipfile.ZipFile(OUT, "w", compression=zipfile.ZIP_STORED) as bundle:
        for name in sorted(entries):
            bundle.writestr(zipfile.ZipInfo(name, date_time=DATE), entries[name])
    print(f"{OUT} sha256 {hashlib.sha256(OUT.read_bytes()).hexdigest()}")


def build_venv() -> Path:
    """A venv with mediapipe 0.10.21, kept in the cache folder and reused."""
    env = CACHE / ("venv-" + "-".join(r.replace("==", "-") for r in REQUIREMENTS))
    python = env / "bin" / "python"
    done = env / ".installed"
    if not done.exists():
        shutil.rmtree(env, ignore_errors=True)
        venv.create(env, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
        done.touch()
    return python


def main() -> None:
    if "--inside" in sys.argv:
        build_inside(Path(sys.argv[sys.argv.index("--inside") + 1]))
        return
    python = build_venv()
    with tempfile.TemporaryDirectory(prefix="neckline-model-") as tmp:
        geometry = Path(tmp) / GEOMETRY
        geometry.write_bytes(geometry_metadata(Path(tmp)))
        subprocess.run([str(python), __file__, "--inside", str(geometry)], check=True)


if __name__ == "__main__":
    main()
