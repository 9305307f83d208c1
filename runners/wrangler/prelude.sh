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
# the value a reader types when `wrangler secret put` asks for one
printf "harness-stand-in-secret\n" | exec bash -e "$1"
