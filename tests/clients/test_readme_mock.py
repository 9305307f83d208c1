"""The README's `harness mock` section works when pasted: each example of the README's section "The mock on its own"
(curl, the official Python SDK, `openai`) runs unchanged against a `harness mock` started as the
section says, only on free ports instead of the default ones."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mock.sdk_envs import python_env

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "## The mock on its own: `harness mock`"


def section() -> str:
    """The README's `harness mock` section, from its heading to the next one."""
    text = README.read_text()
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start : end if end != -1 else len(text)]
BLOCK = re.compile(r"```(sh|python)\n(.*?)```", re.S)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def examples() -> list[tuple[str, str]]:
    """`(language, code)` of each block after the one that starts the mock and the `export` one."""
    blocks = BLOCK.findall(section())
    return [(lang, code) for lang, code in blocks if "harness mock" not in code and not code.startswith("export ")]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("readme")
    ports = {"8443": str(free_port()), "8081": str(free_port()), "8080": str(free_port())}
    argv = [str(Path(sys.executable).parent / "harness"), "mock", "--state-dir", ".harness-mock",
            "--tls-port", ports["8443"], "--app-port", ports["8081"], "--proxy-port", ports["8080"]]  # fmt: skip
    process = subprocess.Popen(argv, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    printed = ""
    deadline = time.monotonic() + 30
    while "journal:" not in printed and time.monotonic() < deadline:
        printed += process.stdout.readline()
    try:
        assert "account_id=023e105f4ecef8ad9ca31a8372d0c353" in printed and "api_token=harness-test-token" in printed
        assert "OpenAI-compatible base URL: " in printed and "AI Gateway base URL: " in printed
        yield folder, ports
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(15)


def run(folder: Path, ports: dict[str, str], lang: str, code: str) -> str:
    for default, port in ports.items():
        code = code.replace(default, port)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    [export] = [c for lang, c in BLOCK.findall(section()) if c.startswith("export ")]
    if lang == "sh":
        argv = ["bash", "-ec", export + code]
    else:
        ca = str(folder / ".harness-mock" / "ca.pem")
        env.update(SSL_CERT_FILE=ca, REQUESTS_CA_BUNDLE=ca, NODE_EXTRA_CA_CERTS=ca)
        argv = [str(python_env("openai==3.51.0", "cloudflare==5.9.0", "langchain-cloudflare==0.4.3")), "-c", code]
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("index", range(len(examples())))
def test_each_example_works_when_pasted(served: tuple[Path, dict[str, str]], index: int) -> None:
    folder, ports = served
    lang, code = examples()[index]
    out = run(folder, ports, lang, code)

    if "__harness/journal" in code:
        assert [e["status"] for e in json.loads(out)] and all(e["status"] == 200 for e in json.loads(out))
    elif lang == "python":
        assert out.startswith("Mock answer from @cf/meta/llama-3.1-8b-instruct")
    else:
        answer = json.loads(out)
        text = answer["result"]["response"] if "result" in answer else answer["choices"][0]["message"]["content"]
        assert text.startswith("Mock answer from")
