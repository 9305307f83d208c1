"""What a Python snippet does, read from its syntax tree: imports, names it never defines, and
whether it is a notebook cell or a piece of a larger function."""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from functools import lru_cache

from harness.extract.pyparse import parsed
from harness.extract.repeats import REPEATS

_MAGIC = re.compile(r"^[ \t]*[!%].*$", re.MULTILINE)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_READ_NODES = (ast.Name, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.arg, ast.alias, ast.Global,
               ast.Nonlocal, ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.Import, ast.ImportFrom, ast.Subscript,
               ast.Call)
"""The nodes that bind, read, import or read the environment: the only ones `_facts` looks at."""
_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__builtins__", "__spec__"}


@dataclass(frozen=True)
class PyFacts:
    """Facts about one Python snippet."""

    syntax_error: str | None
    """Why the code does not parse as a module (None when it does)."""
    notebook: str | None
    """A notebook-only construct (`!pip install x`, `%load_ext`, top-level `await`), or None."""
    top_level_return: bool
    top_level_await: bool
    """`await` outside any function: code from inside an async function, or a notebook cell."""
    imports: tuple[str, ...]
    """Top-level package names imported (`requests`, `os`, `js`)."""
    undefined: tuple[str, ...]
    """Names read but never bound anywhere in the code, and no builtins, in order."""
    defines: tuple[str, ...]
    """Top-level functions and classes (`on_fetch`, `Default`)."""
    environ: tuple[str, ...]
    """Names read from `os.environ[...]`, `os.environ.get(...)` or `os.getenv(...)`."""
    top_level_effect: bool = True
    """Something at the top level runs (False when it only imports and defines)."""


@lru_cache(maxsize=REPEATS)
def py_facts(code: str) -> PyFacts:
    """Read the facts of Python `code`; never raises."""
    magic = _MAGIC.search(code)
    tree = parsed(code)
    if isinstance(tree, str):
        message = tree
        top_return = "'return' outside function" in message
        awaited = "'await' outside function" in message or "asynchronous comprehension outside" in message
        notebook = magic.group(0).strip() if magic else None
        lenient = _parse_leniently(_MAGIC.sub("", code))
        facts = _facts(lenient) if lenient is not None else PyFacts(message, None, False, False, (), (), (), ())
        return PyFacts(message, notebook, top_return or facts.top_level_return, awaited or facts.top_level_await,
                       facts.imports, facts.undefined, facts.defines, facts.environ)
    return _facts(tree)


def _parse_leniently(code: str) -> ast.Module | None:
    """The tree of code that only parses with top-level `await`/`return` allowed, if it does."""
    try:
        tree = compile(code, "<snippet>", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        try:
            wrapped = ast.parse("async def _snippet():\n" + "".join("    " + line for line in code.splitlines(True)))
        except SyntaxError:
            return None
        body = wrapped.body[0]
        assert isinstance(body, ast.AsyncFunctionDef)
        return ast.Module(body=body.body, type_ignores=[])
    assert isinstance(tree, ast.Module)
    return tree


def _facts(tree: ast.Module) -> PyFacts:
    bound: set[str] = set()
    loaded: list[str] = []
    imports: list[str] = []
    environ: list[str] = []
    for node in _walk(tree):
        if not isinstance(node, _READ_NODES):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loaded.append(node.id)
        elif isinstance(node, ast.Name):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        if isinstance(node, ast.Import):
            imports += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imports.append(node.module.split(".")[0])
        name = _environ_key(node)
        if name:
            environ.append(name)
    undefined = [name for name in loaded if name not in bound and name not in _BUILTINS]
    outside = _outside_functions(tree)
    return PyFacts(
        syntax_error=None,
        notebook=None,
        top_level_return=any(isinstance(node, ast.Return) for node in outside),
        top_level_await=any(isinstance(node, ast.Await) for node in outside),
        imports=tuple(dict.fromkeys(imports)),
        undefined=tuple(dict.fromkeys(undefined)),
        defines=tuple(n.name for n in tree.body if isinstance(n, _DEFINITIONS)),
        environ=tuple(dict.fromkeys(environ)),
        top_level_effect=not all(_only_defines(statement) for statement in tree.body),
    )


def _only_defines(statement: ast.stmt) -> bool:
    """A definition, an import, a docstring or an assignment of something that calls nothing."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)):
        return True
    if isinstance(statement, ast.Expr):
        return isinstance(statement.value, ast.Constant)
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
        return not any(isinstance(node, (ast.Call, ast.Await)) for node in _walk(statement.value))
    return isinstance(statement, ast.AnnAssign)


def _outside_functions(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` that is not inside a function or lambda body."""
    found: list[ast.AST] = []
    todo = _children(tree)
    while todo:
        node = todo.pop()
        found.append(node)
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(_children(node))
    return found


def _walk(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` but expression contexts, in `ast.walk`'s (breadth-first) order, without
    its generators."""
    nodes = [tree]
    for node in nodes:  # the list grows behind the loop
        nodes.extend(_children(node))
    return nodes


def _children(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` as a list, without the `Load`, `Store` and `Del` of a name's
    `ctx` (a third of all nodes; the readers look at `Name.ctx` itself)."""
    children: list[ast.AST] = []
    for name in node._fields:
        if name == "ctx":
            continue
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend(item for item in value if isinstance(item, ast.AST))
    return children


def _environ_key(node: ast.AST) -> str | None:
    """`NAME` of `os.environ["NAME"]`, `os.environ.get("NAME")`, `os.getenv("NAME")`."""
    key: ast.expr | None
    if isinstance(node, ast.Subscript) and _dotted(node.value) in ("os.environ", "environ"):
        key = node.slice
    elif isinstance(node, ast.Call) and _dotted(node.func) in ("os.environ.get", "os.getenv", "environ.get", "getenv"):
        key = node.args[0] if node.args else None
    else:
        return None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return _dotted(node.value) + "." + node.attr
    return ""

