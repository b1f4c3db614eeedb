#!/usr/bin/env bash
# The message-system upstream kinds end to end: a throwaway PostgreSQL, nats-server (JetStream), mosquitto and
# redis-server on 127.0.0.1, and Release instances of the app. Per kind and engine, items/s into a shared feed with
# 100 readers; per kind, SIGKILL of the producing instance → first item from the other. About 4 minutes. Writes the
# figures into docs/PERFORMANCE.md (between brokers:begin and brokers:end). A measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/perf-section.sh
. scripts/postgres.sh

dotnet build src/App -c Release -v quiet -nologo
dotnet build bench/Tributary.Load -c Release -v quiet -nologo

nats_port="${NATS_PORT:-54222}" mqtt_port="${MQTT_PORT:-51883}" redis_port="${REDIS_PORT:-56379}"
brokers_dir="$(mktemp -d /tmp/tributary-brokers-XXXXXX)"
pids=()
stop_all() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$brokers_dir"
  stop_throwaway_postgres
}
trap stop_all EXIT

start_throwaway_postgres "${PG_PORT:-55434}"
nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$brokers_dir/js" >"$brokers_dir/nats.log" 2>&1 & pids+=($!)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n%s\n' \
  "$mqtt_port" "$([[ "$(id -u)" -eq 0 ]] && echo 'user root')" >"$brokers_dir/mosquitto.conf"
mosquitto -c "$brokers_dir/mosquitto.conf" >"$brokers_dir/mosquitto.log" 2>&1 & pids+=($!)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$brokers_dir" >"$brokers_dir/redis.log" 2>&1 & pids+=($!)
for port in "$nats_port" "$mqtt_port" "$redis_port"; do
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done

table="$(mktemp)"
"bench/Tributary.Load/bin/Release/net10.0/Tributary.Load" --modes brokers \
  --app-binary "$PWD/src/App/bin/Release/net10.0/Tributary.App" --postgres "$pg_connection" \
  --brokers "$nats_port,$mqtt_port,$redis_port" --out "$table"

write_perf_section brokers "Upstreams" "$table" \
  "Release build, one instance (two for failover) on 127.0.0.1, Debian's nats-server $(nats-server --version 2>&1 | awk '{print $NF}'), mosquitto and" \
  "redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2), and a throwaway PostgreSQL 15, all on the same 2 cores. Each ingest round publishes for 5 s with up" \
  "to 256 publishes in flight (confirmed where the protocol confirms); failover publishes about 500 messages/s."
