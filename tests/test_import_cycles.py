"""No module of the harness imports itself back: the import graph of `harness/` has no cycle.

Every import that runs when a module is imported counts, also one under `if TYPE_CHECKING:` (a circle
for the reader and the type checker all the same); one deferred into a function does not. `from a.b import c`
is an import of module `a.b.c` when there is one, else of the package `a.b`; and importing `a.b.c`
runs `a/b/__init__.py` first, so it counts as importing the packages on the way too, but for those
the importing module sits in itself (they are already running when it runs, so that a package may
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


def module_level(tree: ast.AST) -> list[ast.stmt]:
    """The statements that run when a module is imported: its body and what its `if`s and `try`s hold,
    not the bodies of its functions and classes."""
    found: list[ast.stmt] = []
    todo = list(getattr(tree, "body", []))
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If | ast.Try | ast.With):
            todo += [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", []),
                     *(stmt for handler in getattr(node, "handlers", []) for stmt in handler.body)]
    return found


def imported_names(module: str, path: Path, known: set[str]) -> set[str]:
    """The modules of `known` that `module` imports."""
    is_package = path.name == "__init__.py"
    named: set[str] = set()
    for node in module_level(ast.parse(path.read_text(), str(path))):
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
    own = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
    on_the_way = {".".join(name.split(".")[:i]) for name in named for i in range(1, name.count(".") + 1)}
    return {name for name in named | (on_the_way - own) if name in known and name != module}


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


def test_a_cycle_is_found_also_through_a_guarded_or_type_checking_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text("try:\n    from ..c import C\nexcept ImportError:\n    pass\n")
    (package / "c.py").write_text("import pkg.a\nclass C: ...\n")
    (package / "d.py").write_text("from pkg import a\n")
    assert list(cycles(import_graph(package))) == [["pkg.a", "pkg.c", "pkg.sub.b"]]


def test_a_cycle_through_a_package_that_imports_its_modules_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "ext").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ext" / "__init__.py").write_text("from pkg.ext.page import page\n")
    (package / "ext" / "page.py").write_text("from pkg.ext.facts import facts\nfrom pkg.lang import lang\n")
    (package / "ext" / "facts.py").write_text("facts = 1\n")
    (package / "lang.py").write_text("from pkg.ext.facts import facts\nlang = 2\n")
    assert list(cycles(import_graph(package))) == [["pkg.ext", "pkg.ext.page", "pkg.lang"]]
    (package / "lang.py").write_text("lang = 2\n")
    assert list(cycles(import_graph(package))) == []
