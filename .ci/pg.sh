#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL 15 cluster on a loopback port.
#   source .ci/pg.sh; pg_start; ...; pg_stop
# Exports DATABASE_URL. initdb refuses root, so the cluster runs as the postgres user.
PG_PORT="${PG_PORT:-55432}"

# Where initdb/pg_ctl live: PG_BIN if set; else initdb on PATH; else Debian's layout
# (/usr/lib/postgresql/<version>/bin, not on PATH on a stock machine), newest version first.
pg_find_bin() {
  local found dir
  if found="$(command -v initdb 2>/dev/null)"; then
    dirname "$(readlink -f "$found")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$dir/initdb" ]; then
      echo "$dir"
      return 0
    fi
  done
  echo "pg.sh: initdb not found: install PostgreSQL 15+ or set PG_BIN" >&2
  return 1
}
PG_BIN="${PG_BIN:-$(pg_find_bin)}"

pg_start() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "pg.sh: no initdb in PG_BIN='$PG_BIN'" >&2
    return 1
  fi
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
