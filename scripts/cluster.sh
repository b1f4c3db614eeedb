#!/usr/bin/env bash
# Starts a local PostgreSQL and two instances of the app on it, for trying the PostgreSQL engine by hand:
# failover (kill one instance) and resume on the other instance (Last-Event-ID / since). Everything listens
# on 127.0.0.1 only, and everything stops (and the database is removed) when you press Ctrl+C.
#   scripts/cluster.sh            # instances on :5001 and :5002, PostgreSQL on :55432
#   PORTS="6001 6002" PG_PORT=6543 scripts/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/postgres.sh

read -r -a ports <<<"${PORTS:-5001 5002}"
dotnet build src/App -c Release -v quiet -nologo
start_throwaway_postgres "${PG_PORT:-55432}"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  stop_throwaway_postgres
}
trap cleanup EXIT INT TERM

for port in "${ports[@]}"; do
  (cd src/App && exec "bin/Release/net10.0/Tributary.App" --urls "http://127.0.0.1:$port" \
    --Sharing:Engine=Postgres "--ConnectionStrings:Tributary=$pg_connection") &
  pids+=("$!")
done

cat <<MSG
Two instances share one PostgreSQL engine:
  http://127.0.0.1:${ports[0]}/   (pid ${pids[0]})
  http://127.0.0.1:${ports[1]}/   (pid ${pids[1]})
Try:
  curl -N "http://127.0.0.1:${ports[0]}/api/stream?feeds=ticker&format=sse"     # note an id: ticker:N@epoch
  curl -N -H "Last-Event-ID: ticker:N@epoch" "http://127.0.0.1:${ports[1]}/api/stream?feeds=ticker&format=sse"
  curl -s "http://127.0.0.1:${ports[0]}/api/stats"    # "producer": true on the instance producing each feed
  kill -9 <pid of the producer>                        # the other instance takes over; readers get a gap record
Ctrl+C stops both instances and removes the database.
MSG
wait
