"""The shortcuts extraction takes for speed answer as the plain forms they replace: regexes written to
skip to a literal (`env(?<=\\benv)` for `\\benv`) or not to backtrack into a name, the quick scans that
decide whether a regex can match at all, the shared token lists and syntax trees, and line starts
summed from line lengths."""

from __future__ import annotations

import ast
import re
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.extract import bindings, placeholders, sessions, worker_names, worker_sessions
from harness.extract.document import Document
from harness.extract.jsscan import tokenize

PLAIN = {
    "bindings._CALL": (bindings._CALL, r"\benv\s*\.\s*([A-Za-z_$][\w$]*)\s*\.\s*([A-Za-z_$][\w$]*)\s*\("),
    "bindings._LAUNCH": (bindings._LAUNCH, r"\blaunch\s*\(\s*(?:[\w.]*\.)?env\s*\.\s*([A-Za-z_$][\w$]*)"),
    "bindings._DECLARED": (bindings._DECLARED,
                           r"\b([A-Za-z_$][\w$]*)\s*\??\s*:\s*(" + "|".join(bindings._BY_TYPE) + r")\b"),
    "sessions._JS_HANDLER": (sessions._JS_HANDLER, r"\b(?:fetch|scheduled|queue|email|onRequest\w*)\s*\(([^)]*)\)"),
    "sessions._JS_ARROW": (sessions._JS_ARROW, r"(?:\(([^()]*)\)|\b([A-Za-z_$][\w$]*))\s*=>"),
    "worker_names._FETCH_PARAMETERS": (worker_names._FETCH_PARAMETERS, r"\bfetch\s*\(([^)]*)\)"),
    "worker_sessions._EXPORTED_CLASS": (worker_sessions._EXPORTED_CLASS,
                                        r"\bexport\s+(?:default\s+)?class\s+[A-Za-z_$]"),
    "worker_sessions._WORKFLOW_CLASS": (worker_sessions._WORKFLOW_CLASS,
                                        r"\bexport\s+class\s+[A-Za-z_$][\w$]*\s+extends\s+WorkflowEntrypoint\b"),
}
"""Each fast pattern, and the plain one it stands for."""

PIECES = [
    "env", "launch", "fetch", "scheduled", "queue", "email", "onRequest", "onRequestPost", "export", "default",
    "class", "extends", "WorkflowEntrypoint", "KV", "$", "_", "a", "x1", "é", " ", "\n", "\t", ".", "(", ")", "{",
    "}", ",", ":", "?", "=>", "=", "KVNamespace", "D1Database", "string", "Ai", "Fetcher", "/accounts/", "Bearer ",
    "ACCOUNT_ID", "{ACCOUNT_ID}", "<TOKEN>", "\"", "'", "`", "${", "//", "/*", "*/", "\r\n", "#", "!", "%",
]
"""What the generated code is made of: the words the patterns look for, and what stands around them."""
code_like = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(match.span(), match.groups()) for match in pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(code_like)
def test_fast_patterns_find_what_the_plain_ones_find(code: str) -> None:
    for name, (fast, plain) in PLAIN.items():
        assert found(fast, code) == found(re.compile(plain), code), name


@settings(max_examples=300, deadline=None)
@given(code_like, st.lists(st.sampled_from(["KV", "DB", "AI", "BROWSER", "X", "MY_BUCKET"]), max_size=4))
def test_bindings_are_inferred_as_by_the_plain_scans(code: str, names: list[str]) -> None:
    methods: dict[str, set[str]] = {}
    for match in re.finditer(PLAIN["bindings._CALL"][1], code):
        methods.setdefault(match[1], set()).add(match[2])
    declared = {match[1]: bindings._BY_TYPE[match[2]] for match in re.finditer(PLAIN["bindings._DECLARED"][1], code)}
    launched = set(re.findall(PLAIN["bindings._LAUNCH"][1], code))
    uses = bindings._uses(code)
    assert ({name: set(called) for name, called in uses[0].items()}, dict(uses[1]), set(uses[2])) \
        == (methods, declared, launched)
    first = bindings.infer(code, names)
    expected = [dict(binding) for binding in first]
    for binding in first:  # a caller may change what it got: the next one gets its own
        binding["type"] = "changed"
    assert bindings.infer(code, names) == expected


@settings(max_examples=300, deadline=None)
@given(code_like)
def test_the_quick_api_slot_scan_agrees_with_the_pattern(code: str) -> None:
    assert placeholders._api_slot(code) == (placeholders._API_SLOT.search(code) is not None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n\r \u2028", max_size=30))
def test_line_starts_are_where_each_line_break_ends(text: str) -> None:
    assert Document(text).line_starts == tuple([0] + [m.end() for m in re.finditer("\n", text)])


PYTHON_LINES = ["import os", "x = 1", "def f(a):", "    return a", "!pip install x", "%load_ext y", "y = f(x)",
                "class C: pass", "for i in range(3): z = i", "s = 'a\\x0cb'", "", "    ", "if x:", "  w = 2"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PYTHON_LINES), max_size=8), st.sampled_from(["", "\n", "\r\n", "\x0c\n"]))
def test_python_session_names_from_the_shared_tree_are_those_of_the_lines_joined(lines: list[str], end: str) -> None:
    code = end.join(lines) + end
    kept = [line for line in code.splitlines() if not line.lstrip().startswith(("!", "%"))]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse("\n".join(kept))
    except SyntaxError:
        expected = set(re.findall(r"^([A-Za-z_]\w*)\s*=", code, re.MULTILINE))
    else:
        expected = _names(tree)
    assert sessions._python_names(code) == expected


def _names(tree: ast.Module) -> set[str]:
    """What `sessions._python_names` read from a tree before the tree was shared: definitions, names
    stored to and imports, in every top-level statement but inside definitions."""
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    found: set[str] = set()
    for statement in tree.body:
        nodes = [statement] if isinstance(statement, definitions) else list(ast.walk(statement))
        found |= {node.name for node in nodes if isinstance(node, definitions)}
        found |= {node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
        found |= {(node.asname or node.name).split(".")[0] for node in nodes if isinstance(node, ast.alias)}
    return found


@settings(max_examples=200, deadline=None)
@given(code_like)
def test_shared_token_lists_are_the_scan_of_the_code(code: str) -> None:
    assert list(tokenize(code)) == list(tokenize.__wrapped__(code))
    assert tokenize(code) is tokenize(code)
