#!/usr/bin/env bash
# Measures server memory while a 1,000,000-row CSV export streams: starts the app (Release) on a loopback
# port, samples its resident set every 100 ms before and during the download, and prints baseline and peak.
# Bounded: one download, on 127.0.0.1 only, and the app is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

rows="${ROWS:-1000000}"
port="${PORT:-5061}"
dotnet build src/App -c Release -v quiet -nologo >/dev/null
app="src/App/bin/Release/net10.0/Tributary.App"

pushd src/App >/dev/null
ASPNETCORE_ENVIRONMENT=Production "../../$app" --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
popd >/dev/null
trap 'kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/feeds" >/dev/null && break; sleep 0.1; done

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
curl -sf "http://127.0.0.1:$port/api/export/counter.csv?live=true&rate=0&count=1000" >/dev/null   # warm up
baseline="$(rss)"
peak="$baseline"
start="$(date +%s.%N)"
curl -sf "http://127.0.0.1:$port/api/export/counter.csv?live=true&rate=0&count=$rows" -o /tmp/tributary-export.csv &
download=$!
while kill -0 "$download" 2>/dev/null; do
  now="$(rss)"; [ "$now" -gt "$peak" ] && peak="$now"
  sleep 0.1
done
wait "$download"
end="$(date +%s.%N)"
lines="$(wc -l < /tmp/tributary-export.csv)"
size="$(du -m /tmp/tributary-export.csv | cut -f1)"
rm -f /tmp/tributary-export.csv
echo "rows (incl. header): $lines  size: ${size} MB  time: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
echo "server RSS: baseline $((baseline / 1024)) MB, peak $((peak / 1024)) MB, growth $(((peak - baseline) / 1024)) MB"
