"""The LKE engine is a pure package: no file of ``assessments/lke/`` imports Django, the models or
another app of the project, and the whole package imports and scores with Django unavailable."""

import ast
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "assessments" / "lke"
# Top-level packages of the project (and Django) that the engine must never reach.
FORBIDDEN_ROOTS = ("django", "units", "evidence", "zi_portal")


def _package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def forbidden_imports(source: str, package: str = "assessments.lke") -> list[str]:
    """Every import in ``source`` (a module of ``package``) of Django, of another app of the project,
    or of ``assessments`` outside ``assessments.lke``; function-level imports included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the module's own package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{module}" if module else base
            # "from assessments import models" imports assessments.models
            names = [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            engine = name == "assessments.lke" or name.startswith("assessments.lke.")
            if name.split(".")[0] in FORBIDDEN_ROOTS or (name.split(".")[0] == "assessments" and not engine):
                found.append(f"line {node.lineno}: {name}")
    return found


def _package_of(path: Path) -> str:
    return ".".join(("assessments", "lke", *path.relative_to(PACKAGE).parent.parts))


def test_the_package_has_the_engine_modules():
    names = {p.stem for p in _package_files()}
    assert {"__init__", "types", "parse", "answers", "scoring", "decimals", "texts", "gaps", "prerequisites",
            "workflow", "figures", "form_answers", "json_io", "instrument_sync", "instrument_cache"} <= names


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_file_of_the_package_imports_django_the_models_or_another_app(path):
    assert forbidden_imports(path.read_text(encoding="utf-8"), _package_of(path)) == []


@pytest.mark.parametrize("source", [
    "import django\n",
    "from django.utils.translation import gettext\n",
    "from assessments.models import Instrument\n",
    "from assessments import models\n",
    "from ..models import Instrument\n",
    "from .. import selectors\n",
    "import assessments.hooks\n",
    "import units.models\n",
    "from evidence import services\n",
    "from zi_portal.common.text import clean_text\n",
    "def f():\n    from django.db import transaction\n",
])
def test_the_scan_catches_every_kind_of_forbidden_import(source):
    assert forbidden_imports(source) != []


@pytest.mark.parametrize("source", [
    "from . import workflow\n", "from .types import Instrument\n", "from assessments.lke import score\n",
    "from assessments import lke\n", "import yaml\nfrom decimal import Decimal\n",
])
def test_the_scan_lets_the_engine_import_itself_and_the_standard_library(source):
    assert forbidden_imports(source) == []


def test_the_engine_imports_and_scores_without_django():
    code = (
        "import sys\n"
        "for name in ('django', 'units', 'evidence', 'zi_portal', 'assessments.models'):\n"
        "    sys.modules[name] = None  # importing any of them now raises ImportError\n"
        "from assessments import lke\n"
        "inst = lke.bundled_instrument('permenpanrb-90-2021')\n"
        "print(lke.score(inst, {}).total)\n"
        "print(lke.workflow.STATE_LABELS['draft'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    total, draft = out.stdout.split("\n")[:2]
    assert Decimal(total) == 0
    assert draft == "Draf"
