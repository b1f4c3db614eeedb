#!/usr/bin/env bash
# The PostgreSQL engine end to end: a throwaway PostgreSQL and two Release instances of the app
# on 127.0.0.1; one unthrottled shared feed with 50 readers on each instance (every item in order), a
# 1,000 items/s feed for produce→deliver latency, and 10 kills of the producing instance for the failover
# gap. About 2 minutes. Writes the figures into docs/PERFORMANCE.md (between engine:begin and engine:end).
# A measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/perf-section.sh
. scripts/postgres.sh

dotnet build src/App -c Release -v quiet -nologo
dotnet build bench/Tributary.Load -c Release -v quiet -nologo

start_throwaway_postgres "${PG_PORT:-55433}"
trap stop_throwaway_postgres EXIT

table="$(mktemp)"
"bench/Tributary.Load/bin/Release/net10.0/Tributary.Load" --modes engine \
  --app-binary "$PWD/src/App/bin/Release/net10.0/Tributary.App" --postgres "$pg_connection" --out "$table"

write_perf_section engine "PostgreSQL engine" "$table" \
  "Release build, two instances (127.0.0.1:5090 and :5091) and a throwaway PostgreSQL 15 (fsync on) on the" \
  "same machine; each phase holds 10 s. Latency is measured from the record's \`ts\` (when the producer took" \
  "the item from its source) to its arrival at the reader, on one clock."
