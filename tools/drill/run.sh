#!/usr/bin/env bash
# The full fault drill, one command: a real multi-host fleet in Linux network namespaces (3 silos and the API, each its own
# process and address on a private bridge, Azurite on the host side), a 3,000-image job per scenario, seven faults
# (kill -9 a silo, a silo host cut off, Azurite down 90 s, the API restarted under a watch, the whole cluster restarted,
# the output container deleted, a slow silo), each ending with `fleet verify`. Prints the table (also written to drill.md here).
# Needs root (ip netns) and Node.js; about 15-20 minutes on 2 cores. Ctrl-C is safe: what the run made is removed on
# exit, or by the next run (its namespaces, links and processes, by pid, never by name).
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f node_modules/azurite/dist/src/azurite.js ]; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; exit 1; }
fi
export FLEET_MODEL_MIRROR="${FLEET_MODEL_MIRROR:-$PWD/../shared/models}"
export FLEET_DATA_MIRROR="${FLEET_DATA_MIRROR:-$PWD/../shared/data}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export FLEET_DRILL=full FLEET_DRILL_TABLE="$PWD/tools/drill/drill.md"

dotnet build tests/Fleet.Drill.Tests -v q -nologo || exit 1
dotnet test tests/Fleet.Drill.Tests --no-build --filter "FullyQualifiedName~Full_drill" --logger "console;verbosity=detailed" "$@"
status=$?
[ -f "$FLEET_DRILL_TABLE" ] && { echo; cat "$FLEET_DRILL_TABLE"; }
exit $status
