#!/usr/bin/env bash
# redis.sh - a throw-away redis-server on 127.0.0.1 for tests: no system service, no Docker.
#
#   redis.sh start PORT [DIR]   start redis-server (persistence off) in DIR (default: a new temp dir), print its PID
#   redis.sh stop PID           shut that server down (no save) and delete its directory
#   redis.sh stop --keep PID    shut it down but keep the directory
#   redis.sh restart-same DIR   start the server again on the same port (its data is gone: persistence is off)
# Connection string: 127.0.0.1:PORT
set -euo pipefail
ME=${0##*/}
die() { echo "$ME: $*" >&2; exit 2; }
command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"

start_server() {
  local dir=$1 port=$2 i
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --protected-mode yes >/dev/null
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

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  restart-same) shift; cmd_restart_same "$@" ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
