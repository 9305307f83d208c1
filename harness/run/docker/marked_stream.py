"""A job's answer on a container's attach or exec stream: the snippet's stdout and stderr, each up to a
marker that the shell running it writes when the job ends, then the shell's own report. Shared by the
warm supervisor (`warm_container`) and the one-job containers of `--isolation snippet` (`fresh_job`),
which read their reports differently."""

from __future__ import annotations


class MarkedStream:
    """One stream of the answer: the snippet's bytes up to `marker`, kept up to `limit`, then the
    shell's (`after`) in full."""

    def __init__(self, limit: int, marker: bytes) -> None:
        self._limit, self._marker = limit, marker
        self.kept, self.size = bytearray(), 0
        self.after: bytearray | None = None
        self._held = b""

    def feed(self, chunk: bytes) -> None:
        if self.after is not None:
            self.after += chunk
            return
        data = self._held + chunk
        found = data.find(self._marker)
        if found >= 0:
            self._keep(data[:found])
            self.after, self._held = bytearray(data[found + len(self._marker):]), b""
            return
        hold = min(len(data), len(self._marker) - 1)  # a marker may be cut between two frames
        self._keep(data[: len(data) - hold])
        self._held = data[len(data) - hold:]

    def _keep(self, chunk: bytes) -> None:
        self.kept += chunk[: max(self._limit - len(self.kept), 0)]
        self.size += len(chunk)

    @property
    def truncated(self) -> bool:
        return self.size + len(self._held) > self._limit

    def text(self) -> str:
        return (self.kept + self._held[: max(self._limit - len(self.kept), 0)]).decode("utf-8", errors="replace")


class MarkedAnswer:
    """Both streams of one job's answer, as frames arrive: stdout ends at `\\n<mark> `, stderr at
    `\\n<mark>\\n`; the report is the two lines after the stdout marker."""

    def __init__(self, limit: int, mark: str) -> None:
        self.mark = mark
        self.out = MarkedStream(limit, f"\n{mark} ".encode())
        self.err = MarkedStream(limit, f"\n{mark}\n".encode())

    def feed(self, stream: int, data: bytes) -> None:
        if stream == 1:
            self.out.feed(data)
        elif stream == 2:
            self.err.feed(data)

    @property
    def complete(self) -> bool:
        """Both markers seen, and the report's two lines."""
        return self.err.after is not None and self.out.after is not None and self.out.after.count(b"\n") >= 2

    def report_lines(self) -> list[str]:
        """The report's two lines once complete, else []."""
        if not self.complete or self.out.after is None:
            return []
        return self.out.after.decode("ascii", errors="replace").split("\n")[:2]

    @property
    def truncated(self) -> bool:
        return self.out.truncated or self.err.truncated
