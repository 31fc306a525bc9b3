"""The type-checking configuration in pyproject.toml: plain ``mypy`` checks the whole application,
and holds the engine package to everything ``mypy --strict`` turns on."""

import tomllib
from pathlib import Path

from mypy.main import process_options
from mypy.options import PER_MODULE_OPTIONS

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def _strict_flags() -> dict[str, object]:
    """The options ``--strict`` changes, with the values it gives them (from mypy itself, so a newer
    mypy that adds a flag to strict mode fails this test until the override names it too)."""
    _, plain = process_options(["--config-file", "", "-c", "pass"])
    _, strict = process_options(["--config-file", "", "--strict", "-c", "pass"])
    names = [n for n in dir(plain) if not n.startswith("_") and not callable(getattr(plain, n))]
    return {n: getattr(strict, n) for n in names if getattr(plain, n) != getattr(strict, n)}


def test_plain_mypy_checks_every_app_and_leaves_tests_and_migrations_out():
    root = Path(__file__).resolve().parents[1]
    apps = {p.parent.name for p in root.glob("*/apps.py")}  # every Django app of the project
    assert {"assessments", "units", "evidence"} <= apps
    assert set(CONFIG["files"]) == apps | {"zi_portal"}
    assert "tests" not in CONFIG["files"]
    assert "/migrations/" in CONFIG["exclude"]


def test_the_engine_gets_every_flag_of_strict_mode():
    engine = [o for o in CONFIG["overrides"] if "assessments.lke.*" in o["module"]]
    assert len(engine) == 1
    assert "assessments.lke" in engine[0]["module"]
    flags = _strict_flags()
    assert {"disallow_untyped_defs", "warn_return_any", "implicit_reexport"} <= set(flags)
    for name, value in flags.items():
        # a per-module flag may be set for the engine or for everything; a global one only globally
        found = engine[0].get(name, CONFIG.get(name)) if name in PER_MODULE_OPTIONS else CONFIG.get(name)
        assert found == value, f"{name} should be {value!r} for assessments.lke"
