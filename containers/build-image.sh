#!/usr/bin/env bash
# Build the simulator image from this checkout:
#   containers/build-image.sh [tag] [base]   (default ibkr-harness/simulator:latest on node:20-bookworm-slim)
# The build context is what users install: the `npm pack` tarball's content (built through prepack)
# plus the production dependencies from this checkout's node_modules (`npm ls --omit=dev`), so the
# image needs no registry at build time. On a host without registry access, build a base first with
# containers/make-node-base.sh and pass its tag as [base].
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TAG="${1:-ibkr-harness/simulator:latest}"
BASE="${2:-node:20-bookworm-slim}"
CTX="$(mktemp -d)"
trap 'rm -rf "$CTX"' EXIT

cd "$ROOT"
TARBALL="$(npm pack --silent --pack-destination "$CTX" | tail -n 1)"
mkdir "$CTX/app"
tar -xzf "$CTX/$TARBALL" -C "$CTX/app" --strip-components=1
rm "$CTX/$TARBALL"
MODULES="$(readlink -f node_modules)"
# Production dependencies only, each copied once (nested ones come with their parent directory).
npm ls --omit=dev --all --parseable 2>/dev/null | grep -o 'node_modules/.*' | sort -u |
  awk '{ for (i in seen) if (index($0, i "/") == 1) next; seen[$0] = 1; print }' |
  (cd "$MODULES/.." && xargs cp -a --parents -t "$CTX/app")
cp containers/Dockerfile "$CTX/Dockerfile"
DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}" docker build -q --build-arg "BASE=$BASE" -t "$TAG" "$CTX" >/dev/null
echo "$TAG"
