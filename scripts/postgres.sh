# Sourced by scripts/cluster.sh and bench/engine.sh: a throwaway PostgreSQL cluster in a temporary
# directory, on 127.0.0.1:$port only, trust authentication, removed when the calling script exits.
#   start_throwaway_postgres PORT   (sets $pg_dir and $pg_connection)
# Also sourced by test.sh for postgres_bin.

# The folder of PostgreSQL's server binaries: $TRIBUTARY_PG_BIN, else Debian's newest; empty if none.
postgres_bin() {
  if [[ -n "${TRIBUTARY_PG_BIN:-}" ]]; then
    echo "$TRIBUTARY_PG_BIN"
    return
  fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_throwaway_postgres() {
  local port="$1" bin
  bin="$(postgres_bin)"
  if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
    echo "PostgreSQL's server binaries are missing: apt-get install -y postgresql (or set TRIBUTARY_PG_BIN)." >&2
    return 1
  fi
  pg_dir="$(mktemp -d /tmp/tributary-pg-XXXXXX)"
  local as=()
  if [[ "$(id -u)" -eq 0 ]]; then
    # initdb refuses to run as root.
    chown postgres "$pg_dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$pg_dir/data" -A trust -U tributary --no-sync >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/log" \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  pg_connection="Host=127.0.0.1;Port=$port;Database=postgres;Username=tributary"
  pg_stop=("${as[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -w stop -m fast)
  echo "PostgreSQL on 127.0.0.1:$port (data in $pg_dir)"
}

stop_throwaway_postgres() {
  if [[ -n "${pg_dir:-}" ]]; then
    "${pg_stop[@]}" >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
    pg_dir=""
  fi
}
