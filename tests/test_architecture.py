"""The core never imports Qt: only neckline.app may."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import neckline


def test_core_modules_do_not_import_qt() -> None:
    core = [m.name for m in pkgutil.iter_modules(neckline.__path__, "neckline.")
            if m.name not in ("neckline.app", "neckline.__main__")]
    assert "neckline.engine" in core and "neckline.monitor" in core
    code = ("import sys\n" + "".join(f"import {name}\n" for name in core)
            + "print(sorted(m for m in sys.modules if m.startswith('PyQt')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.strip()
    assert out == "[]"
