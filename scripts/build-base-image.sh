#!/usr/bin/env bash
# Builds one offline base image from Debian packages (no registry needed):
#   scripts/build-base-image.sh python|node|debian [TAG]
# mmdebstrap writes a root filesystem as a tarball to stdout; `docker import` turns it into an image.
# The mirror is HARNESS_DEBIAN_MIRROR, else the host's deb.debian.org entry (reached as apt reaches it).
set -euo pipefail

kind="${1:?usage: $0 python|node|debian [TAG]}"
# Node comes from Debian trixie (nodejs 20, as node:20-slim online and the local runner have it);
# bookworm's nodejs 18 sends other headers (fetch's user-agent is `undici`, not `node`).
suite=bookworm
[ "$kind" = node ] && suite=trixie
tag="${2:-harness-base-${kind}:${suite}}"
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

# Documentation, man pages and locales are not needed to run snippets.
mmdebstrap --variant=minbase --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
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
