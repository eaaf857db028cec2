"""Layering, read from the source: library code states facts and leaves flags to `cli/`, and
the packages of codesim import each other without a cycle."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "codesim"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
MESSAGE_CALLS = {"print", "warn", "debug", "info", "warning", "error", "exception", "critical"}

# Imports made inside a function, on purpose, that would close a cycle if made at import time:
# (importing module, imported module or package) -> why. Any other import inside a function
# counts as if made at import time.
LAZY_BY_DESIGN = {
    ("codesim.llm.factory", "codesim.llm.local_provider"): "a provider's module is imported when it is built",
    ("codesim.llm.local_provider", "codesim.models"): "model files and llama.cpp are reached when the provider "
    "is built; the engines in codesim.models speak codesim.llm.base's types",
}


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by the name of its __init__)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _library_files() -> Iterator[Path]:
    cli = PACKAGE / "cli"
    return (path for path in sorted(PACKAGE.rglob("*.py")) if cli not in path.parents)


def _strings(node: ast.AST) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value


def _messages(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, text) of each string an exception or a log/print/warning call carries."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            yield from ((node.lineno, text) for text in _strings(node.exc))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in MESSAGE_CALLS:
                yield from ((node.lineno, text) for text in _strings(node))


def test_library_messages_name_settings_not_flags() -> None:
    """Outside `cli/`, an error or log message names a setting as `{setting}` (see
    `codesim.errors`), never as a command-line flag."""
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {text!r}"
        for path in _library_files()
        for line, text in _messages(ast.parse(path.read_text(encoding="utf-8")))
        if FLAG.search(text)
    ]
    assert found == []


def test_argparse_lives_in_cli() -> None:
    users = [path.relative_to(PACKAGE) for path in _library_files() if "argparse" in path.read_text(encoding="utf-8")]
    assert users == []


def _imported(node: ast.Import | ast.ImportFrom, module: str) -> Iterator[str]:
    """The codesim modules an import statement in `module` loads (a package: its __init__)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            if MODULES[module].name != "__init__.py":
                package = package[:-1]
            base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith("codesim."):
            yield name


def _import_time_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports run when a module is imported: module and class bodies, `if`/`try` blocks,
    not function bodies nor `if TYPE_CHECKING:`."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            yield from _import_time_imports(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            handlers = [stmt for handler in node.handlers for stmt in handler.body]
            yield from _import_time_imports(node.body + handlers + node.orelse + node.finalbody)
        elif isinstance(node, ast.ClassDef):
            yield from _import_time_imports(node.body)


def _lazy_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from (n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))


def _edges(lazy: bool) -> set[tuple[str, str]]:
    """(importer, imported) between codesim modules, including the packages an import runs
    (`codesim.a.b` runs `codesim.a`), except a module's own ancestors (already running)."""
    edges = set()
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        statements = _lazy_imports(tree) if lazy else _import_time_imports(tree.body)
        for statement in statements:
            for target in _imported(statement, module):
                parts = target.split(".")
                for depth in range(2, len(parts) + 1):
                    name = ".".join(parts[:depth])
                    if name != module and not module.startswith(name + "."):
                        edges.add((module, name))
    return edges


def _unit(module: str) -> str:
    """The subpackage (or top-level module) a module belongs to: `codesim.llm.chat` -> `llm`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else module


def _cycle(edges: set[tuple[str, str]]) -> list[str]:
    """One cycle of the graph `edges`, [] when it has none."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def _covers(entry: tuple[str, str], edge: tuple[str, str]) -> bool:
    """Whether the LAZY_BY_DESIGN `entry` covers the import `edge`."""
    (importer, imported), (source, target) = entry, edge
    return source == importer and (target == imported or target.startswith(imported + "."))


@pytest.mark.parametrize("level", ["module", "subpackage"])
def test_no_import_cycle(level: str) -> None:
    """No cycle among codesim's modules, nor among its subpackages (`llm`, `models`, ...),
    counting imports inside functions too unless listed in LAZY_BY_DESIGN."""
    eager = _edges(lazy=False)
    lazy = {edge for edge in _edges(lazy=True) - eager if not any(_covers(entry, edge) for entry in LAZY_BY_DESIGN)}
    edges = eager | lazy
    if level == "subpackage":
        edges = {(_unit(a), _unit(b)) for a, b in edges if _unit(a) != _unit(b)}
    assert _cycle(edges) == []


def test_every_lazy_exception_is_used() -> None:
    lazy_only = _edges(lazy=True) - _edges(lazy=False)
    assert [entry for entry in LAZY_BY_DESIGN if not any(_covers(entry, edge) for edge in lazy_only)] == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) in (
        ["a", "b", "c", "a"],
        ["b", "c", "a", "b"],
        ["c", "a", "b", "c"],
    )
    assert _cycle({("a", "b"), ("b", "c"), ("a", "c")}) == []
