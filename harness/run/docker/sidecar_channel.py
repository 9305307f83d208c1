"""A standing line to the mock sidecar's admin paths, for the docker executor.

`MockSidecar.register` and `.journal` each `docker exec` a fresh Python running `admin.py` (about
90 ms, twice a snippet). The channel instead keeps one `docker exec -i` of a small relay open for
the whole run: a JSON line `[command, snippet id]` in, a JSON line `{"ok": ...}` or `{"error": ...}`
out, one request at a time, over the engine's API (so a remote engine works the same). The relay
uses admin.py's own `call`. A channel that breaks raises `ChannelBroken`; the executor then goes
back to one exec per call.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from docker import DockerClient

from harness.errors import HarnessError
from harness.run.docker.exec_stream import FRAME_HEADER, ExecStream

RELAY = r"""
import json, sys, urllib.parse
sys.path.insert(0, "/opt/harness")
from admin import call
for line in sys.stdin:
    command, snippet_id = json.loads(line)
    try:
        if command == "register":
            answer = call("POST", "/__harness/register", {"snippet_id": snippet_id})
        else:  # "journal" reads one snippet's entries, "take" reads them and the mock forgets them
            method = "GET" if command == "journal" else "DELETE"
            answer = call(method, "/__harness/journal?" + urllib.parse.urlencode({"snippet": snippet_id}))
        reply = {"ok": json.loads(answer)}
    except Exception as error:
        reply = {"error": f"{type(error).__name__}: {error}"}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
"""
TIMEOUT_S = 30.0


class ChannelBroken(Exception):
    """The relay or its connection is gone (not an answer of the mock)."""


class SidecarChannel:
    """One relay process in the sidecar and the socket to it; `ask` is thread-safe."""

    def __init__(self, client: DockerClient, container_id: str, python: str) -> None:
        self._stream = ExecStream(client, container_id, [python, "-c", RELAY])
        self._socket = self._stream.socket
        self._socket.settimeout(TIMEOUT_S)
        self._lock = threading.Lock()
        self._stdout = b""

    def close(self) -> None:
        """Ends the relay (it reads end of input) and the connection."""
        self._stream.close()

    def ask(self, command: str, snippet_id: str) -> Any:
        """The mock's answer to `register` or `journal` for `snippet_id`."""
        with self._lock:
            try:
                self._socket.sendall(json.dumps([command, snippet_id]).encode() + b"\n")
                reply = json.loads(self._line())  # nothing, or half a line, when the sidecar died
            except (OSError, ValueError) as error:
                raise ChannelBroken(str(error)) from error
        if "error" in reply:
            raise HarnessError(f"mock admin `{command}` failed: {reply['error']}")
        return reply["ok"]

    def _line(self) -> bytes:
        while b"\n" not in self._stdout:
            stream, size = FRAME_HEADER.unpack(self._exactly(FRAME_HEADER.size))
            data = self._exactly(size)
            if stream == 1:
                self._stdout += data
            elif stream == 2:
                raise ChannelBroken(data.decode("utf-8", errors="replace").strip()[-300:])
        line, self._stdout = self._stdout.split(b"\n", 1)
        return line

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self._socket.recv(size - len(data))
            if not chunk:
                raise ChannelBroken("the relay's connection ended")
            data += chunk
        return data
