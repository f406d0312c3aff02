"""Checking a config file's values against the declarations: every bad value becomes a sentence
naming the key, the file and what is allowed (ConfigError.problems lists them all)."""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from neckline.config.options import Config
from neckline.config.problems import problem
from neckline.errors import ConfigError


def apply_overrides(config: Config, data: dict[str, Any], origin: str = "config") -> Config:
    """A copy of ``config`` with ``data`` (nested like the TOML file) applied and validated.
    Every bad value is reported, not only the first: ConfigError.problems lists them all."""
    problems: list[str] = []
    merged: Config = _merge(config, data, origin, "", problems)
    p = merged.processing
    if p.idle_rate_fps > p.rate_fps:
        problems.append(f"{origin}: 'processing.idle_rate_fps' ({p.idle_rate_fps:g}) must not "
                        f"exceed 'processing.rate_fps' ({p.rate_fps:g}).")
    app = merged.app
    if bool(app.quiet_hours_start) != bool(app.quiet_hours_end):
        problems.append(f"{origin}: 'app.quiet_hours_start' and 'app.quiet_hours_end' must "
                        "both be set or both be empty.")
    if problems:
        raise ConfigError("\n".join(problems), problems)
    return merged


def _merge(obj: Any, data: dict[str, Any], origin: str, prefix: str,
           problems: list[str]) -> Any:
    """``obj`` with ``data`` applied; each bad value adds its sentence to ``problems`` and
    leaves the value as it was."""
    if not isinstance(data, dict):
        problems.append(f"{origin}: '{prefix.rstrip('.')}' must be a table.")
        return obj
    fields = {f.name: f for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        name = prefix + key
        if key not in fields:
            known = ", ".join(sorted(fields))
            problems.append(f"{origin}: unknown key '{name}' (known here: {known}).")
            continue
        f = fields[key]
        current = getattr(obj, key)
        try:
            if dataclasses.is_dataclass(current):
                merged = _merge(current, value, origin, name + ".", problems)
                if "problem" in f.metadata:
                    facts = problem(f.metadata["problem"])
                    unit = facts.threshold_unit
                    checks = ((merged.threshold, *facts.threshold_range, "threshold", unit),
                              (merged.dwell_s, *facts.dwell_range, "dwell_s", "seconds"),
                              (merged.margin, *facts.margin_range, "margin", unit))
                    for number, low, high, part, unit_of in checks:
                        try:
                            _check_number(number, low, high, f"{name}.{part}", origin, unit_of)
                        except ConfigError as e:
                            problems.append(str(e))
                changes[key] = merged
            else:
                changes[key] = _check_value(value, f, current, name, origin)
        except ConfigError as e:
            problems.append(str(e))
    return dataclasses.replace(obj, **changes)


def _check_value(value: Any, f: dataclasses.Field[Any], current: Any, name: str,
                 origin: str) -> Any:
    meta = f.metadata
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{origin}: '{name}' must be true or false, not {_shown(value)}.")
        return value
    if isinstance(current, str):
        choices, pattern = meta.get("choices"), meta.get("pattern")
        if pattern and (not isinstance(value, str) or not re.fullmatch(pattern, value)):
            raise ConfigError(f"{origin}: '{name}' must be a time as HH:MM (00:00 to 23:59) "
                              f"or empty, not {_shown(value)}.")
        if not isinstance(value, str) or (choices and value not in choices):
            allowed = " or ".join(f"'{c}'" for c in choices or ()) or "text in quotes"
            raise ConfigError(f"{origin}: '{name}' must be {allowed}, not {_shown(value)}.")
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{origin}: '{name}' must be a whole number, not {_shown(value)}.")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{origin}: '{name}' must be a number, not {_shown(value)}.")
    _check_number(value, meta.get("lo"), meta.get("hi"), name, origin, "")
    try:
        return type(current)(value)
    except OverflowError:
        raise ConfigError(f"{origin}: '{name}' = {fmt_number(value)} is too large.") from None


def _check_number(value: Any, lo: float | None, hi: float | None, name: str, origin: str,
                  unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{origin}: '{name}' must be a number, not {_shown(value)}.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{origin}: '{name}' must be a finite number, not {value}.")
    if (lo is not None and value < lo) or (hi is not None and value > hi) or value != value:
        unit_text = f" {unit}" if unit else ""
        raise ConfigError(f"{origin}: '{name}' = {fmt_number(value)} is out of range; "
                          f"allowed {fmt_number(lo)} to {fmt_number(hi)}{unit_text}.")


def _shown(value: Any) -> str:
    """A value from the file as it goes into a sentence: its TOML-ish spelling, cut short (a
    megabyte of text is not echoed back)."""
    try:
        text = repr(value)
    except RecursionError:  # a list nested thousands deep
        text = "a deeply nested value"
    return text if len(text) <= 60 else f"{text[:50]}… ({len(text):,} characters)"


def fmt_number(x: float | None) -> str:
    if x is None:
        return "any"
    try:
        return f"{x:g}"
    except OverflowError:  # a 400-digit whole number from the file
        return f"a number {len(str(x))} digits long"
