#!/usr/bin/env python3
"""CPU of the desktop app next to `neckline analyze`, on the same video at the same rate.

Usage: .venv/bin/python benchmarks/app_cpu.py [--seconds 60]

Makes a 150-second video of a person sitting still (the usual case), then measures:
1. `neckline analyze` at 10 frames per second throughout: CPU seconds per second of video;
2. the app on that video (it plays it in real time, like a camera) with the adaptive rate off,
   so it processes the same 10 frames per second: CPU seconds per wall second, after a warm-up;
3. the app at default settings (the adaptive rate drops to 1 fps after 10 s of steady posture).
The app runs on a real X display: this script starts its own Xvfb (apt-get install xvfb) unless
DISPLAY is set. Figures go to stdout; the README quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from neckline.capture.demo import Person, grace_hopper, write_video

BIN = Path(sys.executable).parent


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def app_cpu(video: Path, env: dict[str, str], config: Path | None, warmup: float,
            seconds: float) -> float:
    command = [str(BIN / "neckline"), "--source", str(video)]
    if config is not None:
        command += ["--config", str(config)]
    app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        time.sleep(warmup)
        c0, t0 = cpu_seconds(app.pid), time.monotonic()
        time.sleep(seconds)
        return (cpu_seconds(app.pid) - c0) / (time.monotonic() - t0)
    finally:
        app.terminate()
        app.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="neckline-cpu-"))
    env = dict(os.environ, XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"))
    env.pop("QT_QPA_PLATFORM", None)
    (home / "data" / "neckline").mkdir(parents=True)
    (home / "data" / "neckline" / "app-state.json").write_text('{"onboarded": true}')
    xvfb = None
    if not env.get("DISPLAY"):
        if shutil.which("Xvfb") is None:
            print("Needs an X display: set DISPLAY or install xvfb.", file=sys.stderr)
            return 2
        xvfb = subprocess.Popen(["Xvfb", ":93", "-screen", "0", "1280x800x24"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env["DISPLAY"] = ":93"
        time.sleep(1)
    try:
        video = write_video(home / "sitting.avi",
                            [(150, [Person(grace_hopper(), 380, (320, 270))])])
        fixed = home / "fixed-rate.toml"
        fixed.write_text("[processing]\nidle_rate_fps = 10.0\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([str(BIN / "neckline"), "analyze", str(video), "--config", str(fixed)],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        analyze = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / 150.0
        app_fixed = app_cpu(video, env, fixed, 10.0, args.seconds)
        app_default = app_cpu(video, env, None, 40.0, args.seconds)
    finally:
        if xvfb is not None:
            xvfb.terminate()
    figures = {
        "analyze_cores": round(analyze, 4),
        "app_same_rate_cores": round(app_fixed, 4),
        "gui_overhead": round(app_fixed / analyze - 1.0, 4),
        "app_default_adaptive_cores": round(app_default, 4),
    }
    print(json.dumps(figures, indent=2))
    print(f"analyze at 10 fps:             {analyze:.1%} of one core per second of video")
    print(f"app at 10 fps (adaptive off):  {app_fixed:.1%} of one core "
          f"(GUI adds {app_fixed / analyze - 1:+.0%})")
    print(f"app at default settings:       {app_default:.1%} of one core (1 fps when steady)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
