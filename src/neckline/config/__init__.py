"""neckline's one typed configuration, and the posture problems it sets rules for.

Every option is declared once (``options``), with its default, allowed range and description;
every fact about a posture problem once (``problems``); ``checks`` refuses bad values. Three
layers are merged, later ones winning: these defaults, the user's file in the platform config
directory, and a file given with ``--config``. ``config/default.toml`` in the repository is
generated from these declarations (``neckline config --defaults``) and a test keeps it in step.

Unknown keys and out-of-range values are refused with a ConfigError naming the key and what is
allowed. Thresholds and dwell times come from ../shared/EVIDENCE.md (sources in the comments).
The bottom stage: it imports nothing of neckline's but ``errors``, and every stage may read it.
"""

from __future__ import annotations

import dataclasses
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from neckline.config.checks import apply_overrides, fmt_number
from neckline.config.files import file_kind, short, write_atomically
from neckline.config.options import (
    AlertsConfig,
    AppConfig,
    BreaksConfig,
    CalibrationConfig,
    CameraConfig,
    Config,
    HistoryConfig,
    MeasuresConfig,
    ProblemRule,
    ProcessingConfig,
    View,
)
from neckline.config.problems import PROBLEMS, REGISTRY, Direction, Problem, problem
from neckline.errors import ConfigError

__all__ = [
    "PROBLEMS",
    "REGISTRY",
    "AlertsConfig",
    "AppConfig",
    "BreaksConfig",
    "CalibrationConfig",
    "CameraConfig",
    "Config",
    "Direction",
    "HistoryConfig",
    "MeasuresConfig",
    "Problem",
    "ProblemRule",
    "ProcessingConfig",
    "View",
    "apply_overrides",
    "default_toml",
    "load_config",
    "overrides",
    "problem",
    "save_user_config",
    "user_config_path",
    "user_data_dir",
]


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir("neckline")) / "config.toml"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("neckline"))


def load_config(extra: Path | None = None, *, use_user_file: bool = True) -> Config:
    """Defaults, then the user's config file, then ``extra``; raises ConfigError on bad input."""
    config = Config()
    files = []
    if use_user_file:
        user = user_config_path()
        kind = _kind(user)
        if kind not in ("file", "missing"):
            raise ConfigError(f"Your config file {user} {kind}; move it aside or make it a "
                              "config file.")
        if kind == "file":
            files.append(user)
    if extra is not None:
        kind = _kind(extra)
        if kind == "missing":
            raise ConfigError(f"Config file {short(str(extra))} does not exist.")
        if kind != "file":
            raise ConfigError(f"Config file {short(str(extra))} {kind}; give a TOML file.")
        files.append(extra)
    for path in files:
        config = apply_overrides(config, _read_toml(path), str(path))
    return config


def _kind(path: Path) -> str:
    """'file', 'missing', or what else ``path`` is, as words after its name."""
    kind = file_kind(path)
    if kind == "folder":
        return "is a folder"
    return "is not a regular file" if kind.startswith("is ") else kind


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"Config file {path} is not valid TOML ({e}).") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"Config file {path} cannot be read ({e}).") from None
    except RecursionError:
        raise ConfigError(f"Config file {path} nests tables or lists too deeply to be a "
                          "neckline config.") from None


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return _toml_string(v)
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _toml_string(text: str) -> str:
    """A TOML basic string that reads back as ``text``: quotes and backslashes escaped, control
    characters (TOML allows none but tab) as \\uXXXX. A lone surrogate (from an undecodable
    file name) has no TOML spelling: ValueError."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"{text!r} is not valid text (an undecodable name)")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def overrides(config: Config) -> dict[str, Any]:
    """The part of ``config`` that differs from the defaults, nested like the TOML file."""

    def diff(obj: Any, default: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value, base = getattr(obj, f.name), getattr(default, f.name)
            if dataclasses.is_dataclass(value):
                nested = diff(value, base)
                if nested:
                    out[f.name] = nested
            elif value != base:
                out[f.name] = value
        return out

    return diff(config, Config())


def save_user_config(config: Config) -> Path:
    """Writes the user's config file with what differs from the defaults."""
    lines = ["# neckline settings (written by the app; see `neckline config --defaults`)."]

    def write(table: dict[str, Any], name: str) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, dict)}
        if scalars:
            lines.append(f"\n[{name}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in scalars.items())
        for key, value in table.items():
            if isinstance(value, dict):
                write(value, f"{name}.{key}")

    path = user_config_path()
    try:
        for section, table in overrides(config).items():
            write(table, section)
    except ValueError as e:
        raise ConfigError(f"Settings cannot be saved: {e}.") from None
    text = "\n".join(lines) + "\n"
    try:
        apply_overrides(Config(), tomllib.loads(text), str(path))
    except (tomllib.TOMLDecodeError, ConfigError) as e:  # never a file the next start refuses
        raise ConfigError(f"Settings were not saved: they would not read back ({e}).") \
            from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda out: out.write(text))
    except OSError as e:
        raise ConfigError(f"Settings cannot be saved to {path} ({e.strerror}).") from None
    return path


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, 96)]


def default_toml() -> str:
    """The documented default config file, generated from the declarations above."""
    lines = ["# neckline default configuration, generated by `neckline config --defaults`.",
             "# Copy any part of it to ~/.config/neckline/config.toml (or pass --config FILE)",
             "# and change it there.", ""]

    def section(obj: Any, name: str) -> None:
        nested: list[tuple[dataclasses.Field[Any], ProblemRule]] = []
        lines.append(f"[{name}]")
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, ProblemRule):
                nested.append((f, value))
                continue
            meta = f.metadata
            rng = ""
            if meta.get("choices"):
                rng = " One of: " + ", ".join(meta["choices"]) + "."
            elif meta.get("lo") is not None:
                rng = f" Range {fmt_number(meta['lo'])} to {fmt_number(meta['hi'])}."
            lines.extend(_comment(f"{meta['description']}{rng}"))
            lines.append(f"{f.name} = {_toml_value(value)}")
        lines.append("")
        for f, rule in nested:
            facts = problem(f.metadata["problem"])
            (lo, hi), unit = facts.threshold_range, facts.threshold_unit
            lines.extend(_comment(f.metadata["description"]))
            lines.append(f"[{name}.{f.name}]")
            lines.append("enabled = " + _toml_value(rule.enabled))
            lines.append(f"# In {unit}, range {fmt_number(lo)} to {fmt_number(hi)}.")
            lines.append(f"threshold = {_toml_value(rule.threshold)}")
            dwell_lo, dwell_hi = facts.dwell_range
            lines.append("# Seconds held continuously before an alert. "
                         f"Range {fmt_number(dwell_lo)} to {fmt_number(dwell_hi)}.")
            lines.append(f"dwell_s = {_toml_value(rule.dwell_s)}")
            lines.append(f"# Hysteresis in {unit}: clears only below threshold minus margin.")
            lines.append(f"margin = {_toml_value(rule.margin)}")
            lines.append("")

    defaults = Config()
    for f in dataclasses.fields(defaults):
        section(getattr(defaults, f.name), f.name)
    return "\n".join(lines).rstrip("\n") + "\n"
