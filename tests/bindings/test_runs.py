"""The fixture pages of `fixtures/bindings/` end to end through the CLI: the bindings Miniflare does
not simulate answered by the mock and recorded like AI calls, a cron event for a `scheduled`-only
Worker, a Service Worker format Worker; the docker executor finds the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = "fixtures/bindings"


def run(tmp: Path, executor: str) -> dict[str, dict[str, Any]]:
    """Each snippet of the fixture pages that ran, by `page:line`."""
    out = tmp / f"{executor}.json"
    done = subprocess.run([sys.executable, "-m", "harness.cli", "run", PAGES, "--executor", executor, "--no-cache",
                           "-j", "2", "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr  # the one page defect: too many indexes
    return {f"{Path(s['page']).name}:{s['line']}": s for s in json.loads(out.read_text())["snippets"]
            if s["status"] != "skipped"}


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return run(tmp_path_factory.mktemp("local"), "local")


def body(snippet: dict[str, Any]) -> Any:
    assert (snippet["status"], snippet["exit_code"]) == ("passed", 0), snippet["stderr"]
    return json.loads(snippet["response"]["body"])


def calls(snippet: dict[str, Any]) -> list[tuple[str, str | None, int]]:
    return [(r["url"].rsplit("/__harness/binding/", 1)[-1], r.get("model"), r["status"])
            for r in snippet["requests"] if r["via"] == "binding"]


def test_rag_worker_finds_its_note_through_kv_d1_vectorize_and_ai(local: dict[str, dict[str, Any]]) -> None:
    answer = body(local["rag.md:31"])
    assert answer == {"cached": None, "context": "The office cat is called Miso.", "score": 1,
                      "metadata": {"kind": "note"}, "answered": "string", "vectors": 2, "dimensions": 768}
    assert [c for c in calls(local["rag.md:31"]) if c[1] and c[1].startswith("vectorize:")] == [
        ("vectorize/upsert", "vectorize:VECTOR_INDEX", 200), ("vectorize/query", "vectorize:VECTOR_INDEX", 200),
        ("vectorize/describe", "vectorize:VECTOR_INDEX", 200)]


def test_service_assets_and_analytics_are_recorded(local: dict[str, dict[str, Any]]) -> None:
    gateway = local["gateway.md:28"]
    assert body(gateway) == {"auth": 200, "page": "text/html; charset=utf-8", "style": "text/css; charset=utf-8"}
    assert calls(gateway) == [("service/fetch", "service:AUTH", 200), ("assets/fetch", "assets:ASSETS", 200),
                              ("assets/fetch", "assets:ASSETS", 200),
                              ("analytics_engine/writeDataPoint", "analytics_engine:REQUESTS", 200)]
    point = next(r["json"] for r in gateway["requests"] if r.get("model") == "analytics_engine:REQUESTS")
    assert point == {"blobs": ["/", "GET"], "doubles": [200], "indexes": ["gateway"]}


def test_a_data_point_over_the_limits_throws(local: dict[str, dict[str, Any]]) -> None:
    too_many = local["gateway.md:44"]
    assert too_many["status"] == "failed" and calls(too_many) == []
    assert "RangeError: writeDataPoint(): at most 1 index per data point, got 2" in too_many["response"]["body"]


def test_stream_uploads_and_reads_back_a_video(local: dict[str, dict[str, Any]]) -> None:
    uploaded = local["stream.md:16"]
    assert body(uploaded) == {"name": "launch.mp4", "team": "launch", "ready": True, "count": 1}
    assert [c[0] for c in calls(uploaded)] == ["stream/upload", "stream/details", "stream/list"]


def test_puppeteer_screenshots_a_page_of_the_simulated_origin(local: dict[str, dict[str, Any]]) -> None:
    shot = local["browser.md:16"]
    assert body(shot) == {"title": "shop.example.com", "screenshot": True, "png": "PNG", "pdf": "%PDF-"}
    assert [c[0] for c in calls(shot)] == ["browser/acquire", "browser/goto", "browser/screenshot", "browser/pdf"]
    goto = next(r["json"] for r in shot["requests"] if r["url"].endswith("/goto"))
    assert goto == {"action": "goto", "args": [{"url": "https://shop.example.com/products"}]}


def test_a_scheduled_only_worker_gets_a_cron_event(local: dict[str, dict[str, Any]]) -> None:
    cron = local["cron.md:20"]
    assert body(cron) == {"outcome": "ok", "noRetry": False}
    assert "cleaned up on */5 * * * *: */5 * * * *" in cron["stdout"]  # its KV write, read back
    assert [r["url"] for r in cron["requests"]] == ["https://status.example.com/ping"]  # its waitUntil work


def test_a_service_worker_format_worker_answers(local: dict[str, dict[str, Any]]) -> None:
    assert local["cron.md:32"]["response"]["body"] == "Hello from /"


@pytest.mark.docker
def test_docker_finds_the_same(local: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    docker = run(tmp_path, "docker")

    def verdicts(found: dict[str, dict[str, Any]]) -> dict[str, Any]:
        return {where: (s["status"], s["response"] and s["response"]["status"], calls(s),
                        [(f["rule"], f["severity"]) for f in s["findings"]]) for where, s in found.items()}

    assert verdicts(docker) == verdicts(local)
