# Sourced by the bench scripts: starts the Release build of the app on 127.0.0.1:$port with the given
# settings, sets $pid, stops it when the script exits, and returns once it answers.
#   start_release_app "$port" --Feeds:50:Name=x ...
start_release_app() {
  local port="$1"
  shift
  pushd src/App >/dev/null
  ASPNETCORE_ENVIRONMENT=Production "bin/Release/net10.0/Tributary.App" --urls "http://127.0.0.1:$port" "$@" &
  pid=$!
  popd >/dev/null
  trap 'kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; true' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/feeds" >/dev/null && break; sleep 0.1; done
}
