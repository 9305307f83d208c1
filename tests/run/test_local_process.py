"""The local executor's process handling: files, exit codes, time-outs, output limits."""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path

from harness.run.base import Launch
from harness.run.local.process import base_env, run_process


def py(code: str, **kwargs: object) -> Launch:
    return Launch(argv=(sys.executable, "{workdir}/main.py"), files={"main.py": code.encode()}, **kwargs)  # type: ignore[arg-type]


def test_exit_code_and_both_streams_are_captured(tmp_path: Path) -> None:
    out = run_process(py("import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)\n"), tmp_path, 10)
    assert (out.exit_code, out.stdout, out.stderr, out.timed_out) == (3, "out\n", "err\n", False)


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    code = "import subprocess, time\nsubprocess.Popen(['sleep', '60'])\ntime.sleep(60)\n"
    started = time.monotonic()
    out = run_process(py(code), tmp_path, 1.0)
    assert out.timed_out and out.exit_code is None
    assert time.monotonic() - started < 10


def test_output_beyond_the_limit_is_dropped_and_flagged(tmp_path: Path) -> None:
    out = run_process(py("import sys\nsys.stdout.write('x' * 5_000_000)\n"), tmp_path, 30, output_limit=1000)
    assert out.exit_code == 0 and len(out.stdout) == 1000 and out.output_truncated


def test_environment_is_minimal_and_launch_env_is_added(tmp_path: Path) -> None:
    code = "import os, json\nprint(json.dumps(dict(os.environ)))\n"
    out = run_process(py(code, env={"HTTPS_PROXY": "http://t:x@127.0.0.1:1"}), tmp_path, 10)
    env = json.loads(out.stdout)
    assert env["HTTPS_PROXY"] == "http://t:x@127.0.0.1:1"
    assert env["HOME"] == str(tmp_path)
    assert set(env) - {"PATH", "HOME", "LANG", "TMPDIR", "HTTPS_PROXY", "LC_CTYPE"} == set()
    assert set(base_env(tmp_path)) == {"PATH", "HOME", "LANG", "TMPDIR"}


def test_worker_result_file_becomes_the_response(tmp_path: Path) -> None:
    result = {"status": 201, "headers": [["content-type", "text/plain"]], "body_b64": base64.b64encode(b"hi").decode()}
    code = f"open('r.json', 'w').write({json.dumps(json.dumps(result))})\n"
    out = run_process(py(code, result_file="r.json"), tmp_path, 10)
    assert out.response is not None
    assert (out.response.status, out.response.header("Content-Type"), out.response.body) == (201, "text/plain", b"hi")


def test_missing_interpreter_is_an_infrastructure_error(tmp_path: Path) -> None:
    out = run_process(Launch(argv=("/nonexistent/python",)), tmp_path, 10)
    assert out.infra_error is not None and "cannot start /nonexistent/python" in out.infra_error
