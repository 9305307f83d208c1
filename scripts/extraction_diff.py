"""Does a change to extraction keep its answers? Compares what two versions of the harness extract.

For each PATH, `harness list --json` and the whole plan (every snippet as `harness.serialize` writes
it: its code, source, options, skip reason, with its runner; every diagnostic) are taken with the
harness of git REF (checked out in a temporary worktree, given this checkout's API contract and
runners' installed packages: `SHARED`) and with this checkout's, in the same folder, and compared.
Prints the first differences; exits 1 if any, 0 if both agree on every path.

    python scripts/extraction_diff.py [--ref main] PATH [PATH ...]
    python scripts/extraction_diff.py --bench-tree 1000 ../shared/corpus   # also the bench's 1,000-page tree

`--bench-tree N` adds the bench's synthetic tree of N pages (`harness.bench.corpus`), written to a
temp folder. Nothing in either output is a timing, so the two must be equal byte for byte.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import io, json, sys
import os
sys.path.insert(0, sys.argv[2])  # before the current folder's harness, which `-c` puts first
import harness
if not os.path.realpath(harness.__file__).startswith(os.path.realpath(sys.argv[2]) + os.sep):
    raise SystemExit(f"harness was imported from {harness.__file__}, not from {sys.argv[2]}")
from contextlib import redirect_stdout
from harness.cli import main
from harness.pipeline import plan
from harness.serialize import dump
listing = io.StringIO()
with redirect_stdout(listing):
    main(["list", sys.argv[1], "--json"])
the_plan = plan([sys.argv[1]])
planned = {"jobs": [{**dump(job.snippet), "runner": job.runner} for job in the_plan.jobs],
           "skipped": [dump(result) for result in the_plan.skipped],
           "pages": [dump(page) for page in the_plan.pages],
           "diagnostics": [dump(d) for d in the_plan.diagnostics]}
print(json.dumps({"list": json.loads(listing.getvalue()), "plan": planned}, indent=1, sort_keys=True, default=str))
"""


def extracted(code_root: Path, path: str) -> str:
    """What the harness at `code_root` extracts from `path` (run in this folder), as indented JSON."""
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    done = subprocess.run([sys.executable, "-c", PROBE, path, str(code_root)], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"extracting {path} with {code_root} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def compare(before_root: Path, paths: list[str]) -> int:
    """Prints the differences path by path; the number of paths that differ."""
    differing = 0
    for path in paths:
        before, after = extracted(before_root, path), extracted(ROOT, path)
        if before == after:
            print(f"same: {path} ({len(after)} bytes)")
            continue
        differing += 1
        print(f"DIFFERENT: {path}")
        lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2)
        for index, line in enumerate(lines):
            if index == 200:
                print("  ...")
                break
            print("  " + line)
    return differing


SHARED = (".harness-cache/cloudflare-contract", "runners/*/node_modules", "runners/python/.venv")
"""What extraction reads beside the code and git does not hold (the API contract, the runners' installed
packages): the other checkout is given this one's, so that only the code differs."""


def _share_installs(other: Path) -> None:
    for pattern in SHARED:
        for found in ROOT.glob(pattern):
            target = other / found.relative_to(ROOT)
            if found.exists() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(found.resolve())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="pages or folders to extract")
    parser.add_argument("--ref", default="main", help="the git ref to compare with (default main)")
    parser.add_argument("--bench-tree", type=int, default=0, help="also the bench's synthetic tree of N pages")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="harness-extraction-diff-") as tmp:
        paths = list(args.paths)
        if args.bench_tree:
            sys.path.insert(0, str(ROOT))
            from harness.bench.corpus import write_docs_tree
            write_docs_tree(Path(tmp) / "tree", args.bench_tree)
            paths.append(str(Path(tmp) / "tree"))
        before = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.ref],
                       check=True, capture_output=True)
        _share_installs(before)
        try:
            differing = compare(before, paths)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], capture_output=True)
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
