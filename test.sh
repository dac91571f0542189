#!/usr/bin/env bash
# test.sh - runs every test of Tessera on a fresh Debian machine with the .NET 10 SDK.
# Installs what is missing (Debian packages, NuGet restore), starts PostgreSQL and Redis on 127.0.0.1 for the
# store tests and a Redis Cluster (the interop tests start Apache mod_auth_tkt themselves, per configuration), runs each test
# project, and ends with the line "N passed, N failed". Exits non-zero on any failure.
# Usage: ./test.sh [--filter EXPR]   (the filter is passed to dotnet test)
# Unfiltered, a project that runs no test is a failure. Filtered, a project with no matching test is not; the run
# passes when every selected test passed and at least one test ran.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
FILTER=()
if [ "${1:-}" = --filter ]; then
  [ -n "${2:-}" ] || { echo "usage: ./test.sh [--filter EXPR]" >&2; exit 2; }
  FILTER=(--filter "$2")
fi

scripts/install-deps.sh || { echo "0 passed, 1 failed"; echo "test.sh: could not install the Debian packages" >&2; exit 1; }

RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

echo "test.sh: building" >&2
if ! dotnet build Tessera.slnx -c Release -nologo -v quiet > "$RESULTS/build.log" 2>&1; then
  grep -E "error|rror " "$RESULTS/build.log" | sort -u | head -n 40 >&2
  echo "0 passed, 1 failed"; echo "test.sh: build failed (artifacts/test-results/build.log)" >&2; exit 1
fi

# Real servers for the store tests, on free loopback ports (TESSERA_PG_PORT, TESSERA_REDIS_PORT and
# TESSERA_REDIS_CLUSTER_PORT choose them); stopped by PID on exit.
# start_server VAR COUNT OFFSET COMMAND...: runs COMMAND PORT and prints its output; sets VAR to the port. Without a
# chosen port it tries three blocks from scripts/free-ports.sh: a port free a moment ago can be taken meanwhile.
start_server() {
  local var=$1 count=$2 offset=$3 try port; shift 3
  for try in 1 2 3; do
    port=${!var:-}
    [ -n "$port" ] || port=$(scripts/free-ports.sh "$count" "$offset") || return 1
    if STARTED=$("$@" "$port"); then printf -v "$var" %s "$port"; return 0; fi
    [ -z "${!var:-}" ] || return 1
    echo "test.sh: ${1##*/} $2 did not start on port $port (try $try of 3)" >&2
  done
  return 1
}
PG_PORT=${TESSERA_PG_PORT:-}; REDIS_PORT=${TESSERA_REDIS_PORT:-}; CLUSTER_PORT=${TESSERA_REDIS_CLUSTER_PORT:-}
start_server PG_PORT 1 0 scripts/postgres.sh start || { echo "0 passed, 1 failed"; exit 1; }
PG_PID=$STARTED
start_server REDIS_PORT 1 0 scripts/redis.sh start || { scripts/postgres.sh stop "$PG_PID"; echo "0 passed, 1 failed"; exit 1; }
REDIS_PID=$STARTED
# A Redis Cluster (3 masters + 3 replicas) on six ports and their cluster bus ports (+10000); the failover tests start
# clusters of their own.
start_server CLUSTER_PORT 6 10000 scripts/redis.sh cluster-start || {
  scripts/postgres.sh stop "$PG_PID"; scripts/redis.sh stop "$REDIS_PID"; echo "0 passed, 1 failed"; exit 1; }
CLUSTER=$STARTED
CLUSTER_PIDS=$(cut -d' ' -f1 <<<"$CLUSTER" | paste -sd' ')
trap 'scripts/postgres.sh stop "$PG_PID" || true; scripts/redis.sh stop "$REDIS_PID" || true; scripts/redis.sh cluster-stop $CLUSTER_PIDS || true' EXIT
export TESSERA_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=tessera;Password=tessera;Database=tessera"
export TESSERA_TEST_REDIS="127.0.0.1:$REDIS_PORT"
export TESSERA_TEST_REDIS_CLUSTER=$(cut -d' ' -f2 <<<"$CLUSTER" | paste -sd,)

status=0
for proj in tests/*/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  echo "test.sh: $name" >&2
  dotnet test "$proj" -c Release --no-build -nologo "${FILTER[@]}" --blame-hang-timeout 10m \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$RESULTS" || status=1
done

# Sum the counters of every TRX file.
read -r passed failed < <(python3 - "$RESULTS" "${#FILTER[@]}" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
filtered = sys.argv[2] != "0"
p = f = ran = 0
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    if c is None:
        print(f"test.sh: {path} has no counters", file=sys.stderr); f += 1
        continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    total = int(c.get("total", 0)); ran += total
    if total == 0 and filtered:
        print(f"test.sh: {path}: no test matches the filter", file=sys.stderr)
    elif total == 0:
        print(f"test.sh: {path} ran no test", file=sys.stderr); f += 1  # a project with no test is a defect
if filtered and ran == 0:
    print("test.sh: the filter matched no test in any project", file=sys.stderr); f += 1
print(p, f)
PY
)
trx_count=$(ls "$RESULTS"/*.trx 2>/dev/null | wc -l)
projects=$(ls tests/*/*.Tests.csproj | wc -l)
if [ "$trx_count" -lt "$projects" ]; then
  echo "test.sh: only $trx_count of $projects test projects reported results" >&2
  failed=$((failed + projects - trx_count)); status=1
fi
[ "$failed" = 0 ] || status=1
# A test host that crashed or hung may leave no failed counter behind: still count it.
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit $status
