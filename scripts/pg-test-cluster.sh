#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster for tests, CI and benchmarks.
#   scripts/pg-test-cluster.sh start DIR [PORT]  prints the database URL on its last line;
#                                                 PORT "auto" (the default) takes a free one
#   scripts/pg-test-cluster.sh stop DIR
# Installs PostgreSQL and PostGIS from Debian when they are missing. fsync stays on: tests
# that check durability must see what production would.
set -euo pipefail

cmd=${1:?usage: pg-test-cluster.sh start|stop DIR [PORT]}
dir=${2:?a directory for the cluster}
port=${3:-auto}
db=kwartier_test

# The newest installed PostgreSQL that has PostGIS; else the newest one.
pg_bin() {
  local bin version best=""
  for bin in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    version=$(basename "$(dirname "$bin")")
    [ -f "/usr/share/postgresql/$version/extension/postgis.control" ] && best=$bin
  done
  [ -n "$best" ] && echo "$best" || ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

ensure_installed() {
  local bin version; bin=$(pg_bin)
  # PostGIS must match the server that pg_bin picks, when several versions are installed.
  version=$(basename "$(dirname "$bin")" 2>/dev/null)
  if [ -n "$bin" ] && [ -f "/usr/share/postgresql/$version/extension/postgis.control" ]; then return; fi
  echo "installing PostgreSQL and PostGIS from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >&2
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local candidate
  for candidate in $(seq 54329 54429); do
    port_in_use "$candidate" || { echo "$candidate"; return; }
  done
  echo "no free port between 54329 and 54429" >&2; exit 1
}

case "$cmd" in
  start)
    ensure_installed
    # A cluster restarted in the same folder keeps its port.
    if [ "$port" = auto ] && [ -f "$dir/port" ]; then port=$(cat "$dir/port"); fi
    [ "$port" = auto ] && port=$(free_port)
    bin=$(pg_bin)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_postgres "$bin/initdb -D '$dir/data' -U postgres --auth=trust -E UTF8 --no-locale" >/dev/null
    fi
    echo "$port" > "$dir/port"
    if ! as_postgres "$bin/pg_ctl -D '$dir/data' -l '$dir/pg.log' -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=on\" -w start" >/dev/null; then
      echo "PostgreSQL did not start; its log:" >&2; tail -n 20 "$dir/pg.log" >&2; exit 1
    fi
    psql -q -h 127.0.0.1 -p "$port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
      || psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE $db" >/dev/null
    psql -q -h 127.0.0.1 -p "$port" -U postgres -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/$db"
    ;;
  stop)
    bin=$(pg_bin)
    [ -f "$dir/data/postmaster.pid" ] && as_postgres "$bin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null || true
    ;;
  *)
    echo "unknown command $cmd" >&2; exit 2 ;;
esac
