#!/usr/bin/env bash
# Runs each hostile-upstream fault (bench/Tributary.Load/FaultUpstream.cs) against a Release build of the app on 127.0.0.1 for 40 s
# (about 4 minutes in all) and writes the results into docs/PERFORMANCE.md (between faults:begin and
# faults:end): for each fault, RSS growth against its baseline, upstream connection attempts against the
# backoff schedule, and whether any credential or redirect content reached a stream or the feed's history.
# A measurement, not a test: it passes or fails nothing, it reports.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/perf-section.sh
. bench/start-app.sh

port="${PORT:-5080}"
upstream="${UPSTREAM_PORT:-5081}"

dotnet build src/App -c Release -v quiet -nologo
dotnet build bench/Tributary.Load -c Release -v quiet -nologo

# One feed per fault, all reading the fault upstream that the load client starts on $upstream. The app
# connects to it only when the client opens a reader, so the order of start-up does not matter.
base="http://127.0.0.1:$upstream"
feeds=(
  "fault-noline ndjson $base/noline"
  "fault-sse-noline sse $base/sse-noline"
  "fault-retry0 sse $base/retry0"
  "fault-redirect ndjson $base/redirect"
  "fault-secret ndjson http://reader:hunter2@127.0.0.1:$upstream/secret?apikey=topsecret"
  "fault-silent ndjson $base/silent"
)
settings=(--Logging:LogLevel:Default=Warning --Logging:LogLevel:Tributary.App.Feeds.Upstream=Error)
i=60
for entry in "${feeds[@]}"; do
  read -r name kind url <<<"$entry"
  settings+=("--Feeds:$i:Name=$name" "--Feeds:$i:Kind=$kind" "--Feeds:$i:Url=$url")
  i=$((i + 1))
done
settings+=("--Feeds:65:IdleTimeout=00:00:05")

start_release_app "$port" "${settings[@]}"

table="$(mktemp)"
"bench/Tributary.Load/bin/Release/net10.0/Tributary.Load" --url "http://127.0.0.1:$port" --pid "$pid" \
  --modes faults --upstream-port "$upstream" --out "$table"

write_perf_section faults "Hostile upstreams" "$table" \
  "Release build, one reader per fault for 40 s, the fault upstream and the app on 127.0.0.1. Reconnect" \
  "delays are the defaults (500 ms to 30 s); the attempt bound counts every attempt the schedule's shortest" \
  "delays would allow."
