#!/usr/bin/env bash
# Load script for issue budgets: ecship serve start-up time and idle memory on SQLite, then
# POST /api/v1/quotes under wrk from a second process on loopback, beside a bare net/http hello world
# measured with the same tool and settings. Every server it starts listens on 127.0.0.1 and is stopped
# at the end. Usage: bench/load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

go build -o "$work/ecship" ./cmd/ecship
go build -o "$work/hello" ./bench/hello

# Start-up: from exec to the first answered /healthz (includes opening and migrating a new SQLite file).
t0=$(date +%s%N)
ECSHIP_PUBLIC_RATE_LIMIT=0 ECSHIP_LOG_LEVEL=${ECSHIP_LOG_LEVEL:-info} "$work/ecship" serve --addr 127.0.0.1:18080 --data "$work/data" 2>"$work/serve.log" &
pids+=($!)
spid=$!
until curl -sf -o /dev/null http://127.0.0.1:18080/healthz; do kill -0 "$spid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }; sleep 0.005; done
t1=$(date +%s%N)
echo "startup_ms $(( (t1 - t0) / 1000000 ))"
sleep 2
echo "idle_rss_mb $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$spid/status)"

"$work/hello" -addr 127.0.0.1:18081 &
pids+=($!)
hpid=$!
until curl -sf -o /dev/null http://127.0.0.1:18081/; do kill -0 "$hpid" 2>/dev/null || exit 1; sleep 0.005; done

run() { # name url [script]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$3" "$2"); else out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency "$2"); fi
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-28s %10s req/s   p50 %-8s p99 %-8s non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}"
}
curl -sf -X POST -H 'Content-Type: application/json' -d @<(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" bench/quote.lua) http://127.0.0.1:18080/api/v1/quotes >/dev/null
echo "wrk -t1 -c$conns -d${secs}s on $(nproc) cores"
run "hello world (net/http)" http://127.0.0.1:18081/
run "POST /api/v1/quotes" http://127.0.0.1:18080/api/v1/quotes bench/quote.lua
echo "after_load_rss_mb $(awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$spid/status)"
