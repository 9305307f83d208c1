"""No module of the harness imports itself back: the import graph of `harness/` has no cycle.

Every import counts, also one inside a function (deferred to break a circle at run time) or under
`if TYPE_CHECKING:` (a circle for the reader and the type checker all the same). An import names
the module it names: `from a.b import c` is an import of module `a.b.c` when there is one, else of
the package `a.b` (the packages Python runs first on the way are not counted, so that a package may
re-export its own modules).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import harness

PACKAGE = Path(harness.__file__).parent


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every module under `package`."""
    found = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_names(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that `module` imports."""
    is_package = path.name == "__init__.py"
    named: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, base] if base else here)
            for alias in node.names:
                named.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in named if name in known and name != module}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    files = module_files(package)
    return {module: imported_names(module, path, set(files)) for module, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    yield sorted(component)


def test_the_harness_has_no_import_cycle() -> None:
    graph = import_graph()
    assert "harness.run.local.executor" in graph and graph["harness.run.local.executor"]
    assert list(cycles(graph)) == []


def test_a_cycle_is_found_also_through_a_deferred_or_type_checking_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("def f():\n    from ..c import C\n")
    (package / "c.py").write_text("import pkg.a\nclass C: ...\n")
    (package / "d.py").write_text("from pkg import a\n")
    assert list(cycles(import_graph(package))) == [["pkg.a", "pkg.c", "pkg.sub.b"]]
