#!/usr/bin/env bash
# Runs `npm ci` at the repository root when node_modules lacks Azurite (or any other file named as an argument) or is
# older than package-lock.json. One check for ./fleet and tools/test.sh; npm ci's output goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
stale=false
for file in node_modules/azurite/dist/src/azurite.js "$@"; do
  [ -f "$file" ] || stale=true
done
if [ package-lock.json -nt node_modules/.package-lock.json ]; then
  stale=true
fi
if [ "$stale" = true ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
