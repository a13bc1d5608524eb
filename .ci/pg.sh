#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL 15 cluster on a loopback port.
#   source .ci/pg.sh; pg_start; ...; pg_stop
# Exports DATABASE_URL. initdb refuses root, so the cluster runs as the postgres user.
PG_PORT="${PG_PORT:-55432}"
PG_BIN="${PG_BIN:-$(dirname "$(readlink -f "$(command -v initdb)")")}"

pg_start() {
  PG_DIR="$(mktemp -d /tmp/ics-pg.XXXXXX)"
  export PG_DIR
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    AS_PG=(runuser -u postgres --)
  else
    AS_PG=()
  fi
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log"
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" \
    -o "-k $PG_DIR -p $PG_PORT -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop || true
    rm -rf "$PG_DIR"
  fi
}
