"""Choosing pages: a stable shard of them (for a CI matrix), or those changed since a git ref."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Sequence
from pathlib import Path

from harness.errors import HarnessError


def parse_shard(text: str) -> tuple[int, int]:
    """`2/4` -> (2, 4); the first shard is 1."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise HarnessError(f"--shard {text!r}: expected I/N, e.g. 1/4") from None
    if not 1 <= index <= count:
        raise HarnessError(f"--shard {text!r}: I must be between 1 and N")
    return index, count


def in_shard(display: str, shard: tuple[int, int]) -> bool:
    """Whether a page belongs to shard I of N: by a hash of its path, so the split is the same on
    every machine and a page's snippets stay together (tab parity needs the whole page)."""
    index, count = shard
    bucket = int(hashlib.sha256(display.encode()).hexdigest()[:12], 16) % count
    return bucket == index - 1


def changed_since(ref: str, pages: Sequence[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The pages changed (committed, staged, unstaged or untracked) since `ref` in their git repository."""
    if not pages:
        return []
    where = pages[0][0].resolve().parent
    top = _git(where, "rev-parse", "--show-toplevel").strip()
    listed = _git(where, "diff", "--name-only", ref, "--") + _git(where, "ls-files", "--others", "--exclude-standard")
    changed = {(Path(top) / line).resolve() for line in listed.splitlines() if line.strip()}
    return [(path, display) for path, display in pages if path.resolve() in changed]


def _git(where: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise HarnessError(f"--changed-since: git {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout
