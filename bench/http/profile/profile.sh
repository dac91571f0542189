#!/usr/bin/env bash
# bench/http/profile/profile.sh NAME MODE PATH COOKIES(yes|no) [seconds]
# Needs perf (linux-perf), wrk and dotnet-trace (dotnet tool install --tool-path DIR dotnet-trace; DOTNET_TRACE=DIR/dotnet-trace).
# Raw output goes to $PROFILE_OUT (default /tmp/tessera-profile), never into the repository. Build first:
#   dotnet build bench/http/Tessera.HttpBench/Tessera.HttpBench.csproj -c Release
# Summarise with bench/http/profile/summary.py.
# Starts Tessera.HttpBench like bench/http/run.sh (same modes, 128 sessions from /init, wrk -t1 -c16 with cookies.lua),
# warms up 20 s (ReadyToRun is off so every frame gets a JIT name: hot code must reach tier 1), then samples the
# server with perf (on-CPU, 499 Hz, call graphs; JIT frames named through the runtime's perf map, which perf can match
# with DOTNET_EnableWriteXorExecute=0) for N s, then with dotnet-trace (managed stacks, SampleProfiler) for N s.
set -euo pipefail
name=$1 mode=$2 path=$3 want_cookies=$4 secs=${5:-10}
HERE=$(cd "$(dirname "$0")/.." && pwd)
DLL="$HERE/Tessera.HttpBench/bin/Release/net10.0/Tessera.HttpBench.dll"
OUT=${PROFILE_OUT:-/tmp/tessera-profile}; mkdir -p "$OUT"; TMP=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
(cd "$TMP" && DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 exec nice -n 19 ionice -c3 dotnet "$DLL" "$mode" --urls "$url") >"$TMP/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do curl -fs "$url/plain" >/dev/null 2>&1 && break; sleep 0.1; done
: >"$TMP/cookies"
if [ "$want_cookies" = yes ]; then
  for _ in $(seq 1 128); do
    curl -fs -D - -o /dev/null "$url/init" | tr -d '\r' | awk -F': ' 'tolower($1)=="set-cookie"{split($2,a,";"); printf "%s; ", a[1]} END{print ""}' >>"$TMP/cookies"
  done
fi
export BENCH_COOKIES="$TMP/cookies" BENCH_PATH="$path"
cd "$HERE"
nice -n 19 wrk -t1 -c16 -d20s -s cookies.lua "$url" >/dev/null
nice -n 19 wrk -t1 -c16 -d$((2*secs+8))s -s cookies.lua "$url" > "$OUT/$name.wrk" &
WRK=$!
sleep 1
b=$(awk '{print $14 + $15}' "/proc/$PID/stat")
nice -n 19 perf record -F 499 -g -p "$PID" -o "$OUT/$name.perf" -- sleep "$secs" >"$OUT/$name.perf.log" 2>&1
a=$(awk '{print $14 + $15}' "/proc/$PID/stat")
nice -n 19 ${DOTNET_TRACE:-dotnet-trace} collect -p "$PID" --profile dotnet-sampled-thread-time --format Speedscope \
  --duration 00:00:00:$(printf %02d "$secs") -o "$OUT/$name.nettrace" >"$OUT/$name.trace.log" 2>&1 || true
wait $WRK
nice -n 19 perf script -i "$OUT/$name.perf" > "$OUT/$name.perf.txt" 2>/dev/null || true
cp "/tmp/perf-$PID.map" "$OUT/$name.perf-map" 2>/dev/null || true
echo "$name server_cpu_ticks_during_perf=$((a-b)) $(grep Requests/sec "$OUT/$name.wrk")"
