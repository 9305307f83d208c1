"""The in-container side of a warm container: an idle first process, and the standing supervisor that
runs the snippets one at a time (POSIX sh, coreutils and util-linux, which every runner image has, so
no image needs a file of its own and a remote engine needs nothing from this machine).

The supervisor is one `docker exec -i` for the container's whole life. It reads a job, runs it,
cleans up and reports, then reads the next. A job is one JSON line, `[MARK, TIMEOUT, RESULT, COMMAND,
SIZE]` (`job_line`), whose strings hold only base64, digits and `.+e` (so sh splits it without a
JSON parser): MARK a nonce, TIMEOUT in seconds, RESULT the result file's name in base64 ('' for
none), COMMAND the snippet's command line as sh words in base64 (`env -i` with its whole
environment, then its argv), SIZE the bytes of the tar of its work dir that follow the line ('0' for
none). The snippet's stdout and stderr go to the exec's own streams; after them the supervisor
prints `\\n<MARK> <exit code> <timed out 0|1> <clean 0|1> <result 0|1>\\n<result file, base64>\\n`
on stdout and `\\n<MARK>\\n` on stderr. A job it cannot even start (an unreadable line, a tar that
does not unpack) ends the supervisor: the host then gives the container up.
"""

from __future__ import annotations

import base64
import json
import shlex
from collections.abc import Mapping, Sequence

IDLE = ("/bin/sh", "-c", "while :; do sleep 2147483647; done")
"""The first process (PID 1) of a warm container. As the namespace's init it cannot be killed from
inside (so `kill -KILL -1` spares it); waiting on its `sleep` it reaps the orphans snippets leave."""

SUPERVISOR = r"""
# fd 4: the exec's stderr, for the snippets; nothing of the supervisor's own (a shell's "Killed") goes there.
exec 4>&2 2>/dev/null
scratch='/work /tmp /dev/shm /dev/mqueue'  # all a sandboxed snippet can write
wipe() {
  set --
  for dir in $scratch; do set -- "$@" "$dir"/* "$dir"/.[!.]* "$dir"/..?*; done
  rm -rf "$@"
}
while IFS= read -r job; do
  set -f; IFS=,
  set -- $(printf %s "$job" | tr -d '[]"')
  unset IFS; set +f
  [ $# -eq 5 ] || exit 123
  mark=$1 limit=$2 result=$(printf %s "$3" | base64 -d) command=$(printf %s "$4" | base64 -d) size=$5
  eval "set -- $command" || exit 124
  cd /work || exit 121
  if [ "$size" != 0 ]; then
    head -c "$size" | { tar -x -f - && cat >/dev/null; } || exit 122
  fi
  # The snippet: a session and process group of its own (not a group leader here, setsid does not
  # fork, so $! is the session id); stdin is /dev/null, as in a cold container.
  setsid "$@" </dev/null 2>&4 4>&- &
  child=$!
  # The watchdog: at the timeout it kills the snippet's whole process group.
  ( sleep "$limit"; kill -KILL "-$child" ) </dev/null >/dev/null 4>&- &
  dog=$!
  wait "$child"
  code=$?
  kill -KILL "$dog"
  wait "$dog"
  [ $? -eq 137 ] && late=0 || late=1
  has=0 answer=
  if [ -n "$result" ] && [ -f "$result" ]; then
    has=1 answer=$(base64 -w0 < "$result")
  fi
  # Then everything else the snippet left: its process group, and every process of this user but this
  # shell (PID 1 is spared by the kernel).
  kill -KILL "-$child"
  kill -KILL -1
  kill -KILL -1
  cd /
  # A snippet may have taken its own permissions away: then give them back and wipe again.
  wipe || { chmod -R u+rwx $scratch; wipe; } && clean=1 || clean=0
  ipc=0  # System V IPC objects outlive their processes: remove them if there are any
  for table in /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg; do
    [ -r "$table" ] || ipc=1
    { read -r _ && read -r _ && ipc=1; } < "$table"
  done
  [ "$ipc" = 0 ] || ipcrm --all || clean=0
  printf '\n%s %s %s %s %s\n%s\n' "$mark" "$code" "$late" "$clean" "$has" "$answer"
  printf '\n%s\n' "$mark" >&4
done
"""
"""Runs the jobs it reads on stdin, one at a time, each leaving the container as a fresh one."""

START = 'unset PWD OLDPWD; exec "$@"'
"""Becomes the snippet's command, with the environment `env -i` gave it and nothing of this shell (PWD)."""


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode("ascii")


def job_line(mark: str, timeout_s: float, result_file: str, env: Mapping[str, str], argv: Sequence[str],
             archive_size: int) -> bytes:
    """One job for the supervisor (see the module docstring); the work dir's tar of `archive_size`
    bytes is to follow it."""
    words = ["env", "-i", *(f"{name}={value}" for name, value in env.items()),
             "/bin/sh", "-c", START, "harness-snippet", *argv]
    job = [mark, f"{timeout_s:g}", _b64(result_file), _b64(shlex.join(words)), str(archive_size)]
    return json.dumps(job, separators=(",", ":")).encode("ascii") + b"\n"
