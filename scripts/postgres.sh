#!/usr/bin/env bash
# postgres.sh - a throw-away PostgreSQL server on 127.0.0.1 for tests: no system service, no Docker.
#
#   postgres.sh start PORT [DIR]   init a cluster in DIR (default: a new temp dir), start it, print its PID;
#                                  the database "tessera" (user "tessera", password "tessera") is created
#   postgres.sh stop PID           fast shutdown of the server with that PID, then delete its directory
#   postgres.sh restart-same DIR   start the cluster in DIR again (after a stop --keep), print the PID
#   postgres.sh stop --keep PID    stop but keep the data directory (for restart tests)
# Connection string: Host=127.0.0.1;Port=PORT;Username=tessera;Password=tessera;Database=tessera
set -euo pipefail
ME=${0##*/}
die() { echo "$ME: $*" >&2; exit 2; }

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$d" ] && [ -x "$d/postgres" ] || die "PostgreSQL binaries not found (apt-get install postgresql)"
  echo "$d"
}

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_cluster() {
  local dir=$1 port=$2 bin
  bin=$(bindir)
  as_pg "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    -l "$dir/server.log" -w -t 60 start >/dev/null || { cat "$dir/server.log" >&2; die "server did not start"; }
  echo "$port" > "$dir/port"
  head -n1 "$dir/data/postmaster.pid"
}

cmd_start() {
  local port=${1:?usage: $ME start PORT [DIR]} dir=${2:-} bin
  bin=$(bindir)
  [ -n "$dir" ] || dir=$(mktemp -d -t tessera-pg.XXXXXXXX)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  : > "$dir/.tessera-postgres"
  echo tessera > "$dir/pwfile"
  [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile" "$dir/.tessera-postgres"
  as_pg "$bin/initdb" -D "$dir/data" -U tessera --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  local pid
  pid=$(start_cluster "$dir" "$port")
  PGPASSWORD=tessera "$bin/psql" -h 127.0.0.1 -p "$port" -U tessera -d postgres -qc "CREATE DATABASE tessera" >/dev/null
  echo "$pid"
}

dir_of_pid() {
  local pid=$1 dir
  [[ $pid =~ ^[0-9]+$ ]] || die "not a PID: $pid"
  dir=$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | sed -n '/^-D$/{n;p}' | head -n1)
  [ -n "$dir" ] || dir=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
  dir=$(dirname "$dir")
  [ -f "$dir/.tessera-postgres" ] || die "process $pid is not a server started by $ME"
  echo "$dir"
}

cmd_stop() {
  local keep=0
  if [ "${1:-}" = --keep ]; then keep=1; shift; fi
  local pid=${1:?usage: $ME stop [--keep] PID} dir
  dir=$(dir_of_pid "$pid")
  as_pg "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  [ "$keep" = 1 ] || rm -rf -- "$dir"
}

cmd_restart_same() {
  local dir=${1:?usage: $ME restart-same DIR}
  [ -f "$dir/.tessera-postgres" ] || die "$dir is not a cluster made by $ME"
  start_cluster "$dir" "$(cat "$dir/port")"
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  restart-same) shift; cmd_restart_same "$@" ;;
  dir) shift; dir_of_pid "$@" ;;
  *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
