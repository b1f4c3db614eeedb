#!/usr/bin/env bash
# Runs the load harness against a Release build of the app on 127.0.0.1 and writes the results into
# docs/PERFORMANCE.md (between the load:begin / load:end markers), with the date, commit and machine.
# Needs Chromium for the dashboard mode: run ./test.sh once first (it installs it).
# The reference mode goes to its own section (reference:begin / reference:end), the broadcast and fairness
# modes to theirs (perf16:begin / perf16:end). The reference mode compares with bench/Tributary.Reference, a
# bare Kestrel app started here on $REFERENCE_PORT, and with bench/reference-node, the same server on Node's
# http module, on $NODE_PORT (Node comes with the machine).
# MODES=throughput,cancel ./bench/run.sh runs a subset; FANOUT=100,1000 limits the fan-out sizes;
# BROADCAST=http:1000x1000,hub:100x1000 picks the broadcast rounds (readers x items/s; rates 1, 100 and 1000;
# hub: is MessagePack, hubjson: JSON, hubbatches: StreamBatches over MessagePack).
# FLUSH_INTERVAL=00:00:00.050 starts the app with Streaming:FlushInterval set; those modes then write
# into their own section (perf16-flush) rather than the default configuration's.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/perf-section.sh
. bench/start-app.sh

port="${PORT:-5080}"
# Broadcast runs last: its 10,000 connections leave the server with a grown heap and thread pool, which
# lowered the reference mode's throughput by a third when it ran after them.
modes="${MODES:-throughput,fanout,cancel,dashboard,reference,fairness,broadcast}"
broadcast="${BROADCAST:-http:100x1000,http:1000x1000,http:2000x1000,http:10000x100,http:20000x1,hub:100x1000,hub:1000x100,hubjson:1000x100,hubbatches:1000x100}"
reference_port="${REFERENCE_PORT:-5079}"
node_port="${NODE_PORT:-5078}"
fanout="${FANOUT:-100,1000,5000,10000}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build src/App -c Release -v quiet -nologo
dotnet build bench/Tributary.Load -c Release -v quiet -nologo
dotnet build bench/Tributary.Reference -c Release -v quiet -nologo

# The load catalog: eight unthrottled counters for throughput, a 1,000 items/s counter for the dashboard, and
# shared counters at 1,000, 100 and 1 items/s for broadcast (one producer, every reader sees the same items).
settings=(--Logging:LogLevel:Default=Warning --Streaming:MaxStreamsPerClient=20000
          --Feeds:50:Name=fast1k --Feeds:50:Kind=counter --Feeds:50:Rate=1000
          --Feeds:60:Name=shared1000 --Feeds:60:Kind=counter --Feeds:60:Rate=1000 --Feeds:60:Shared=true
          --Feeds:61:Name=shared100 --Feeds:61:Kind=counter --Feeds:61:Rate=100 --Feeds:61:Shared=true
          --Feeds:62:Name=shared1 --Feeds:62:Kind=counter --Feeds:62:Rate=1 --Feeds:62:Shared=true)
for i in 1 2 3 4 5 6 7 8; do
  settings+=("--Feeds:$((50 + i)):Name=c$i" "--Feeds:$((50 + i)):Kind=counter" "--Feeds:$((50 + i)):Rate=0")
done

perf16_marker=perf16
perf16_heading="Broadcast, the bare-Kestrel reference and fairness"
if [ -n "${FLUSH_INTERVAL:-}" ]; then
  settings+=("--Streaming:FlushInterval=$FLUSH_INTERVAL")
  perf16_marker=perf16-flush
  perf16_heading="The same with Streaming:FlushInterval"
fi

start_release_app "$port" "${settings[@]}"
app_pid="$pid"
"bench/Tributary.Reference/bin/Release/net10.0/Tributary.Reference" --urls "http://127.0.0.1:$reference_port" &
reference_pid=$!
node bench/reference-node/server.js --port "$node_port" &
node_pid=$!
trap 'kill "$app_pid" "$reference_pid" "$node_pid" 2>/dev/null; wait 2>/dev/null; true' EXIT
for p in "$reference_port" "$node_port"; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$p/api/stats" >/dev/null && break; sleep 0.1; done
done

# Runs the harness for the given modes and writes their table into the given section.
run_modes() {
  local list="$1" marker="$2" heading="$3" table
  [ -n "$list" ] || return 0
  table="$(mktemp)"
  "bench/Tributary.Load/bin/Release/net10.0/Tributary.Load" --url "http://127.0.0.1:$port" --pid "$app_pid" \
    --modes "$list" --fanout "$fanout" --broadcast "$broadcast" --reference-url "http://127.0.0.1:$reference_port" --node-url "http://127.0.0.1:$node_port" --out "$table"
  write_perf_section "$marker" "$heading" "$table" \
    "Release build, server and load client on the same machine over 127.0.0.1 (modes: $list${FLUSH_INTERVAL:+; Streaming:FlushInterval $FLUSH_INTERVAL})."
}

pick() { tr ',' '\n' <<<"$modes" | grep -Ex "$1" | paste -sd, || true; }
run_modes "$(pick 'throughput|fanout|cancel|dashboard')" load "Throughput, fan-out, cancellation and the dashboard"
run_modes "$(pick 'reference')" reference "The references: bare Kestrel and Node"
run_modes "$(pick 'broadcast|fairness')" "$perf16_marker" "$perf16_heading"
