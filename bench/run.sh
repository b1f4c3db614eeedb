#!/usr/bin/env bash
# Runs the load harness against a Release build of the app on 127.0.0.1 and writes the results into
# docs/PERFORMANCE.md (between the load:begin / load:end markers), with the date, commit and machine.
# Needs Chromium for the dashboard mode: run ./test.sh once first (it installs it).
# MODES=throughput,cancel ./bench/run.sh runs a subset; FANOUT=100,1000 limits the fan-out sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/perf-section.sh
. bench/start-app.sh

port="${PORT:-5080}"
modes="${MODES:-throughput,fanout,cancel,dashboard}"
fanout="${FANOUT:-100,1000,5000,10000}"
rid="$(dotnet --info | awk '/ RID:/ {print $2; exit}')"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build src/App -c Release -v quiet -nologo
dotnet build bench/Tributary.Load -c Release -v quiet -nologo

# The load catalog: eight unthrottled counters for throughput, a 1,000 items/s counter for the dashboard.
settings=(--Logging:LogLevel:Default=Warning --Streaming:MaxStreamsPerClient=20000
          --Feeds:50:Name=fast1k --Feeds:50:Kind=counter --Feeds:50:Rate=1000)
for i in 1 2 3 4 5 6 7 8; do
  settings+=("--Feeds:$((50 + i)):Name=c$i" "--Feeds:$((50 + i)):Kind=counter" "--Feeds:$((50 + i)):Rate=0")
done

start_release_app "$rid" "$port" "${settings[@]}"

table="$(mktemp)"
"bench/Tributary.Load/bin/Release/net9.0/$rid/Tributary.Load" --url "http://127.0.0.1:$port" --pid "$pid" \
  --modes "$modes" --fanout "$fanout" --out "$table"

write_perf_section load "Load harness (issue 6)" "$table" \
  "Release build, server and load client on the same machine over 127.0.0.1 (modes: $modes)."
