#!/usr/bin/env bash
# Runs every test project the way CI does, on a fresh machine too: installs Azurite (npm ci) when needed,
# restores and builds, runs the tests with TRX results, and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

tools/ensure-node-tools.sh node_modules/puppeteer-core/package.json || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

# The dashboard browser test drives Debian's chromium. CI (root, with apt) installs it; elsewhere, without it, that test
# is reported as skipped with the reason.
if [ "${CI:-}" = "true" ] && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/dev/null 2>&1 \
    || echo "chromium could not be installed: the browser tests (dashboard, results page) will be skipped"
fi

# Tests read models and photos from the shared mirrors beside the repository unless told otherwise.
export FLEET_MODEL_MIRROR="${FLEET_MODEL_MIRROR:-$PWD/../shared/models}"
export FLEET_DATA_MIRROR="${FLEET_DATA_MIRROR:-$PWD/../shared/data}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results="$PWD/TestResults"
rm -rf "$results"
dotnet test Fleet.sln --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # A skipped test is in "total" but not in "executed" (the TRX logger leaves notExecuted at 0 for it).
  notrun=$(( $(get total) - $(get executed) ))
  [ "$(get notExecuted)" -gt "$notrun" ] && notrun=$(get notExecuted)
  skipped=$((skipped + notrun))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the build failed, or a test run aborted outside any single test
  echo "dotnet test exited with $status although no test failed: see the output above"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
