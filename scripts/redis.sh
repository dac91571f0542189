#!/usr/bin/env bash
# redis.sh - a throw-away redis-server on 127.0.0.1 for tests: no system service, no Docker.
#
#   redis.sh start PORT [DIR]   start redis-server (persistence off) in DIR (default: a new temp dir), print its PID
#   redis.sh stop PID           shut that server down (no save) and delete its directory
#   redis.sh stop --keep PID    shut it down but keep the directory
#   redis.sh restart-same DIR   start the server again on the same port (its data is gone: persistence is off)
#   redis.sh cluster-start BASEPORT [DIR]
#                               a Redis Cluster of 3 masters + 3 replicas on ports BASEPORT..BASEPORT+5 (cluster bus
#                               on port+10000, or port-10000 above 55535), node timeout 1000 ms, in DIR (default: a new temp dir); waits until
#                               every node says cluster_state:ok with all 16384 slots and every replica is in sync;
#                               prints one line per node: "PID 127.0.0.1:PORT"
#   redis.sh cluster-stop PID...   stop those nodes (the PIDs cluster-start printed; ones already gone are
#                               skipped) and delete the cluster directory
# Connection string: 127.0.0.1:PORT (a cluster: its endpoints joined by commas)
set -euo pipefail
ME=${0##*/}
die() { echo "$ME: $*" >&2; exit 2; }
command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"

start_server() {
  local dir=$1 port=$2 i
  shift 2
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --protected-mode yes "$@" >/dev/null
  echo "$port" > "$dir/port"
  for i in $(seq 1 100); do
    if [ -s "$dir/redis.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then cat "$dir/redis.pid"; return 0; fi
    sleep 0.1
  done
  cat "$dir/redis.log" >&2; die "redis-server did not come up on 127.0.0.1:$port"
}

cmd_start() {
  local port=${1:?usage: $ME start PORT [DIR]} dir=${2:-}
  [ -n "$dir" ] || dir=$(mktemp -d -t tessera-redis.XXXXXXXX)
  mkdir -p "$dir"; : > "$dir/.tessera-redis"
  start_server "$dir" "$port"
}

cmd_stop() {
  local keep=0
  if [ "${1:-}" = --keep ]; then keep=1; shift; fi
  local pid=${1:?usage: $ME stop [--keep] PID} dir i
  [[ $pid =~ ^[0-9]+$ ]] || die "not a PID: $pid"
  dir=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
  [ -n "$dir" ] && [ -f "$dir/.tessera-redis" ] || die "process $pid is not a server started by $ME"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf -- "$dir"
}

cmd_restart_same() {
  local dir=${1:?usage: $ME restart-same DIR}
  [ -f "$dir/.tessera-redis" ] || die "$dir is not a directory made by $ME"
  start_server "$dir" "$(cat "$dir/port")"
}

# A short node timeout makes failover take about two seconds; without full coverage the masters that are up keep
# serving their slots while one fails over.
cmd_cluster_start() {
  local base=${1:?usage: $ME cluster-start BASEPORT [DIR]} dir=${2:-} port bus i n endpoints=() pids=() ok
  [[ $base =~ ^[0-9]+$ ]] || die "not a port: $base"
  [ -n "$dir" ] || dir=$(mktemp -d -t tessera-redis-cluster.XXXXXXXX)
  mkdir -p "$dir"; : > "$dir/.tessera-redis-cluster"
  for i in 0 1 2 3 4 5; do
    port=$((base + i)); mkdir -p "$dir/$port"; : > "$dir/$port/.tessera-redis"
    bus=$((port + 10000)); [ "$bus" -le 65535 ] || bus=$((port - 10000))
    if ! pids+=("$(start_server "$dir/$port" "$port" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-port "$bus" \
        --cluster-node-timeout 1000 --cluster-replica-validity-factor 0 --cluster-require-full-coverage no --shutdown-on-sigterm "nosave now")"); then
      for n in "${pids[@]}"; do kill -KILL "$n" 2>/dev/null || true; done
      rm -rf -- "$dir"; die "cluster node $port did not start"
    fi
    endpoints+=("127.0.0.1:$port")
  done
  if ! redis-cli --cluster create "${endpoints[@]}" --cluster-replicas 1 --cluster-yes > "$dir/create.log" 2>&1; then
    cat "$dir/create.log" >&2
    for n in "${pids[@]}"; do kill -KILL "$n" 2>/dev/null || true; done
    rm -rf -- "$dir"; die "redis-cli --cluster create failed"
  fi
  for i in $(seq 1 300); do
    ok=1
    for port in $(seq "$base" $((base + 5))); do
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || ok=0
      redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_slots_ok:16384' || ok=0
      if redis-cli -p "$port" role 2>/dev/null | head -n1 | grep -q slave; then
        redis-cli -p "$port" info replication 2>/dev/null | grep -q '^master_link_status:up' || ok=0
      fi
    done
    [ "$ok" = 1 ] && break
    sleep 0.1
  done
  if [ "$ok" != 1 ]; then
    for n in "${pids[@]}"; do kill -KILL "$n" 2>/dev/null || true; done
    rm -rf -- "$dir"; die "the cluster on $base..$((base + 5)) did not become ready within 30 s"
  fi
  for i in 0 1 2 3 4 5; do echo "${pids[$i]} ${endpoints[$i]}"; done
}

cmd_cluster_stop() {
  (($#)) || die "usage: $ME cluster-stop PID..."
  local pid dir live=() parents=() p i
  for pid in "$@"; do
    [[ $pid =~ ^[0-9]+$ ]] || die "not a PID: $pid"
    dir=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
    [ -n "$dir" ] || continue   # already gone (a fault test killed it)
    [ -f "$dir/.tessera-redis" ] && [ -f "$dir/../.tessera-redis-cluster" ] || die "process $pid is not a cluster node started by $ME"
    live+=("$pid"); parents+=("$(dirname "$dir")")
  done
  # All at once: each node takes a moment to shut down.
  for pid in "${live[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${live[@]}"; do
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for p in "${parents[@]}"; do [ -f "$p/.tessera-redis-cluster" ] && rm -rf -- "$p"; done
  return 0
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  restart-same) shift; cmd_restart_same "$@" ;;
  cluster-start) shift; cmd_cluster_start "$@" ;;
  cluster-stop) shift; cmd_cluster_stop "$@" ;;
  *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
