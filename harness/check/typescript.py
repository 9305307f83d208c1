"""Type-check the TypeScript examples, all in one tsc run per runtime: Workers code against the Workers
types, Node scripts (kind `script`) against Node's (`@types/node`, where `process` and `Buffer` live)."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from harness.check.base import Rule, finding
from harness.extract.worker_program import page_line
from harness.model import Finding, Severity, Snippet

TYPE_ERROR = Rule("TS001", "type-error", Severity.WARNING,
                  "A TypeScript example that does not type-check fails in the reader's editor and build.")

SKIPPED_CODES = frozenset({"TS2307"})
"""`Cannot find module`: a package the runners do not install says nothing about the example."""

_DIAGNOSTIC = re.compile(
    r"^snippet(?P<index>\d+)\.ts\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<text>.*)$")
_MODULE = re.compile(r"^\s*(import|export)\b", re.MULTILINE)


def tsc_path(runners_dir: Path) -> Path:
    return runners_dir / "worker" / "node_modules" / "typescript" / "bin" / "tsc"


def available(runners_dir: Path) -> bool:
    return tsc_path(runners_dir).exists()


_NODE_KIND = "script"
"""The kind of a snippet the Node runner runs (`harness/runtimes/javascript.py`)."""


def _tsconfig(modules: Path, files: list[str], node: bool) -> dict[str, object]:
    types, roots = (["node"], [str(modules / "@types")]) if node else (
        ["@cloudflare/workers-types"], [str(modules / "@cloudflare"), str(modules)])
    return {
        "compilerOptions": {
            "target": "es2022", "module": "es2022", "moduleResolution": "bundler", "lib": ["es2022"],
            "types": types, "typeRoots": roots,
            "baseUrl": ".", "paths": {"*": [str(modules / "*")]}, "noEmit": True, "skipLibCheck": True,
            "strict": False, "isolatedModules": True, "allowJs": False, "esModuleInterop": True,
        },
        "files": files,
    }


def typecheck(snippets: Sequence[Snippet], runners_dir: Path, timeout_s: float = 180) -> list[Finding]:
    """One finding per type error in the given `ts` snippets, at the page line of the error."""
    typed = [s for s in snippets if s.language == "ts"]
    if not typed or not available(runners_dir):
        return []
    node = [s for s in typed if s.options.get("kind") == _NODE_KIND]
    workers = [s for s in typed if s.options.get("kind") != _NODE_KIND]
    return [f for group, is_node in ((workers, False), (node, True)) if group
            for f in _typecheck(group, runners_dir, is_node, timeout_s)]


def _typecheck(targets: Sequence[Snippet], runners_dir: Path, node: bool, timeout_s: float) -> list[Finding]:
    modules = runners_dir / "worker" / "node_modules"
    with tempfile.TemporaryDirectory(prefix="harness-tsc-") as tmp:
        root = Path(tmp)
        files = []
        for index, snippet in enumerate(targets):
            name = f"snippet{index}.ts"
            # Every example is its own module, so names do not clash between examples.
            code = snippet.code if _MODULE.search(snippet.code) else snippet.code + "\nexport {};\n"
            (root / name).write_text(code)
            files.append(name)
        (root / "tsconfig.json").write_text(json.dumps(_tsconfig(modules, files, node)))
        done = subprocess.run(["node", str(tsc_path(runners_dir)), "-p", "tsconfig.json", "--pretty", "false"],
                              cwd=root, capture_output=True, text=True, timeout=timeout_s)
    found = []
    for line in done.stdout.splitlines():
        match = _DIAGNOSTIC.match(line.strip())
        if not match or match["code"] in SKIPPED_CODES:
            continue
        snippet = targets[int(match["index"])]
        at = page_line(snippet, int(match["line"]))  # a combined Worker's lines map to their blocks
        found.append(finding(TYPE_ERROR, snippet, f"does not type-check: {match['code']} {match['text']}", line=at,
                             code=match["code"]))
    return found
