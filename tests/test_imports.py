"""The archive package's import graph has no cycle and its layers point one way.

Built from the source with `ast`, counting imports inside functions too: a lazy
import only hides a cycle until the day someone moves it to the top. No database.
"""

from __future__ import annotations

import ast
from pathlib import Path

import archive

PACKAGE = Path(archive.__file__).parent

#: Modules the models must never import: they are built on the models.
ABOVE_MODELS = (
    "archive.admin",
    "archive.api",
    "archive.effects",
    "archive.media",
    "archive.services",
    "archive.views",
    "archive.workflow",
)


def module_files() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the archive package."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def parents(name: str) -> set[str]:
    """'archive.models.images' -> {'archive', 'archive.models'}."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def imported_names(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every archive module that `name` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, *([base] if base else [])])
            # `from archive import media` imports a module; `from x import Name` x.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the archive modules importing it runs.

    Importing `a.b.c` also runs `a.b/__init__.py`, so a target's parent packages
    count too, except the importer's own parents (already being imported when a
    module imports its sibling: the usual, harmless package pattern).
    """
    modules = module_files()
    graph = {}
    for name, path in modules.items():
        edges = set()
        for target in imported_names(name, path, modules):
            edges.add(target)
            edges |= parents(target) - parents(name) - {name}
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_lazy_and_relative_imports():
    """The guard reads what it must: imports inside functions, relative ones."""
    graph = import_graph()
    assert "archive.models" in graph["archive.media"]
    assert "archive.models.base" in graph["archive.models.images"]
    # ArchiveConfig.ready() imports inside a method.
    assert "archive.effects" in graph["archive.apps"]
    assert len(graph) > 50


def test_the_cycle_finder_reports_each_cycle_once():
    """A two-module cycle and a three-module one; a module outside both."""
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": set(), "x": {"y"}, "y": {"z"}}
    graph["z"] = {"x", "c"}
    assert cycles(graph) == [["a", "b"], ["x", "y", "z"]]


def test_archive_has_no_import_cycle():
    """No module of the archive imports, however indirectly, one that imports it."""
    found = cycles(import_graph())
    assert found == [], "Import cycles in the archive package: " + "; ".join(
        " <-> ".join(component) for component in found
    )


def test_models_import_no_layer_built_on_them():
    """Models know storage and pixels, never media, services, effects, API or admin."""
    graph = import_graph()
    wrong = sorted(
        f"{name} -> {target}"
        for name, targets in graph.items()
        if name == "archive.models" or name.startswith("archive.models.")
        for target in targets
        if any(
            target == layer or target.startswith(layer + ".") for layer in ABOVE_MODELS
        )
    )
    assert wrong == []


def test_pixel_code_imports_no_django_and_no_archive_module():
    """archive/renditions.py stays pure Pillow: testable without a database."""
    tree = ast.parse((PACKAGE / "renditions.py").read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add("." if node.level else node.module.split(".")[0])
    assert roots.isdisjoint({"django", "archive", "."}), roots


def test_the_statements_module_imports_no_archive_module():
    """archive/statements.py sits below the models, which read the archive version
    through it: it may import Django and psycopg, nothing of the archive."""
    graph = import_graph()
    assert graph["archive.statements"] <= {"archive"}, graph["archive.statements"]
    assert "archive.statements" in graph["archive.models.versions"]
