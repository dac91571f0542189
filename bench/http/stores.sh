#!/usr/bin/env bash
# stores.sh - HTTP load of the demo's JSON API on each session store, on loopback.
#
#   bench/http/stores.sh [SECONDS]   (default 10)
#
# Builds the demo (Release), starts a private PostgreSQL and Redis (scripts/*.sh, free ports), then for each of
# Sqlite, PostgreSql and Redis: starts the demo on that store, signs in as alice with POST /api/login, stores a
# value, and runs `wrk -t2 -c16 -d${SECONDS}s --latency` doing GET /api/session with that cookie (every request
# loads the session from the store; the renewal write-back happens as the demo's settings say). Prints a
# markdown table (requests/s, p50, p99, non-2xx) on stdout. Servers and demos are stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DURATION=${1:-10}
command -v wrk >/dev/null || { echo "stores.sh: wrk not found (apt-get install wrk)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

WORK=$(mktemp -d -t tessera-stores-bench.XXXXXXXX)
PG_PID=""; REDIS_PID=""; DEMO_PID=""
cleanup() {
  [ -z "$DEMO_PID" ] || kill "$DEMO_PID" 2>/dev/null || true
  [ -z "$PG_PID" ] || scripts/postgres.sh stop "$PG_PID" || true
  [ -z "$REDIS_PID" ] || scripts/redis.sh stop "$REDIS_PID" || true
  rm -rf -- "$WORK"
}
trap cleanup EXIT

echo "stores.sh: building the demo" >&2
dotnet build samples/Tessera.Demo -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
DEMO_DLL=$ROOT/samples/Tessera.Demo/bin/Release/net10.0/Tessera.Demo.dll

PG_PORT=$(free_port); PG_PID=$(scripts/postgres.sh start "$PG_PORT")
REDIS_PORT=$(free_port); REDIS_PID=$(scripts/redis.sh start "$REDIS_PORT")
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

run_one() {
  local provider=$1 connection=$2 port jar cookie out rps p50 p99 non2xx
  port=$(free_port)
  (cd "$(dirname "$DEMO_DLL")" && ASPNETCORE_ENVIRONMENT=Production Tessera__Store__Provider=$provider \
    Tessera__Store__ConnectionString="$connection" Tessera__Secrets__0=$SECRET Tessera__Cookie__SecurePolicy=None AuthTkt__Secure=false \
    Logging__LogLevel__Default=Warning exec dotnet "$DEMO_DLL" --urls "http://127.0.0.1:$port") >"$WORK/demo-$provider.log" 2>&1 &
  DEMO_PID=$!
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/api/session" >/dev/null 2>&1 && break; sleep 0.2; done
  jar=$WORK/cookies-$provider
  curl -sf -c "$jar" -H 'Content-Type: application/json' -d '{"user":"alice","password":"alice-password"}' "http://127.0.0.1:$port/api/login" >/dev/null \
    || { echo "stores.sh: sign-in on $provider failed" >&2; cat "$WORK/demo-$provider.log" >&2; exit 1; }
  cookie=$(awk -F'\t' 'NF >= 7 && $6 != "" { printf "%s%s=%s", sep, $6, $7; sep="; " }' "$jar")
  curl -sf -b "$jar" -c "$jar" -X PUT -H 'Content-Type: application/json' -d '"blue"' "http://127.0.0.1:$port/api/session/data/color" >/dev/null
  cookie=$(awk -F'\t' 'NF >= 7 && $6 != "" { printf "%s%s=%s", sep, $6, $7; sep="; " }' "$jar")
  curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$port/api/session" | grep -q '"user":"alice"' \
    || { echo "stores.sh: the cookie does not carry the session on $provider" >&2; exit 1; }

  out=$(TESSERA_COOKIE=$cookie wrk -t2 -c16 -d"${DURATION}s" --latency -s bench/http/stores-session.lua "http://127.0.0.1:$port")
  echo "$out" > "$WORK/wrk-$provider.txt"
  rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out"); non2xx=${non2xx:-0}
  printf '| %s | %s | %s | %s | %s |\n' "$provider" "$rps" "$p50" "$p99" "$non2xx"
  kill "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null || true; DEMO_PID=""
}

echo "| Store | Requests/s | p50 | p99 | Non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: |"
run_one Sqlite "Data Source=$WORK/sessions.db"
run_one PostgreSql "Host=127.0.0.1;Port=$PG_PORT;Username=tessera;Password=tessera;Database=tessera"
run_one Redis "127.0.0.1:$REDIS_PORT"
