"""The import graph of the project, read from the source with ``ast`` (nothing is imported).

Two rules of ``docs/architecture.md`` are checked here:

* **no import cycle**: the graph of imports between the project's modules has no strongly
  connected component of more than one module. Every import counts — module level and inside
  functions — except those under ``if TYPE_CHECKING:``, which never run.
* **which way imports go**: ``units`` never imports ``assessments`` or ``evidence``, ``assessments``
  never imports ``evidence``, and ``zi_portal/common`` imports no app (except its ``management/``
  commands and ``templatetags/``, which sit on top of the apps).

How an import becomes an edge (what Python runs when it executes the statement):

* ``from .models import Answer`` in ``assessments/services/work.py`` is ``assessments.models``;
  ``from .. import lke`` is ``assessments.lke`` (``lke`` is a submodule, so the edge goes to it, not
  to the package that holds it); ``import a.b.c`` is ``a.b.c``.
* Importing ``a.b.c`` also runs the ``__init__`` of ``a`` and ``a.b``: those are edges too, except
  to the packages that already hold the importing module (a submodule importing a sibling does not
  re-enter its own package's ``__init__``), so a package ``__init__`` that re-exports its submodules
  is no cycle with them.
* Only the project's own modules are nodes: Django, Celery and the standard library are left out.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("units", "assessments", "evidence", "backups", "programme", "reminders", "surveys", "documents", "packs",
        "proposals", "zi_portal")
SKIPPED_DIRS = {"migrations", "tests", "__pycache__"}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    path: str  # the importing file, relative to the project root
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({self.path}:{self.line})"


# --- reading the source ---------------------------------------------------------------------------


def project_modules(root: Path = ROOT, apps: tuple[str, ...] = APPS) -> dict[str, Path]:
    """Dotted module name -> file, for every .py of the apps (migrations and tests left out)."""
    modules: dict[str, Path] = {}
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root)
            if SKIPPED_DIRS & set(relative.parts[:-1]):
                continue
            parts = relative.with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of ``tree`` at any depth, except the bodies of ``if TYPE_CHECKING:``
    (their ``else:`` branch runs, so it counts)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _deepest_module(name: str, modules: dict[str, Path]) -> str | None:
    """``name`` if it is a project module, else its deepest enclosing project module (``a.b.X`` where
    ``X`` is a class of ``a.b``), else None (not the project's)."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i])
        if candidate in modules:
            return candidate
    return None


def imported_modules(module: str, tree: ast.AST, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """(project module, line) for every import in ``tree``, the source of ``module``, with the
    packages that importing it initialises (except the importer's own enclosing packages)."""
    is_package = modules[module].name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    own_packages = {*_ancestors(module), module}
    found: list[tuple[str, int]] = []
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from a.b import c": the submodule a.b.c if there is one, else the module a.b
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
            ]
        for name in names:
            target = _deepest_module(name, modules)
            if target is None:
                continue
            for reached in [*_ancestors(target), target]:
                if reached not in own_packages:
                    found.append((reached, node.lineno))
    return found


def import_edges(modules: dict[str, Path], root: Path = ROOT) -> list[Edge]:
    edges: dict[tuple[str, str], Edge] = {}  # the first line that makes each edge
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line in imported_modules(module, tree, modules):
            key = (module, target)
            if key not in edges or line < edges[key].line:
                edges[key] = Edge(module, target, str(path.relative_to(root)), line)
    return sorted(edges.values(), key=lambda e: (e.source, e.target))


# --- cycles -------------------------------------------------------------------------------------


def strongly_connected_components(edges: list[Edge]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): every component of more than one module, each sorted."""
    graph: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        graph[edge.source].append(edge.target)
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    nodes = sorted({e.source for e in edges} | {e.target for e in edges})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = lowlink[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = lowlink[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    break
                if child in on_stack:
                    lowlink[node] = min(lowlink[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    lowlink[parent] = min(lowlink[parent], lowlink[node])
                if lowlink[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return sorted(components)


def a_cycle(component: list[str], edges: list[Edge]) -> list[Edge]:
    """The shortest cycle through the first module of ``component`` (breadth first, inside it)."""
    inside = set(component)
    out: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        if edge.source in inside and edge.target in inside:
            out[edge.source].append(edge)
    start = component[0]
    came_by: dict[str, Edge] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for edge in out[node]:
                if edge.target == start:
                    path = [edge]
                    while path[0].source != start:
                        path.insert(0, came_by[path[0].source])
                    return path
                if edge.target not in came_by:
                    came_by[edge.target] = edge
                    following.append(edge.target)
        frontier = following
    raise AssertionError(f"no cycle through {start} in {component}")  # pragma: no cover


def describe_cycles(edges: list[Edge]) -> list[str]:
    """One paragraph per import cycle: ``a -> b -> c -> a`` and the line of each import."""
    paragraphs = []
    for component in strongly_connected_components(edges):
        cycle = a_cycle(component, edges)
        spelled = " -> ".join([e.source for e in cycle] + [cycle[0].source])
        lines = "\n".join(f"    {e}" for e in cycle)
        paragraphs.append(f"{spelled}\n{lines}\n  (the whole circle: {', '.join(component)})")
    return paragraphs


# --- layers ---------------------------------------------------------------------------------------


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


# importer package -> the packages it must never import; then the parts of the importer that sit on
# top of the apps and are exempt.
LAYER_RULES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("units", ("assessments", "evidence", "backups", "programme", "reminders", "surveys", "documents", "packs",
               "proposals"), ()),
    ("assessments", ("evidence", "backups", "programme", "reminders", "surveys", "documents", "packs", "proposals"),
     ()),
    ("evidence", ("backups", "programme", "reminders", "surveys", "documents", "packs", "proposals"), ()),
    ("backups", ("programme", "reminders", "surveys", "documents", "packs", "proposals"), ()),
    ("programme", ("reminders", "surveys", "documents", "packs", "proposals"), ()),
    ("reminders", ("surveys", "documents", "packs", "proposals"), ()),
    # surveys sits beside programme and reminders: it reads units and assessments only
    ("surveys", ("evidence", "backups", "programme", "reminders", "documents", "packs", "proposals"), ()),
    # documents reads units and assessments; the apps below issue their PDFs through zi_portal.common.issuing
    ("documents", ("evidence", "backups", "programme", "reminders", "surveys", "packs", "proposals"), ()),
    # packs reads units, assessments and evidence; its letters come through packs.hooks
    ("packs", ("backups", "programme", "reminders", "surveys", "documents", "proposals"), ()),
    # the pack's names and zip writer are pure: no other module of the project (and no Django)
    ("packs.names", ("units", "assessments", "evidence", "zi_portal", "packs.models", "packs.selectors"), ()),
    ("packs.zipbuild", ("units", "assessments", "evidence", "zi_portal", "packs.models", "packs.selectors"), ()),
    # proposals sits on top: it reads units, assessments, the reminders' countdown, and issues the
    # letters (documents) that go into the packs
    ("proposals", ("evidence", "backups", "programme", "surveys"), ()),
    (
        "zi_portal.common",
        ("units", "assessments", "evidence", "backups", "programme", "reminders", "surveys", "documents", "packs",
         "proposals"),
        ("zi_portal.common.management", "zi_portal.common.templatetags"),
    ),
]


def layer_violations(edges: list[Edge]) -> list[str]:
    found = []
    for edge in edges:
        for importer, forbidden, exempt in LAYER_RULES:
            if not _within(edge.source, importer) or any(_within(edge.source, e) for e in exempt):
                continue
            if any(_within(edge.target, f) for f in forbidden):
                found.append(str(edge))
    return found


# --- the tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return project_modules()


@pytest.fixture(scope="module")
def edges(modules) -> list[Edge]:
    return import_edges(modules)


def test_the_graph_covers_the_apps(modules, edges):
    # A sanity check of the reader itself: known modules and known edges are there.
    assert {"units.models", "assessments.lke", "assessments.lke.scoring", "evidence.services",
            "zi_portal.common.tasks"} <= set(modules)
    assert not any(".migrations." in m for m in modules)
    pairs = {(e.source, e.target) for e in edges}
    assert ("evidence.apps", "assessments.hooks") in pairs  # inside AppConfig.ready(): counted too
    assert ("assessments.lke", "assessments.lke.workflow") in pairs  # "from . import workflow"


def test_no_import_cycle(edges):
    cycles = describe_cycles(edges)
    assert not cycles, "import cycles between the project's modules:\n" + "\n".join(cycles)


def test_units_assessments_evidence_and_common_import_only_downward(edges):
    assert layer_violations(edges) == []


def test_the_web_process_does_not_import_weasyprint():
    # WeasyPrint takes seconds to import: only the code that renders a PDF imports reports/pdf.py,
    # when it renders (the one lazy import kept on purpose, in services/reports.py).
    code = (
        "import json, sys\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "from django.urls import get_resolver\n"
        "get_wsgi_application()\n"
        "get_resolver().url_patterns\n"  # every URLconf and view module
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'assessments'))))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zi_portal.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert "assessments.views_reports" in loaded and "assessments.services.reports" in loaded
    assert [m for m in loaded if m.startswith("weasyprint") or m == "assessments.reports.pdf"] == []


# --- the reader, on small made-up packages -------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return project_modules(root, ("app",))


def _pairs(root: Path, files: dict[str, str]) -> set[tuple[str, str]]:
    modules = _write(root, files)
    return {(e.source, e.target) for e in import_edges(modules, root)}


def test_relative_imports_resolve_to_modules_and_submodules(tmp_path):
    pairs = _pairs(tmp_path, {
        "app/__init__.py": "",
        "app/models.py": "",
        "app/eng/__init__.py": "from .calc import total\n",
        "app/eng/calc.py": "from . import util\nfrom .util import helper\n",
        "app/eng/util.py": "import json\nfrom django.db import models\n",
        "app/standing.py": "from . import eng\nfrom .models import Thing\n",
        "app/svc/__init__.py": "",
        "app/svc/work.py": "from ..models import Thing\nfrom ..eng.util import helper\n",
    })
    assert pairs == {
        ("app.eng", "app.eng.calc"),
        ("app.eng.calc", "app.eng.util"),  # siblings: no edge back to app.eng's __init__
        ("app.standing", "app.eng"),
        ("app.standing", "app.models"),
        ("app.svc.work", "app.models"),
        ("app.svc.work", "app.eng"),  # importing app.eng.util runs app.eng's __init__ first
        ("app.svc.work", "app.eng.util"),
    }


def test_function_level_imports_count_and_type_checking_ones_do_not(tmp_path):
    pairs = _pairs(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from app import b\nelse:\n    from app import c\n"
            "def f():\n    import app.d\n"
        ),
        "app/b.py": "", "app/c.py": "", "app/d.py": "",
    })
    assert pairs == {("app.a", "app.c"), ("app.a", "app.d")}


def test_a_cycle_is_spelled_out_with_the_lines(tmp_path):
    modules = _write(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "from . import b\n",
        "app/b.py": "import os\n\ndef f():\n    from .c import x\n",
        "app/c.py": "from app.a import y\n",
        "app/d.py": "from . import a\n",  # reaches the circle but is not part of it
    })
    cycles = describe_cycles(import_edges(modules, tmp_path))
    assert cycles == [
        "app.a -> app.b -> app.c -> app.a\n"
        "    app.a -> app.b (app/a.py:1)\n"
        "    app.b -> app.c (app/b.py:4)\n"
        "    app.c -> app.a (app/c.py:1)\n"
        "  (the whole circle: app.a, app.b, app.c)"
    ]


def test_a_package_init_importing_back_an_outside_importer_is_a_cycle(tmp_path):
    # app.pkg's __init__ imports app.q; app.q imports app.pkg.x, which runs app.pkg's __init__ first.
    modules = _write(tmp_path, {
        "app/__init__.py": "",
        "app/pkg/__init__.py": "from app.q import thing\n",
        "app/pkg/x.py": "",
        "app/q.py": "from app.pkg.x import y\n",
    })
    assert [c.split("\n")[0] for c in describe_cycles(import_edges(modules, tmp_path))] == [
        "app.pkg -> app.q -> app.pkg"
    ]


def test_the_layer_rules_name_the_offending_import():
    edges = [
        Edge("units.views", "assessments.models", "units/views.py", 3),
        Edge("assessments.views", "evidence.selectors", "assessments/views.py", 7),
        Edge("zi_portal.common.health", "units.models", "zi_portal/common/health.py", 1),
        Edge("zi_portal.common.templatetags.zi", "assessments.lke", "zi_portal/common/templatetags/zi.py", 5),
        Edge("zi_portal.common.management.commands.seed_demo", "units.demo", "x.py", 2),
        Edge("evidence.views", "assessments.models", "evidence/views.py", 9),
    ]
    assert layer_violations(edges) == [
        "units.views -> assessments.models (units/views.py:3)",
        "assessments.views -> evidence.selectors (assessments/views.py:7)",
        "zi_portal.common.health -> units.models (zi_portal/common/health.py:1)",
    ]
