#!/usr/bin/env bash
# Publishing on both engines: a Release instance with the memory engine, then one with the PostgreSQL engine on a
# throwaway PostgreSQL, each on 127.0.0.1 with a push feed. Accepted publishes per second (one item and 100 items
# per request) and publish→deliver latency to 100 readers; then the same through the Mercure hub (form posts, SSE
# subscribers). About two minutes. Writes the figures into
# docs/PERFORMANCE.md (between publish:begin and publish:end). A measurement, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/perf-section.sh
. scripts/postgres.sh

dotnet build src/App -c Release -v quiet -nologo
dotnet build bench/Tributary.Load -c Release -v quiet -nologo

start_throwaway_postgres "${PG_PORT:-55434}"
trap stop_throwaway_postgres EXIT

table="$(mktemp)"
"bench/Tributary.Load/bin/Release/net10.0/Tributary.Load" --modes publish,mercure \
  --app-binary "$PWD/src/App/bin/Release/net10.0/Tributary.App" --postgres "$pg_connection" --out "$table"

write_perf_section publish "Publishing" "$table" \
  "Release build, one instance per engine on 127.0.0.1 (memory: :5092, hub :5094; PostgreSQL: :5093, hub :5095, on a throwaway" \
  "PostgreSQL 15, fsync on, same machine); the load client on the same two cores. Each phase holds 10 s." \
  "Latency runs from just before the POST to the record's arrival at each reader."
