"""The in-container side of a warm container: an idle first process, and the supervisor that runs
one snippet per `docker exec` (both POSIX sh and coreutils, which every runner image has, so no
image needs a file of its own and a remote engine needs nothing from this machine).

The supervisor's arguments: `TIMEOUT RESULT MARK FILES ARGV...`. FILES is the work dir's files as a
base64 tar (empty when they were put in with `put_archive`), RESULT the result file ('' for none),
MARK a nonce. After the snippet's own output it prints, on stdout,
`\\n<MARK> <exit code> <timed out 0|1> <clean 0|1> <result 0|1>\\n<result file, base64>\\n`.
"""

from __future__ import annotations

IDLE = ("/bin/sh", "-c", "while :; do sleep 2147483647; done")
"""The first process (PID 1) of a warm container. As the namespace's init it cannot be killed from
inside (so `kill -KILL -1` spares it); waiting on its `sleep` it reaps the orphans snippets leave."""

SUPERVISOR = r"""
limit=$1 result=$2 mark=$3 files=$4
shift 4
cd /work || exit 121
if [ -n "$files" ]; then
  printf '%s' "$files" | base64 -d | tar -x -f - || exit 122
fi
# The snippet: a session and process group of its own (not a group leader here, setsid does not fork,
# so $! is the session id); stdin is /dev/null and the environment is the exec's, as in a cold container.
unset PWD OLDPWD
setsid "$@" </dev/null &
child=$!
# The watchdog: at the timeout it kills the snippet's whole process group.
( sleep "$limit"; kill -KILL "-$child" ) </dev/null >/dev/null 2>&1 &
dog=$!
exec 2>/dev/null  # the rest is the supervisor's: nothing of it (a shell's "Killed") joins the snippet's stderr
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
# shell (a warm container runs one snippet at a time; PID 1 is spared by the kernel).
kill -KILL "-$child"
kill -KILL -1
kill -KILL -1
cd /
scratch='/work /tmp /dev/shm /dev/mqueue'  # all a sandboxed snippet can write
wipe() {
  set --
  for dir in $scratch; do set -- "$@" "$dir"/* "$dir"/.[!.]* "$dir"/..?*; done
  rm -rf "$@"
}
# A snippet may have taken its own permissions away: then give them back and wipe again.
wipe || { chmod -R u+rwx $scratch; wipe; } && clean=1 || clean=0
ipc=0  # System V IPC objects outlive their processes: remove them if there are any
for table in /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg; do
  [ -r "$table" ] || ipc=1
  { read -r _ && read -r _ && ipc=1; } < "$table"
done
[ "$ipc" = 0 ] || ipcrm --all || clean=0
printf '\n%s %s %s %s %s\n%s\n' "$mark" "$code" "$late" "$clean" "$has" "$answer"
"""
"""Runs one snippet in a warm container and leaves the container as a fresh one (see the module doc)."""
