#!/usr/bin/env bash
# Load test of the Mail Tracking SOAP API (issue 7's budget: 2,000 requests/s of 30 items each, p99
# under 20 ms, on this 2-core machine). It makes a sender and an integrator credential with the ecship
# command, seeds 30 posted items with six events each (internal/soap TestLoadSeed), starts ecship serve
# on SQLite with the frequency limit off (ECSHIP_MAILTRACK_MIN_INTERVAL=0), and posts the same signed
# 30-item request with wrk, counting answers other than status 0.
# Usage: bench/mailtrack.sh [SECONDS] [CONNECTIONS] [DSN]   (DSN: a postgres:// URL, default SQLite)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-16}
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
db=${3:-sqlite:$work/data/ecship.db}

go build -o "$work/ecship" ./cmd/ecship
export ECSHIP_DATA="$work/data" ECSHIP_DB="$db"
"$work/ecship" migrate >/dev/null
"$work/ecship" user add --email load@example.hk --password load-test-pw-1 >/dev/null
# wrk sends the same bytes each time, and a digest's nonce is accepted once: the load credential signs
# in with its password in clear, which ecship takes only from credentials that allow it and only over
# https. The server is told its public address is https (as behind a TLS-terminating proxy).
"$work/ecship" integrator create --user load@example.hk --username LOADTEST --password LOADPASS99 --allow-ip 127.0.0.1/32 --allow-plain-text >/dev/null
go test ./internal/soap -run TestLoadSeed -count=1 -args -load-db "$db" -load-user load@example.hk -load-cred LOADTEST:LOADPASS99 -load-body "$work/body.xml" >/dev/null

ECSHIP_MAILTRACK_MIN_INTERVAL=0 ECSHIP_MAILTRACK_DAILY_LIMIT=100000000 ECSHIP_PUBLIC_RATE_LIMIT=0 ECSHIP_LOG_LEVEL=${ECSHIP_LOG_LEVEL:-warn} \
  ECSHIP_BASE_URL=https://127.0.0.1:18090 ECSHIP_METRICS_ADDR=off \
  "$work/ecship" serve --addr 127.0.0.1:18090 2>"$work/serve.log" &
pid=$!
until curl -sf -o /dev/null http://127.0.0.1:18090/healthz; do kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }; sleep 0.01; done
url=http://127.0.0.1:18090/HKP_MailTrack_API/services
# Warm up, then measure.
export BODY="$work/body.xml" OK="<status>0</status><errMsg/><itemCount>30</itemCount>"
wrk -t1 -c"$conns" -d2s -s bench/soap.lua "$url" >/dev/null
out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -s bench/soap.lua "$url")
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
p50=$(awk '$1=="50%" {print $2}' <<<"$out")
p99=$(awk '$1=="99%" {print $2}' <<<"$out")
bad=$(awk -F': ' '/answers other than status 0/ {print $2}' <<<"$out")
echo "wrk -t1 -c$conns -d${secs}s on $(nproc) cores, ${db%%:*}: getItemDeliveryStatus of 30 items"
printf '%10s req/s   p50 %-8s p99 %-8s not status 0: %s\n' "$rps" "$p50" "$p99" "${bad:-?}"
