"""What the simulated world adds to a run's start: Cloudflare's API contract and the model catalog.

Each part is timed (wall time, and the CPU time of the whole) in a fresh interpreter (what a
`harness run` pays once), after the imports every run makes anyway, so the figure is the world's own
cost: importing the Cloudflare API service (with graphql-core), reading the contract's index and
answering one request's lookup, and loading the catalog. The target: all of it at most 0.5 s.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any

TARGET_S = 0.5
"""The most the contract and the catalog may add to a run's start."""

_PROBE = """
import json, time
import harness.mock.state, harness.extract  # what every run imports anyway, services aside
t0, c0 = time.perf_counter(), time.process_time()
import graphql, harness.mock.services.cloudflare_api  # the service and its GraphQL validator
from harness.mock.services.cloudflare_api.contract import load_contract
t1 = time.perf_counter()
contract = load_contract()
t2 = time.perf_counter()
contract.match("GET", "/accounts/023e105f4ecef8ad9ca31a8372d0c353/gateway/lists")
t3 = time.perf_counter()
from harness.mock.catalog import Catalog
Catalog.load()
t4, c4 = time.perf_counter(), time.process_time()
print(json.dumps({"cpu_s": c4 - c0, "import_s": t1 - t0, "index_s": t2 - t1, "first_match_s": t3 - t2,
                  "catalog_s": t4 - t3, "operations": len(contract.routes)}))
"""


def measure_world_start(rounds: int = 3) -> dict[str, Any]:
    """Medians over `rounds` fresh interpreters of each part, their sum, and whether the target holds."""
    samples = []
    for _ in range(rounds):
        done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "probe failed"}
        samples.append(json.loads(done.stdout))
    parts = ("import_s", "index_s", "first_match_s", "catalog_s")
    result: dict[str, Any] = {part: statistics.median(s[part] for s in samples) for part in parts}
    result["total_s"] = sum(result[part] for part in parts)
    result["cpu_s"] = statistics.median(s["cpu_s"] for s in samples)
    result["operations"] = samples[0]["operations"]
    return result


def world_start_target(result: dict[str, Any]) -> str:
    """The target line: contract and catalog together at most `TARGET_S` of a run's start."""
    if "error" in result:
        return f"MISSED: the world's start could not be measured: {result['error']}"
    verdict = "holds" if result["total_s"] <= TARGET_S else "MISSED"
    return (f"{verdict}: contract and catalog add {result['total_s']:.3f} s to a run's start (target <= {TARGET_S} s: "
            f"service import {result['import_s']:.3f}, contract index {result['index_s']:.3f} "
            f"({result['operations']} operations), first lookup {result['first_match_s']:.3f}, "
            f"catalog {result['catalog_s']:.3f}; CPU time {result.get('cpu_s', 0):.3f} s, less swayed by other work)")
