"""How quickly the monitor lends its camera to a video call, on the stand-in camera.

    .venv/bin/python benchmarks/lending.py              # 20 rounds for each setup time
    .venv/bin/python benchmarks/lending.py --rounds 50 --setup-ms 0 --no-model

The real monitor runs on the stand-in camera of the tests (tests/standin.py: a real file held
open as V4L2 holds /dev/videoN, read at every frame, frames from a video of a real photo) with
the real models, so the loop is busy as at a desk. In each round a second process, the call
(tests/holder.py), opens the "device", records time.monotonic() right after its open(), waits
SETUP ms (a program's setup before it streams: capabilities, formats) and tries to start
streaming; the stand-in's streaming is an exclusive flock on the file, as only one program may
stream from a V4L2 camera. The monitor's side records time.monotonic() right after its
descriptor to the device was closed; both are the same CLOCK_MONOTONIC.

Printed per setup time: the release delay (close minus open) over the rounds, median and max;
in how many rounds the call's first try found the camera still held by neckline; and how long
after its open the call could stream. Then the call closes, the grace passes, the monitor takes
the camera back and analyses a few frames before the next round.

What a real camera adds, which a file cannot show: OpenCV's cap.release() on a V4L2 device
(VIDIOC_STREAMOFF, unmapping the buffers, close), which runs under the same lock as the frame
read, so a read under way (up to a frame period, 33 ms at 30 fps) is waited for.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from monitoring import Recorder  # noqa: E402
from neckline.capture.demo import Person, grace_hopper, write_video  # noqa: E402
from neckline.capture.holders import holders  # noqa: E402
from neckline.config import Config  # noqa: E402
from neckline.live import monitor as monitor_module  # noqa: E402
from neckline.live.monitor import Monitor  # noqa: E402
from standin import Holder, StandInCamera  # noqa: E402

GRACE_S = 0.3  # shorter than a user may set (1 s): rounds come quicker, nothing else changes


class NoModel:
    def detect(self, image: np.ndarray, t: float) -> tuple[list[object], list[object]]:
        return [], []

    def close(self) -> None:
        pass


def rounds(folder: Path, setup_s: float, count: int, *, model: bool) -> None:
    device = folder / f"video-{round(setup_s * 1000)}"
    device.write_bytes(b"\0" * 16)
    clip = folder / "clip.avi"
    if not clip.exists():
        write_video(clip, [(4, [Person(grace_hopper(), 380, (320, 270))])])
    opened: list[StandInCamera] = []

    def camera(spec: str, *, sequence_fps: float = 10.0) -> StandInCamera:
        opened.append(StandInCamera(device, clip))
        return opened[-1]

    if not model:
        monitor_module._make_detector = lambda config: NoModel()  # type: ignore[assignment,return-value]
    config = Config()
    config = dataclasses.replace(config, camera=dataclasses.replace(config.camera,
                                                                    lend_grace_s=GRACE_S))
    rec = Recorder()
    monitor = Monitor(config, "0", rec, open_source=camera)
    worker = threading.Thread(target=monitor.run, daemon=True)
    worker.start()
    call = Holder(device, "benchmark-call")
    delays, busy, streaming = [], 0, []
    try:
        for _ in range(count):
            rec.wait_for(lambda: bool(rec.statuses) and rec.statuses[-1].kind == "running"
                         and bool(opened) and opened[-1].reads >= 5, timeout=60)
            before = len(opened)
            answer = call.stream(setup_s)
            source = opened[-1]
            deadline = time.monotonic() + 5
            while source.closed_at is None and time.monotonic() < deadline:
                time.sleep(0.001)
            assert source.closed_at is not None, "the camera was not released"
            assert isinstance(answer["opened"], float)
            delays.append(source.closed_at - answer["opened"])
            busy += bool(answer["busy"])
            if isinstance(answer["streaming"], float):
                streaming.append(answer["streaming"] - answer["opened"])
            rec.wait_for(lambda: rec.statuses[-1].kind == "lent" and bool(
                rec.statuses[-1].message), timeout=30)
            call.close()
            rec.wait_for(lambda n=before + 1: len(opened) == n, timeout=30)
    finally:
        call.end()
        monitor.stop()
        worker.join(15)
    ms = [d * 1000 for d in delays]
    print(f"setup {setup_s * 1000:4.0f} ms: release delay over {count} rounds: median "
          f"{statistics.median(ms):.1f} ms, max {max(ms):.1f} ms; the call found the camera "
          f"still held at its first try in {busy} of {count}; it could stream after median "
          f"{statistics.median(streaming) * 1000:.1f} ms, max {max(streaming) * 1000:.1f} ms "
          f"(in {len(streaming)} of {count})")


def scan_cost() -> None:
    """What a /proc scan for holders costs here (the release does not wait for one)."""
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    fds = 0
    for pid in pids:
        try:
            fds += len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            continue
    times = []
    for _ in range(5):
        start = time.perf_counter()
        holders("/dev/null")
        times.append(time.perf_counter() - start)
    print(f"a /proc scan for holders here: {len(pids)} processes, {fds} descriptors, median "
          f"{statistics.median(times) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--setup-ms", type=float, nargs="*", default=[0.0, 10.0, 50.0])
    parser.add_argument("--no-model", action="store_true",
                        help="no pose or face model in the loop (a quiet loop)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; models {'off' if args.no_model else 'on'}")
    scan_cost()
    with tempfile.TemporaryDirectory(prefix="neckline-lending-") as folder:
        for setup_ms in args.setup_ms:
            rounds(Path(folder), setup_ms / 1000, args.rounds, model=not args.no_model)


if __name__ == "__main__":
    main()
