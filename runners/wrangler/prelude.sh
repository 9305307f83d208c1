#!/bin/bash
# Runs a wrangler snippet: the project's node_modules is this runner's (as `npm install` would leave it),
# then the snippet with `bash -e`, in the work dir. $1: the snippet file; $HARNESS_PROJECT_DIR: where
# the page's project files were laid (the work dir, or the folder an earlier `npm create` made).
# $HARNESS_DEV_BLOCK (a file): the block of the page that starts `wrangler dev`, which a reader keeps
# running in a second terminal while this block (`curl http://localhost:8787/`) runs: it is started in
# the background first (dev.mjs), and stopped when this block ends.
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$here/bin:$PATH"
for dir in . "${HARNESS_PROJECT_DIR:-.}"; do
  if [ -d "$dir" ] && [ -f "$dir/package.json" ] && [ ! -e "$dir/node_modules" ]; then
    ln -s "$here/node_modules" "$dir/node_modules"
  fi
done
# What the harness makes before the block runs (`.harness-before.sh` in the project: the D1 tables a Pages
# Function queries, `harness/extract/wrangler_folders.py`); failing there is the harness's error (75).
before="${HARNESS_PROJECT_DIR:-.}/.harness-before.sh"
if [ -f "$before" ]; then
  if ! (cd "${HARNESS_PROJECT_DIR:-.}" && bash -e .harness-before.sh </dev/null >.harness-before.log 2>&1); then
    echo "harness-infra: the harness's set-up before this block failed:" >&2
    cat "${HARNESS_PROJECT_DIR:-.}/.harness-before.log" >&2
    exit 75
  fi
fi
stand_ins() {  # the value a reader types each time `wrangler secret put` asks for one (a few, then end of input)
  for _ in 1 2 3 4 5 6 7 8; do echo harness-stand-in-secret; done
}
if [ -z "$HARNESS_DEV_BLOCK" ]; then
  stand_ins | bash -e "$1"
  exit
fi

export HARNESS_DEV_READY_FILE="$PWD/.harness-dev-ready"
rm -f "$HARNESS_DEV_READY_FILE"
set -m  # the dev server's block in its own process group, so that it can be stopped as a whole
bash -e "$HARNESS_DEV_BLOCK" </dev/null >.harness-dev.log 2>&1 &
dev=$!
set +m
while [ ! -e "$HARNESS_DEV_READY_FILE" ]; do
  if ! kill -0 "$dev" 2>/dev/null; then
    wait "$dev"; status=$?
    [ "$status" = 75 ] && { cat .harness-dev.log >&2; exit 75; }  # no port for it: the harness's error
    if [ -n "$HARNESS_DEV_STANDIN" ]; then  # the harness's own server, which no block of the page starts
      cat .harness-dev.log >&2
      echo "harness-infra: the harness's wrangler dev serving line $HARNESS_DEV_LINE did not start:" \
        "$(sed 's/\x1b\[[0-9;]*m//g' .harness-dev.log | grep -m2 -F '[ERROR]' | tail -n1 | sed 's/^ *//')" >&2
      exit 75
    fi
    echo "harness: the dev server of line $HARNESS_DEV_LINE did not start (that block says why), so this block" \
      "has nothing to call" >&2
    exit 1
  fi
  sleep 0.1
done
unset HARNESS_DEV_READY_FILE
ready_at=$(wc -c <.harness-dev.log)
stand_ins | bash -e "$1"
status=$?
sleep 0.2  # the server's log line about the last request
# The Worker threw while this block called it (its answer was wrangler's error page or a 500 outcome):
# the reader's second terminal shows the error; the block did not get what the page shows.
threw=$(tail -c "+$((ready_at + 1))" .harness-dev.log | sed 's/\x1b\[[0-9;]*m//g' \
  | grep -m1 -E '\[ERROR\]|\[wrangler:error\]')
kill -TERM -- "-$dev" 2>/dev/null
wait "$dev"
if [ "$status" = 0 ] && [ -n "$threw" ]; then
  echo "harness: the dev server's Worker (line $HARNESS_DEV_LINE) threw while this block called it: $threw" >&2
  exit 1
fi
exit "$status"
