#!/bin/bash
# Runs a wrangler snippet: the project's node_modules is this runner's (as `npm install` would leave it),
# then the snippet with `bash -e`, in the work dir. $1: the snippet file; $HARNESS_PROJECT_DIR: where
# the page's project files were laid (the work dir, or the folder an earlier `npm create` made).
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$here/bin:$PATH"
for dir in . "${HARNESS_PROJECT_DIR:-.}"; do
  if [ -d "$dir" ] && [ -f "$dir/package.json" ] && [ ! -e "$dir/node_modules" ]; then
    ln -s "$here/node_modules" "$dir/node_modules"
  fi
done
# the value a reader types each time `wrangler secret put` asks for one (a few, then end of input)
for _ in 1 2 3 4 5 6 7 8; do echo harness-stand-in-secret; done | exec bash -e "$1"
