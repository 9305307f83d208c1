"""One standing `docker exec -i` over the engine's API, and the engine's framing of its output.

The docker executor keeps three kinds of them open for a run: the relay to the mock sidecar
(`sidecar_channel`), each warm container's supervisor (`warm_container`) and each warm Worker server
(`docker_warm_worker`). Bytes go in on the exec's stdin; its stdout and stderr come back multiplexed
in frames of an 8-byte header (stream 1 or 2, then the length) and the data.
"""

from __future__ import annotations

import contextlib
import socket
import struct
from typing import Any

from docker import DockerClient

FRAME_HEADER = struct.Struct(">BxxxL")
"""A frame's header: the stream (1 stdout, 2 stderr), three zero bytes, the data's length."""


class ExecStream:
    """Starts `argv` in a running container as a `docker exec -i` and holds the socket to it."""

    def __init__(self, client: DockerClient, container_id: str, argv: list[str], **options: Any) -> None:
        """`options`: what else `exec_create` takes (user, workdir, environment)."""
        self.exec_id: str = client.api.exec_create(container_id, argv, stdin=True, **options)["Id"]
        self._raw = client.api.exec_start(self.exec_id, socket=True)
        self.socket: socket.socket = getattr(self._raw, "_sock", self._raw)  # docker-py may wrap it in a SocketIO

    def close(self) -> None:
        """Ends the exec's input and the connection; wakes a thread blocked reading it. Safe to repeat."""
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._raw.close()
            self.socket.close()


def split_frames(buffer: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """The complete frames at the start of `buffer`, as (stream, data), and what is left of it."""
    frames = []
    while len(buffer) >= FRAME_HEADER.size:
        stream, size = FRAME_HEADER.unpack_from(buffer)
        end = FRAME_HEADER.size + size
        if len(buffer) < end:
            break
        frames.append((stream, buffer[FRAME_HEADER.size:end]))
        buffer = buffer[end:]
    return frames, buffer
