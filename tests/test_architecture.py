"""The layers: the core never imports Qt (only neckline.app may); every module of every stage
is imported here, not just the packages' (sometimes empty) __init__ files. pyproject.toml's
import-linter contracts, run by ./test.sh, check the same statically, with the order of the
stages."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import neckline

PACKAGE = Path(neckline.__file__).parent


def core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(neckline.__path__, "neckline.")
            if not m.name.startswith("neckline.app") and m.name != "neckline.__main__"]


def test_core_modules_do_not_import_qt() -> None:
    core = core_modules()
    for name in ("neckline.posture.engine", "neckline.live.monitor",
                 "neckline.history.recorder", "neckline.commands.cli"):
        assert name in core
    code = ("import sys\n" + "".join(f"import {name}\n" for name in core)
            + "print(sorted(m for m in sys.modules if m.startswith(('PyQt', 'pyqtgraph'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.strip()
    assert out == "[]"


def test_the_package_reads_as_the_pipeline() -> None:
    """At most 12 entries at the top, each stage a package that says what it owns."""
    top = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert len(top) <= 12, top
    for stage in ("capture", "landmarks", "posture", "live", "stretches", "history", "commands",
                  "app", "config"):
        doc = (PACKAGE / stage / "__init__.py").read_text()
        assert doc.startswith('"""') and len(doc) > 80, stage


def test_the_tests_mirror_the_stages() -> None:
    """tests/<stage>/ holds the tests of src/neckline/<stage>/; tests/ itself only the
    helpers and the tests of the whole (architecture, install, privacy, validation)."""
    tests = Path(__file__).parent
    folders = {p.name for p in tests.iterdir() if p.is_dir() and p.name != "__pycache__"}
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders == stages
    whole = {p.name for p in tests.glob("test_*.py")}
    assert whole == {"test_architecture.py", "test_install.py", "test_privacy.py",
                     "test_validation.py"}


def test_no_module_is_over_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_one_table_of_problem_facts() -> None:
    """Every fact about a posture problem is declared once, in neckline.config.problems: no
    other module keeps a table keyed by problem ids."""
    import re

    from neckline.config import PROBLEMS, REGISTRY, AlertsConfig

    assert tuple(REGISTRY) == PROBLEMS
    assert tuple(f for f in AlertsConfig.__dataclass_fields__ if f in PROBLEMS) == PROBLEMS
    # A dict entry: the id in quotes as a key, after "{", "," or at the start of a line.
    ids = "|".join(PROBLEMS)
    key = re.compile(rf"""(?:^|[{{,])\s*["']({ids})["']\s*:""", re.M)
    tables = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "problems.py":
            continue
        ids = set(key.findall(path.read_text(encoding="utf-8")))
        if len(ids) >= 2:
            tables[str(path.relative_to(PACKAGE))] = sorted(ids)
    assert tables == {}
