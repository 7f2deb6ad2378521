#!/usr/bin/env bash
# A minimal base image holding only this machine's `node` and the shared libraries it loads, for
# hosts that cannot pull node:20-bookworm-slim (no registry). `docker import` of a root filesystem
# assembled here; no shell, no package manager.
#   containers/make-node-base.sh [tag]        (default ibkr-harness/node-base:local)
# An existing image of that tag is kept (remove it to rebuild after upgrading node).
set -euo pipefail
TAG="${1:-ibkr-harness/node-base:local}"
if docker image inspect "$TAG" >/dev/null 2>&1; then
  echo "$TAG"
  exit 0
fi
NODE="$(readlink -f "$(command -v node)")"
ROOTFS="$(mktemp -d)"
trap 'rm -rf "$ROOTFS"' EXIT

mkdir -p "$ROOTFS/usr/bin" "$ROOTFS/etc" "$ROOTFS/tmp"
chmod 1777 "$ROOTFS/tmp"
cp "$NODE" "$ROOTFS/usr/bin/node"
# Every library node links against, and the dynamic loader, at their own paths.
for lib in $(ldd "$NODE" | grep -o '/[^ ]*' | sort -u); do
  mkdir -p "$ROOTFS$(dirname "$lib")"
  cp -L "$lib" "$ROOTFS$lib"
done
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nnode:x:10001:10001:node:/tmp:/usr/sbin/nologin\n' >"$ROOTFS/etc/passwd"
printf 'root:x:0:\nnode:x:10001:\n' >"$ROOTFS/etc/group"
printf 'hosts: files dns\n' >"$ROOTFS/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$ROOTFS/etc/hosts"

tar -C "$ROOTFS" -c . | docker import - "$TAG" >/dev/null
echo "$TAG"
