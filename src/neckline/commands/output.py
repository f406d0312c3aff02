"""Writing results for people and for programs."""

from __future__ import annotations

import json
import sys
from typing import Any


def print_json(data: Any, *, indent: int | None = None) -> None:
    """One JSON document on stdout: compact, or indented for reading."""
    json.dump(data, sys.stdout, indent=indent, separators=None if indent else (",", ":"))
    sys.stdout.write("\n")
