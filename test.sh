#!/usr/bin/env bash
# Runs every test: installs what a fresh Debian machine lacks (Chromium, PostgreSQL's server binaries,
# nats-server, mosquitto, redis-server), builds the whole solution (warnings are errors), then runs the
# unit/integration tests and the Playwright browser tests. The PostgreSQL engine's and the message-system
# upstreams' tests start their own throwaway servers on free loopback ports in temporary directories
# (tests/Shared/ThrowawayPostgres.cs, ThrowawayBroker.cs) and remove them afterwards.
# Exits non-zero if anything fails. Set TRIBUTARY_CHROMIUM to use another Chromium (see tests/E2E).
set -euo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"

ensure_chromium() {
  if [[ -n "${TRIBUTARY_CHROMIUM:-}" || -x /usr/bin/chromium ]]; then
    return
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "test.sh: Chromium is missing and installing it needs root: run 'apt-get install -y chromium' as root," >&2
    echo "         or set TRIBUTARY_CHROMIUM to a Chromium executable." >&2
    exit 1
  fi
  echo "test.sh: installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

. scripts/postgres.sh

ensure_postgres() {
  local bin
  bin="$(postgres_bin)"
  if [[ -n "$bin" && -x "$bin/initdb" && -x "$bin/pg_ctl" ]]; then
    return
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "test.sh: PostgreSQL's server binaries are missing and installing them needs root: run 'apt-get install -y postgresql'" >&2
    echo "         as root, or set TRIBUTARY_PG_BIN to a folder holding initdb and pg_ctl." >&2
    exit 1
  fi
  echo "test.sh: installing Debian's postgresql for the PostgreSQL engine's tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # The package starts a cluster of its own on port 5432; the tests do not use it.
  if command -v pg_ctlcluster >/dev/null; then
    for cluster in /etc/postgresql/*/main; do
      [[ -d "$cluster" ]] && pg_ctlcluster "$(basename "$(dirname "$cluster")")" main stop 2>/dev/null || true
    done
  fi
}

# The message systems the nats, mqtt and redis upstreams are tested against.
ensure_brokers() {
  local missing=()
  command -v nats-server >/dev/null || [[ -x /usr/sbin/nats-server ]] || missing+=(nats-server)
  command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]] || missing+=(mosquitto)
  command -v redis-server >/dev/null || [[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
  if [[ ${#missing[@]} -eq 0 ]]; then
    return
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "test.sh: ${missing[*]} missing and installing needs root: run 'apt-get install -y ${missing[*]}' as root" >&2
    exit 1
  fi
  echo "test.sh: installing Debian's ${missing[*]} for the message-system upstreams' tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages start servers of their own on their usual ports; the tests do not use them.
  for service in nats-server mosquitto redis-server; do
    systemctl stop "$service" 2>/dev/null || service "$service" stop 2>/dev/null || true
  done
}

run_tests() {
  local project="$1" log
  log="$(mktemp)"
  # Keep going after a failing project so one run reports every failure; the status is checked below.
  dotnet test "$project" -c "$configuration" --no-build 2>&1 | tee "$log" || true
  # "Passed!  - Failed:     0, Passed:    50, Skipped:     0, Total:    50, ..."
  local line
  line="$(grep -E '(Passed|Failed)! +- Failed: ' "$log" | tail -n 1 || true)"
  if [[ -z "$line" ]]; then
    echo "test.sh: $project did not report a result" >&2
    failed=$((failed + 1))
  else
    failed=$((failed + $(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$line")))
    passed=$((passed + $(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")))
    skipped=$((skipped + $(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")))
  fi
  rm -f "$log"
}

# The SignalR JavaScript client and its MessagePack protocol, which the browser tests load into Chromium;
# package-lock.json pins them.
ensure_js_clients() {
  if [[ -d tests/E2E/js/node_modules/@microsoft/signalr-protocol-msgpack ]]; then
    return
  fi

  echo "test.sh: installing the SignalR JavaScript client for the browser tests"
  npm ci --prefix tests/E2E/js --no-audit --no-fund --silent
}

ensure_chromium
ensure_postgres
ensure_brokers
ensure_js_clients
dotnet build Tributary.sln -c "$configuration"

passed=0 failed=0 skipped=0
run_tests tests/Unit/Tributary.Tests.Unit.csproj
run_tests tests/E2E/Tributary.Tests.E2E.csproj

echo "Total: $passed passed, $failed failed, $skipped skipped"
if [[ "$failed" -ne 0 || "$passed" -eq 0 ]]; then
  exit 1
fi
