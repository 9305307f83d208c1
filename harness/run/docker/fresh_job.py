"""The one job of a fresh snippet container (`fresh_container`): the waiting first process, the job it
reads, and the answer it writes (POSIX sh, coreutils and tar, which every runner image has).

The first process (`ONE_SHOT`, under the engine's init) reads one job line, `MARK RESULT SIZE COMMAND`
(`job_line`: MARK a nonce, RESULT the result file's name in base64 or `-`, SIZE the bytes of the work
dir's tar that follow the line, COMMAND the snippet's command as sh words in base64: `env`, the
launch's environment, its argv), lays the tar into the cwd (/work), and runs the command with stdin
from /dev/null in a process group (and session) of its own, as the engine's init would have started
it (util-linux `setsid`, which does not fork here). When the command ends it writes, after the snippet's own output,
`\\n<MARK> <exit code> <result 0|1>\\n<result file, base64>\\n` on stdout and `\\n<MARK>\\n` on stderr,
and exits: the host knows the outcome without waiting for the container to be torn down, and reads
the result file without a round trip to the engine. Nothing of the shell's own goes to the snippet's
stderr after the job is laid out. A job it cannot start exits without a report (125: no job, 122:
the tar does not unpack, 123/124: an unreadable command), as the command's own failure would have.
"""

from __future__ import annotations

import base64
import shlex

from harness.run.base import Launch
from harness.run.docker.marked_stream import MarkedAnswer
from harness.run.docker.sandbox import WORKDIR

ONE_SHOT = r"""
read -r mark result size command || exit 125
if [ "$size" != 0 ]; then
  head -c "$size" | tar -x -f - || exit 122
fi
[ "$result" = - ] && result= || result=$(printf %s "$result" | base64 -d) || exit 123
command=$(printf %s "$command" | base64 -d) || exit 123
eval "set -- $command" || exit 124
unset PWD OLDPWD command size
exec 4>&2 2>/dev/null
setsid "$@" </dev/null 2>&4 4>&-
code=$?
has=0 answer=
if [ -n "$result" ] && [ -f "$result" ]; then
  answer=$(base64 -w0 < "$result") && has=1 || answer=
fi
printf '\n%s %s %s\n%s\n' "$mark" "$code" "$has" "$answer"
printf '\n%s\n' "$mark" >&4
"""
"""The first process of a fresh snippet container: runs one job, reports, exits (see the module docstring)."""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def job_line(mark: str, launch: Launch, archive_size: int) -> bytes:
    """The job for `ONE_SHOT`; the work dir's tar of `archive_size` bytes is to follow it."""
    argv = [part.replace("{workdir}", WORKDIR) for part in launch.argv]
    words = ["env", *(f"{name}={value}" for name, value in launch.env.items()), *argv]
    result = _b64(launch.result_file) if launch.result_file else "-"
    return f"{mark} {result} {archive_size} {_b64(shlex.join(words))}\n".encode("ascii")


class Answer(MarkedAnswer):
    """What the container sends back for its job, as it arrives (frames of the attach stream)."""

    @property
    def report(self) -> tuple[int, bytes | None] | None:
        """(exit code, the result file or None), or None before it is complete or when unreadable."""
        lines = self.report_lines()
        if not lines:
            return None
        head, answer = lines
        fields = head.split()
        if len(fields) != 2 or not all(field.isdigit() for field in fields):
            return None
        return int(fields[0]), base64.b64decode(answer) if fields[1] == "1" else None
