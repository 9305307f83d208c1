"""Cache, --changed-since, --shard and merge, through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "fixtures" / "pages"


def harness(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def verdicts(data: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {s["id"]: (s["status"], sorted(f["rule"] for f in s["findings"])) for s in data["snippets"]}


def copy_pages(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(PAGES / "workers-ai", docs)
    shutil.copy(PAGES / "seed.md", docs / "seed.md")
    return docs


def test_second_run_is_all_cached_and_identical(tmp_path: Path) -> None:
    copy_pages(tmp_path)
    first = harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--json", "1.json")
    second = harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--json", "2.json")
    a, b = report(tmp_path / "1.json"), report(tmp_path / "2.json")
    assert first.returncode == second.returncode
    assert verdicts(a) == verdicts(b)
    ran = [s for s in b["snippets"] if s["runner"]]
    assert ran and all(s["cached"] for s in ran) and b["summary"]["cached"] == len(ran)


def test_an_edited_snippet_runs_again_and_config_needs_no_run(tmp_path: Path) -> None:
    docs = copy_pages(tmp_path)
    harness(tmp_path, "run", "--executor", "local", "docs", "-q")
    seed = docs / "seed.md"
    seed.write_text(seed.read_text().replace('"Tell me a story")\nprint(output)', '"Tell me a tale")\nprint(output)'))
    (tmp_path / "harness.toml").write_text('[rules]\nREQ003 = "warning"\n')
    harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--json", "r.json")
    data = report(tmp_path / "r.json")
    fresh = [s["id"] for s in data["snippets"] if s["runner"] and not s["cached"]]
    assert fresh == ["docs/seed.md::g1::python"]
    python = next(s for s in data["snippets"] if s["id"] == "docs/seed.md::g1::python")
    assert {f["rule"]: f["severity"] for f in python["findings"]}["REQ003"] == "warning"
    assert all(s["status"] != "failed" or any(f["severity"] == "error" for f in s["findings"])
               for s in data["snippets"])


def test_no_cache_runs_everything(tmp_path: Path) -> None:
    copy_pages(tmp_path)
    harness(tmp_path, "run", "--executor", "local", "docs", "-q")
    harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--no-cache", "--json", "r.json")
    assert report(tmp_path / "r.json")["summary"]["cached"] == 0


def test_shards_split_pages_disjointly_and_merge_to_the_whole(tmp_path: Path) -> None:
    copy_pages(tmp_path)
    harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--no-cache", "--json", "all.json")
    for i in (1, 2, 3):
        harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--no-cache", "--shard", f"{i}/3",
                "--json", f"s{i}.json")
    shards = [report(tmp_path / f"s{i}.json") for i in (1, 2, 3) if (tmp_path / f"s{i}.json").exists()]
    pages = [p for shard in shards for p in shard["pages"]]
    assert sorted(pages) == sorted(report(tmp_path / "all.json")["pages"]) and len(pages) == len(set(pages))
    names = [f"s{i}.json" for i in (1, 2, 3) if (tmp_path / f"s{i}.json").exists()]
    merged = harness(tmp_path, "merge", *names, "--json", "merged.json", "--junit", "merged.xml")
    assert merged.returncode == 1  # the seed page fails, whichever shard it fell in
    assert verdicts(report(tmp_path / "merged.json")) == verdicts(report(tmp_path / "all.json"))
    assert (tmp_path / "merged.xml").read_text().count("<testcase ") >= len(verdicts(report(tmp_path / "all.json")))


def test_changed_since_runs_only_changed_pages(tmp_path: Path) -> None:
    docs = copy_pages(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "docs"], check=True)
    subprocess.run([*git, "commit", "-qm", "pages"], check=True)
    rest = docs / "rest-api.md"
    rest.write_text(rest.read_text() + "\n")
    harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--changed-since", "HEAD", "--json", "r.json")
    assert report(tmp_path / "r.json")["pages"] == ["docs/rest-api.md"]
    bad = harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--changed-since", "no-such-ref")
    assert bad.returncode == 2 and "--changed-since" in bad.stderr


def test_a_new_scenario_runs_everything_again(tmp_path: Path) -> None:
    copy_pages(tmp_path)
    harness(tmp_path, "run", "--executor", "local", "docs", "-q")
    (tmp_path / "harness.toml").write_text('[[scenarios]]\nmodels = ["@cf/*"]\nerror = "rate-limit"\n')
    harness(tmp_path, "run", "--executor", "local", "docs", "-q", "--json", "r.json")
    data = report(tmp_path / "r.json")
    assert data["summary"]["cached"] == 0
    answered = [r["status"] for s in data["snippets"] for r in s["requests"] if r["model"]]
    assert answered and set(answered) == {429}
