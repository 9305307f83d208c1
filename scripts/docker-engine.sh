#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs docker.io and mmdebstrap (Debian) if missing and
# starts dockerd without a bridge network or iptables rules. Idempotent; needs root to install.
#   scripts/docker-engine.sh            # exit 0 once `docker version` answers
# DOCKERD_LOG (default /var/log/harness-dockerd.log) receives the daemon's output.
set -euo pipefail

log="${DOCKERD_LOG:-/var/log/harness-dockerd.log}"
sock=/var/run/docker.sock

if docker version >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "docker engine not answering and not root: cannot install or start it" >&2
  exit 1
fi

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! pgrep -x dockerd >/dev/null; then
  echo "starting dockerd (log: $log) ..." >&2
  nohup dockerd --bridge=none --iptables=false >"$log" 2>&1 </dev/null &
fi

for _ in $(seq 1 60); do
  if [ -S "$sock" ] && docker version >/dev/null 2>&1; then
    echo "docker engine ready" >&2
    exit 0
  fi
  sleep 1
done
echo "docker engine did not answer within 60 s; last lines of $log:" >&2
tail -n 20 "$log" >&2 || true
exit 1
