"""``neckline bench SOURCE``: where the time goes, on this machine, for one source.

1. decode: reading and skipping frames of the source at the processing rate, per analysed frame;
2. models: the pose model and the face model each alone (colour conversion + MediaPipe), per
   frame;
3. engine: everything neckline does with the landmarks (choosing the user, head and body
   geometry, smoothing, alert rules), replayed on the landmarks from step 2, per frame;
4. analyze: the whole ``neckline analyze`` loop at default settings (the pose model at its own
   lower rate, the adaptive rate), as wall time and CPU time per second of source time, and its
   real-time factor (source seconds per wall second).
"""

from __future__ import annotations

import resource
import statistics
import time
from typing import Any

from neckline.capture.sources import Frame, open_source
from neckline.commands.analysis import analyze
from neckline.commands.output import print_json
from neckline.config import Config
from neckline.errors import SourceError
from neckline.landmarks.body import Body
from neckline.landmarks.detect import PersonDetector
from neckline.landmarks.face import FaceDetector
from neckline.landmarks.head import Face
from neckline.landmarks.pose import PoseDetector
from neckline.live.adaptive import adaptive_rate
from neckline.posture.engine import PostureEngine


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median": round(1000 * statistics.median(ordered), 3),
            "p90": round(1000 * ordered[int(0.9 * (len(ordered) - 1))], 3),
            "mean": round(1000 * statistics.fmean(ordered), 3)}


def measure(source_spec: str, config: Config, frames: int = 200) -> dict[str, Any]:
    p = config.processing
    rate = p.rate_fps
    # 1. decoding at the processing rate
    decoded: list[Frame] = []
    with open_source(source_spec, sequence_fps=p.sequence_fps) as source:
        it = source.sampled(rate)
        decode_times = []
        while len(decoded) < frames:
            t0 = time.perf_counter()
            frame = next(it, None)
            decode_times.append(time.perf_counter() - t0)
            if frame is None:
                break
            decoded.append(frame)
    if not decoded:
        raise SourceError(f"{source_spec} has no frames to time.")
    # 2. each model alone
    bodies: list[list[Body]] = []
    model_times = []
    with PoseDetector(p.model, p.max_people, p.visibility_floor) as detector:
        for frame in decoded:
            t0 = time.perf_counter()
            bodies.append(detector.detect(frame.image, frame.t))
            model_times.append(time.perf_counter() - t0)
    faces: list[list[Face] | None] = [None] * len(decoded)
    face_times = []
    if p.head_model == "face" and config.camera.view == "front":
        face_detector = FaceDetector()
        try:
            for i, frame in enumerate(decoded):
                t0 = time.perf_counter()
                faces[i] = face_detector.detect(frame.image, frame.t)
                face_times.append(time.perf_counter() - t0)
        finally:
            face_detector.close()
    # 3. the engine on those landmarks (calibrated on the first 3 s, as analyze would be)
    engine = PostureEngine(config)
    engine.start_calibration(3.0)
    engine_times = []
    for frame, found, face in zip(decoded, bodies, faces, strict=True):
        t0 = time.perf_counter()
        # A source with nobody in it fails calibration: the rest is timed uncalibrated.
        engine.update(frame.t, found, face)
        engine_times.append(time.perf_counter() - t0)
    # 4. the whole analysis
    with open_source(source_spec, sequence_fps=p.sequence_fps) as source, \
            PersonDetector(p, config.camera.view) as both:
        wall0, cpu0 = time.perf_counter(), time.process_time()
        engine = PostureEngine(config)
        result = analyze(source, both, engine, rate_fps=adaptive_rate(config, engine.calibration),
                         calibrate_s=5.0)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    model_ms = _ms(model_times)["median"] + (_ms(face_times)["median"] if face_times else 0.0)
    engine_ms = _ms(engine_times)["median"]
    decode_ms = _ms(decode_times[:len(decoded)])["median"]
    return {
        "source": source_spec, "model": p.model, "max_people": p.max_people, "rate_fps": rate,
        "frames_timed": len(decoded),
        "decode_ms": _ms(decode_times[:len(decoded)]),
        "pose_model_ms": _ms(model_times),
        "face_model_ms": _ms(face_times) if face_times else None,
        "engine_ms": _ms(engine_times),
        "engine_share_of_model": round(engine_ms / model_ms, 4),
        "engine_and_decode_share_of_model": round((engine_ms + decode_ms) / model_ms, 4),
        "analyze": {"source_s": round(result.duration_s, 2), "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "realtime_factor": round(result.duration_s / wall, 2),
                    "frames_analyzed": result.frames_analyzed,
                    "cpu_per_source_s": round(cpu / result.duration_s, 4)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run_bench(source_spec: str, config: Config, *, frames: int, as_json: bool) -> int:
    figures = measure(source_spec, config, frames)
    if as_json:
        print_json(figures, indent=2)
        return 0
    a = figures["analyze"]
    print(f"Source {figures['source']}, model {figures['model']}, {figures['rate_fps']:g} fps, "
          f"{figures['frames_timed']} frames timed")
    print(f"  decode + skip      {figures['decode_ms']['median']:8.2f} ms per analysed frame")
    print(f"  pose model         {figures['pose_model_ms']['median']:8.2f} ms per frame "
          f"(p90 {figures['pose_model_ms']['p90']:.2f})")
    if figures["face_model_ms"]:
        print(f"  face model         {figures['face_model_ms']['median']:8.2f} ms per frame "
              f"(p90 {figures['face_model_ms']['p90']:.2f})")
    print(f"  engine             {figures['engine_ms']['median']:8.3f} ms per frame "
          f"= {figures['engine_share_of_model']:.1%} of the models "
          f"({figures['engine_and_decode_share_of_model']:.1%} with decoding)")
    print(f"  analyze            {a['source_s']:.0f} s of video in {a['wall_s']:.1f} s: "
          f"{a['realtime_factor']:.1f}x real time, {a['cpu_per_source_s']:.3f} CPU-s per "
          f"second of video ({a['frames_analyzed']} frames analysed, calibrated on the first "
          "5 s, default settings)")
    print(f"  peak memory        {figures['peak_rss_mb']:.0f} MB")
    return 0
