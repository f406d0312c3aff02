"""The ``neckline`` command line.

Expected problems (bad source, bad config, failed calibration, missing model) end with one
sentence on stderr and exit status 2; Ctrl-C ends a live analysis with its summary.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from neckline import __version__
from neckline.commands.output import print_json
from neckline.config import PROBLEMS, Config, apply_overrides, default_toml, load_config
from neckline.config.files import short, write_target
from neckline.errors import NecklineError

if TYPE_CHECKING:
    from neckline.commands.analysis import Analysis
    from neckline.posture.calibration import Calibration

EXIT_USER_ERROR = 2


class UsageError(NecklineError):
    """Options that do not fit together."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neckline",
        description="Posture monitor: head tilt, head down, forward head, uneven shoulders and "
                    "screen distance from a webcam, against your calibrated neutral.")
    parser.add_argument("--version", action="version", version=f"neckline {__version__}")
    parser.add_argument("--source", metavar="PATH|INDEX",
                        help="run the app on a video file, image pattern or camera index "
                             "instead of the configured camera ('demo': a demo video)")
    parser.add_argument("--config", type=Path, metavar="FILE", dest="app_config",
                        help="config file to apply on top (for the app)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                description="Without a command, neckline starts the desktop "
                                            "app.")

    a = sub.add_parser("analyze", help="analyse a video, image sequence or camera",
                       description="Analyse posture in SOURCE: a video file, an image pattern "
                                   "(frames/%04d.png or frames/*.png) or a camera index (0).")
    a.add_argument("source", metavar="SOURCE")
    cal = a.add_mutually_exclusive_group()
    cal.add_argument("--calibrate", type=float, metavar="SECONDS",
                     help="take the neutral posture from the first SECONDS of the source")
    cal.add_argument("--baseline", type=Path, metavar="FILE",
                     help="use a calibration saved earlier (JSON)")
    a.add_argument("--save-baseline", type=Path, metavar="FILE",
                   help="also write the calibration taken with --calibrate to FILE")
    a.add_argument("--view", choices=("front", "side"),
                   help="camera view (overrides camera.view in the config)")
    a.add_argument("--config", type=Path, metavar="FILE", help="config file to apply on top")
    a.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    a.add_argument("--record", action="store_true",
                   help="record the analysis in the history as a session (source time)")
    a.add_argument("--db", type=Path, metavar="PATH", help="history database for --record")

    b = sub.add_parser("bench", help="measure the speed of the model, engine and analysis",
                       description="Milliseconds per frame for the pose model and the whole "
                                   "engine, and the real-time factor of analyze, on SOURCE.")
    b.add_argument("source", metavar="SOURCE")
    b.add_argument("--config", type=Path, metavar="FILE")
    b.add_argument("--frames", type=int, default=200, help="frames for the timing loops")
    b.add_argument("--json", action="store_true")

    d = sub.add_parser("demo", help="make a demo video of a real photo and analyse it",
                       description="Writes a 100-second video made from a public-domain photo "
                                   "(upright, a 70-second tilt, away) and analyses it.")
    d.add_argument("--json", action="store_true")

    s = sub.add_parser("stats", help="posture statistics from the history",
                       description="Summarise the recorded history: the last N days (default "
                                   "7) or a range of dates.")
    rng = s.add_mutually_exclusive_group()
    rng.add_argument("--days", type=int, metavar="N", help="the last N days, today included")
    rng.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD")
    s.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (default "
                   "today)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--db", type=Path, metavar="PATH", help="history database to read")

    e = sub.add_parser("export", help="export the history as CSV or JSON",
                       description="Write the recorded history (per-minute posture, alerts, "
                                   "stretches, sessions) as CSV or JSON, for a range of dates "
                                   "(default: everything).")
    e.add_argument("--format", choices=("csv", "json"), required=True)
    e.add_argument("--from", dest="start", metavar="DATE")
    e.add_argument("--to", dest="end", metavar="DATE")
    e.add_argument("--db", type=Path, metavar="PATH")
    e.add_argument("--output", type=Path, metavar="FILE", help="write here instead of stdout")

    h = sub.add_parser("history", help="manage the recorded history",
                       description="Manage the recorded history: `neckline history delete "
                                   "--before DATE` or `--all` (asks first).")
    hsub = h.add_subparsers(dest="history_command", metavar="ACTION", required=True)
    delete = hsub.add_parser("delete", help="delete recorded history (asks first)")
    which = delete.add_mutually_exclusive_group(required=True)
    which.add_argument("--before", metavar="DATE", help="delete days before DATE")
    which.add_argument("--all", action="store_true", help="delete everything recorded")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.add_argument("--db", type=Path, metavar="PATH")

    st = sub.add_parser("stretches", help="the stretch guide's catalogue",
                        description="List the stretches (for one problem, ranked), or show one.")
    st.add_argument("action", nargs="?", choices=("show",), help="show one stretch")
    st.add_argument("stretch_id", nargs="?", metavar="ID")
    st.add_argument("--problem", choices=PROBLEMS, help="only the stretches for this problem")
    st.add_argument("--json", action="store_true", help="full entries as JSON")

    c = sub.add_parser("config", help="show or check configuration",
                       description="Print the default config file (every option with its "
                                   "meaning and allowed range), or check a config file and "
                                   "list every bad value in it.")
    c.add_argument("--defaults", action="store_true", help="print the default config file")
    c.add_argument("--check", type=Path, metavar="FILE", help="validate a config file")
    return parser


class OutputError(NecklineError):
    """The terminal, file or pipe the output goes to refuses it (a full disk, /dev/full)."""


class _GuardedOutput:
    """stdout, whose write failures (other than a reader that left) become one sentence."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as e:
            raise OutputError(f"The output cannot be written ({e.strerror}).") from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as e:
            raise OutputError(f"The output cannot be written ({e.strerror}).") from None

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _silence_stdout() -> None:
    """Sends what is left in stdout's buffer nowhere, so the flush at exit cannot fail."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # Any text goes out, whatever the encoding: a name that is not UTF-8, or "°" under
        # PYTHONIOENCODING=ascii, is escaped instead of ending the command.
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    real_stdout = sys.stdout
    if real_stdout is not None and not isinstance(real_stdout, _GuardedOutput):
        sys.stdout = _GuardedOutput(real_stdout)
    try:
        code = _main(argv)
        sys.stdout.flush()  # now, where a failure can still be said
        return code
    except OutputError as e:
        _silence_stdout()
        with contextlib.suppress(OSError):
            print(f"neckline: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # `neckline ... | head`: the reader left; not an error
        _silence_stdout()
        return 0
    finally:
        sys.stdout = real_stdout


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        if args.command == "bench":
            from neckline.commands.bench import run_bench

            config = load_config(args.config)
            return run_bench(args.source, config, frames=args.frames, as_json=args.json)
        if args.command == "demo":
            return _demo(args)
        if args.command == "config":
            return _config(args)
        if args.command == "stretches":
            from neckline.commands.stretches import run_stretches

            return run_stretches(args)
        if args.command in ("stats", "export", "history"):
            from neckline.commands.history import run_history_command

            return run_history_command(args)
        from neckline.app.main import run_app

        source = args.source
        if source == "demo":  # no webcam needed to see the app at work
            source = str(_demo_path())
        return run_app(load_config(args.app_config), source)
    except OutputError:
        raise
    except NecklineError as e:
        for line in str(e).splitlines():  # a config file can have several bad values
            print(f"neckline: {line}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


def _config(args: argparse.Namespace) -> int:
    if args.check:
        load_config(args.check, use_user_file=False)
        print(f"{args.check}: valid.")
    else:
        print(default_toml(), end="")
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from neckline.commands.analysis import ended_early_words, summary_text
    from neckline.posture.calibration import load_calibration, save_calibration

    config = load_config(args.config)
    if args.view:
        config = apply_overrides(config, {"camera": {"view": args.view}}, "--view")
    if args.calibrate is not None and not 0 < args.calibrate <= 600:
        raise UsageError("--calibrate takes a number of seconds above 0 and up to 600.")
    if args.save_baseline and args.calibrate is None:
        raise UsageError("--save-baseline needs --calibrate.")
    calibration = None
    if args.baseline:
        calibration = load_calibration(args.baseline)
        if calibration.view != config.camera.view:
            raise UsageError(f"{args.baseline} was taken with a {calibration.view} view but the "
                             f"camera view is {config.camera.view}.")
    if args.db and not args.record:
        raise UsageError("--db goes with --record here.")
    if args.save_baseline is not None:
        try:  # checked before the analysis, not after it
            write_target(args.save_baseline)
        except OSError as e:
            raise UsageError(f"--save-baseline {short(str(args.save_baseline))} cannot be "
                             f"written ({e.strerror}); give a file name.") from None
    result, live, not_recorded = _run_analysis(args.source, config, calibration,
                                               args.calibrate,
                                               record_to=args.db if args.record else None,
                                               record=args.record)
    # The results first: a long analysis is never lost to a baseline that cannot be saved.
    if args.json:
        print_json(result.to_json())
        if result.ended_early is not None:  # the summary says it; with --json, stderr does
            print(f"neckline: {ended_early_words(result.ended_early)}", file=sys.stderr)
    else:
        print(summary_text(result))
    if result.calibration is not None and args.calibrate is not None:
        if args.save_baseline:
            save_calibration(result.calibration, args.save_baseline)
        elif live:  # per camera, for the next run and the app
            save_calibration(dataclasses.replace(result.calibration, camera=result.source))
    if not_recorded is not None:
        raise not_recorded
    return 0


def _run_analysis(source_spec: str, config: Config, calibration: Calibration | None,
                  calibrate_s: float | None, *, record: bool = False,
                  record_to: Path | None = None
                  ) -> tuple[Analysis, bool, NecklineError | None]:
    from neckline.capture.sources import FrameSource, is_camera, open_source
    from neckline.commands.analysis import ProgressBar, analyze
    from neckline.landmarks.detect import PersonDetector
    from neckline.live.adaptive import adaptive_rate
    from neckline.posture.calibration import load_camera_calibration
    from neckline.posture.engine import PostureEngine

    processing = config.processing
    if is_camera(source_spec) and config.camera.lend_to_other_apps:
        from neckline.capture.lending_camera import lending_camera

        # Lent to a video call that opens it, said once on stderr; the analysis goes on after.
        opened: FrameSource = lending_camera(int(source_spec), grace_s=config.camera.lend_grace_s,
                                             say=lambda words: print(words, file=sys.stderr))
    else:
        opened = open_source(source_spec, sequence_fps=processing.sequence_fps)
    with opened as source:
        if calibration is None and calibrate_s is None and source.live:
            calibration = load_camera_calibration(source.name)
        engine = PostureEngine(config, calibration)
        duration = source.duration_s or 0.0
        bar = ProgressBar(duration) if sys.stderr.isatty() and duration > 10 else None
        recording = None
        if record:
            from neckline.history.recorder import SessionRecording

            recording = SessionRecording.start(record_to, source.name, processing.model,
                                               kind="analyze", flush_s=config.history.flush_s)
        try:
            with PersonDetector(processing, config.camera.view) as detector:
                result = analyze(source, detector, engine,
                                 rate_fps=adaptive_rate(config, engine.calibration),
                                 calibrate_s=calibrate_s, progress=bar,
                                 observer=recording.observe if recording else None)
        except BaseException:
            if recording is not None:  # what was recorded is kept; the first failure is said
                with contextlib.suppress(NecklineError):
                    recording.finish()
            raise
        if bar is not None:
            bar.finish()
        not_kept = None
        if recording is not None:
            try:
                recording.finish()
            except NecklineError as e:  # said after the results, which are never lost to it
                not_kept = e
        return result, source.live, not_kept


def _demo_path() -> Path:
    """The demo video, made once into the cache folder; when that cannot be written (read-only,
    full, not a folder), made into a temporary folder removed at exit."""
    import platformdirs

    from neckline.capture.demo import demo_video

    cache = Path(platformdirs.user_cache_dir("neckline"))
    try:
        return demo_video(cache)
    except OSError as e:
        reason = f"{cache} cannot be written ({e.strerror})"
    except NecklineError as e:
        reason = str(e).rstrip(".")
    try:
        folder = Path(tempfile.mkdtemp(prefix="neckline-demo-"))
        atexit.register(shutil.rmtree, folder, True)
        return demo_video(folder)
    except (OSError, NecklineError) as e:
        raise NecklineError(f"The demo video cannot be made: {reason}; nor in a temporary "
                            f"folder ({getattr(e, 'strerror', None) or e}).") from None


def _demo(args: argparse.Namespace) -> int:
    path = _demo_path()
    print(f"Demo video: {path} (Grace Hopper's portrait, upright, then tilted 16 deg for 70 s).",
          file=sys.stderr)
    return _main(["analyze", str(path), "--calibrate", "5", *(["--json"] if args.json else [])])


if __name__ == "__main__":
    sys.exit(main())
