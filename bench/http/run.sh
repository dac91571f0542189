#!/usr/bin/env bash
# bench/http/run.sh - HTTP load comparison on 127.0.0.1, same run, same machine.
# Starts bench/http/Tessera.HttpBench once per case and drives it with wrk; reports requests/s, server CPU
# microseconds per request (utime+stime from /proc/PID/stat, before/after) as ratios to the bare endpoint, and wrk's p50/p99 latency.
# Usage: bench/http/run.sh [seconds-per-case (default 8)] [> table.md]
#   BENCH_ROUNDS (default 2): interleaved rounds; each case reports its best. BENCH_ROUNDS=1 with 2 s is a smoke run.
#   BENCH_BASELINE=DIR: also runs every case on the bench of another checkout (DIR = its repository root, e.g. a
#   `git worktree add DIR COMMIT` of the code before a change), interleaved case by case with this one, and adds its
#   table and the before/after ratios: a before/after comparison from one run on the same machine.
#   BENCH_CASES="aspnet-session-rw tessera-cookie-rw ...": only these cases (exact names) and bare, e.g. the goal
#   cases with more rounds; the goals whose two cases both ran are reported.
# One run gives the whole table: bare; untouched requests without and with a cookie (server mode on memory and on
# SQLite); the built-in session, Tessera cookie mode and server mode (memory, SQLite non-durable and durable) each in
# read+write-every-request ("rw", GET /work) and read-mostly ("mix": 9 GET /read : 1 GET /work); the auth schemes.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
DURATION=${1:-8}
ROUNDS=${BENCH_ROUNDS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
SESSIONS=${BENCH_SESSIONS:-128}
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed (apt-get install wrk)" >&2; exit 1; }

dotnet build Tessera.HttpBench/Tessera.HttpBench.csproj -c Release -nologo -v quiet >&2
DLL="$HERE/Tessera.HttpBench/bin/Release/net10.0/Tessera.HttpBench.dll"
BASELINE_DLL=
if [ -n "${BENCH_BASELINE:-}" ]; then
  dotnet build "$BENCH_BASELINE/bench/http/Tessera.HttpBench/Tessera.HttpBench.csproj" -c Release -nologo -v quiet >&2
  BASELINE_DLL="$BENCH_BASELINE/bench/http/Tessera.HttpBench/bin/Release/net10.0/Tessera.HttpBench.dll"
  BASELINE_COMMIT=$(git -C "$BENCH_BASELINE" rev-parse --short HEAD)
fi
TMP=$(mktemp -d)
PID=
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$TMP"; }
trap cleanup EXIT
TICKS=$(getconf CLK_TCK)

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run_case NAME MODE PATH COOKIES(yes|no): on this checkout, then (with BENCH_BASELINE) on the baseline
run_case() {
  if [ -n "${BENCH_CASES:-}" ] && [ "$1" != bare ] && [[ " $BENCH_CASES " != *" $1 "* ]]; then return; fi
  measure "$DLL" "$@"
  if [ -n "$BASELINE_DLL" ]; then measure "$BASELINE_DLL" "before:$1" "${@:2}"; fi
}

# measure DLL NAME MODE PATH COOKIES(yes|no)
measure() {
  local dll=$1 name=$2 mode=$3 path=$4 want_cookies=$5 port url
  port=$(free_port); url="http://127.0.0.1:$port"
  (cd "$TMP" && exec dotnet "$dll" "$mode" --urls "$url") >"$TMP/$mode.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do curl -fs "$url/plain" >/dev/null 2>&1 && break; sleep 0.1; done
  : >"$TMP/cookies"
  if [ "$want_cookies" = yes ]; then
    for _ in $(seq 1 "$SESSIONS"); do
      curl -fs -D - -o /dev/null "$url/init" | tr -d '\r' | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); printf "%s; ", a[1]} END{print ""}' >>"$TMP/cookies"
    done
    [ -s "$TMP/cookies" ] && grep -q = "$TMP/cookies" || { echo "run.sh: $name: /init set no cookie" >&2; exit 1; }
  fi
  export BENCH_COOKIES="$TMP/cookies" BENCH_PATH="$path"
  wrk -t1 -c"$CONNECTIONS" -d2s -s cookies.lua "$url" >/dev/null   # warm-up (JIT, tiering, caches)
  local before after out reqs rps errors p50 p99
  before=$(cpu_ticks "$PID")
  out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s cookies.lua "$url")
  after=$(cpu_ticks "$PID")
  reqs=$(echo "$out" | awk '/requests in/{print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/{print $NF}')
  # wrk's latency distribution: the 50% and 99% lines, e.g. "99%   8.86ms"
  p50=$(echo "$out" | awk '$1=="50%"{print $2}'); p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  echo "$name $rps $(( (after - before) * 1000000 / TICKS )) $reqs ${errors:-0} $p50 $p99" >>"$TMP/results"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  echo "run.sh: $name: $rps req/s" >&2
}

# Rounds interleaved, so a burst of load from other processes on this shared machine hits every case alike;
# each case reports its better round (highest requests/s, with that round's CPU per request).
for round in $(seq 1 "$ROUNDS"); do
  run_case bare bare /work no
  run_case untouched-no-cookie tessera-untouched /plain no
  run_case untouched-with-cookie tessera-untouched /plain yes
  run_case untouched-with-cookie-sqlite tessera-sqlite-untouched /plain yes
  run_case skipped-endpoint-with-cookie tessera-untouched /skipped yes
  for mix in rw mix; do
    path=/work; [ "$mix" = mix ] && path=mix
    run_case aspnet-session-$mix aspnet-session $path yes
    run_case tessera-cookie-$mix tessera-cookie $path yes
    run_case tessera-server-memory-$mix tessera-memory $path yes
    run_case tessera-server-sqlite-$mix tessera-sqlite $path yes
    run_case tessera-server-sqlite-durable-$mix tessera-sqlite-durable $path yes
  done
  run_case cookie-auth cookie-auth /work yes
  run_case authtkt authtkt /work yes
  run_case cookie-auth-authorize cookie-auth /secure yes
  run_case cookie-auth-ticketstore-memory cookie-ticketstore-memory /secure yes
  run_case cookie-auth-ticketstore-sqlite cookie-ticketstore-sqlite /secure yes
  run_case tessera-scheme tessera-scheme /secure yes
done

/usr/bin/python3 - "$TMP/results" "$DURATION" "$CONNECTIONS" "$(dotnet --version)" "${BASELINE_COMMIT:-}" <<'PY'
import sys, datetime, platform, os, re
def ms(text):  # wrk's "512.00us", "8.86ms", "1.02s", in milliseconds
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
runs = {"": {}, "before:": {}}
for r in rows:
    prefix, name = ("before:", r[0][len("before:"):]) if r[0].startswith("before:") else ("", r[0])
    d = dict(rps=float(r[1]), cpu_us=int(r[2]), reqs=int(r[3]), errors=int(r[4]), p50=ms(r[5]), p99=ms(r[6]))
    d["us_per_req"] = d["cpu_us"] / max(d["reqs"], 1)
    data = runs[prefix]
    if name not in data or d["rps"] > data[name]["rps"]:
        data[name] = d
cpu_model = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(" :\t") if os.path.exists("/proc/cpuinfo") else platform.processor()
print(f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {cpu_model}, {os.cpu_count()} cores, {os.environ.get('BENCH_MACHINE', 'say how busy the machine was in BENCH_MACHINE')}; "
      f"wrk -t1 -c{sys.argv[3]} -d{sys.argv[2]}s on 127.0.0.1, server and wrk on the same machine; .NET SDK {sys.argv[4]}, Release, server GC")

def ratio(data, a, b): return data[a]["rps"] / data[b]["rps"]
def cpu(data, a, b): return data[b]["us_per_req"] / data[a]["us_per_req"]
goals = []
for mix, label in (("rw", "read+write"), ("mix", "read-mostly 9:1")):
    goals += [(f"Tessera cookie mode / built-in session, {label}", f"tessera-cookie-{mix}", f"aspnet-session-{mix}", "≥ 1.5×"),
              (f"Tessera server mode (memory) / built-in session, {label}", f"tessera-server-memory-{mix}", f"aspnet-session-{mix}", "≥ 1.5×"),
              (f"SQLite (DurableCommits=false) / Tessera memory, {label}", f"tessera-server-sqlite-{mix}", f"tessera-server-memory-{mix}", "≥ 0.5×" if mix == "rw" else "≥ 0.8×"),
              (f"SQLite (DurableCommits=true) / Tessera memory, {label}", f"tessera-server-sqlite-durable-{mix}", f"tessera-server-memory-{mix}", "(reported)"),
              (f"SQLite (DurableCommits=false) / built-in session, {label}", f"tessera-server-sqlite-{mix}", f"aspnet-session-{mix}", "")]
goals += [("untouched, no cookie / bare", "untouched-no-cookie", "bare", "≥ 0.97×"),
          ("untouched, with a cookie (memory) / bare", "untouched-with-cookie", "bare", "≥ 0.95×"),
          ("untouched, with a cookie (SQLite) / bare", "untouched-with-cookie-sqlite", "bare", "≥ 0.9×"),
          ("endpoint marked WithoutTesseraSession(), with a cookie / bare", "skipped-endpoint-with-cookie", "bare", ""),
          ("auth_tkt scheme / built-in cookie authentication", "authtkt", "cookie-auth", "≥ 1.5×"),
          ("[Authorize], cookie authentication + Tessera ticket store (memory) / plain cookie authentication", "cookie-auth-ticketstore-memory", "cookie-auth-authorize", ""),
          ("[Authorize], cookie authentication + Tessera ticket store (SQLite) / plain cookie authentication", "cookie-auth-ticketstore-sqlite", "cookie-auth-authorize", ""),
          ("[Authorize], Tessera scheme (server mode, memory) / plain cookie authentication", "tessera-scheme", "cookie-auth-authorize", "")]

def table(data, title):
    bare = data["bare"]
    print()
    print(title)
    print()
    print("| case | requests/s | × bare | server CPU µs/request | × bare | latency p50 ms | p99 ms | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, d in data.items():
        print(f"| {name} | {d['rps']:.0f} | {d['rps']/bare['rps']:.2f} | {d['us_per_req']:.1f} | {d['us_per_req']/bare['us_per_req']:.2f} | {d['p50']:.2f} | {d['p99']:.2f} | {d['errors']} |")

after, before = runs[""], runs["before:"]
table(after, "This checkout:" if before else "Results:")
if before:
    table(before, f"Baseline (commit {sys.argv[5]}), its cases interleaved with the ones above:")
print()
print("Goals: ratios of requests/s, and of server CPU per request (inverted, so > 1 means cheaper), same run:")
print()
if before:
    print("| comparison | requests/s before | after | CPU/request before | after | goal |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
else:
    print("| comparison | requests/s | CPU/request | goal |")
    print("| --- | ---: | ---: | --- |")
for text, a, b, goal in goals:
    if a not in after or b not in after:
        continue
    if before and a in before and b in before:
        print(f"| {text} | {ratio(before, a, b):.2f}× | {ratio(after, a, b):.2f}× | {cpu(before, a, b):.2f}× | {cpu(after, a, b):.2f}× | {goal} |")
    elif before:
        print(f"| {text} | – | {ratio(after, a, b):.2f}× | – | {cpu(after, a, b):.2f}× | {goal} |")
    else:
        print(f"| {text} | {ratio(after, a, b):.2f}× | {cpu(after, a, b):.2f}× | {goal} |")
if before:
    print()
    print("After / before, case by case (requests/s; server CPU per request and p99 latency inverted, so > 1 means faster or cheaper):")
    print()
    print("| case | requests/s | CPU/request | p99 latency |")
    print("| --- | ---: | ---: | ---: |")
    for name in after:
        if name in before:
            print(f"| {name} | {after[name]['rps']/before[name]['rps']:.2f}× | {before[name]['us_per_req']/after[name]['us_per_req']:.2f}× | {before[name]['p99']/after[name]['p99']:.2f}× |")
PY
