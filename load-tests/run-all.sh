#!/usr/bin/env bash
# The README's benchmark figures, in the order the README lists them. Each PostgreSQL run gets a fresh, empty
# database on the server named by PG (default: a local server on port 55433, user postgres).
# Usage: PG="Host=127.0.0.1;Port=55433;Username=postgres" load-tests/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${PG:-Host=127.0.0.1;Port=55433;Username=postgres}"
HARNESS=(dotnet run -c Release --project load-tests/Ecosystem.LoadTests --)

fresh_db() {
  local name="bench_$1_$(date +%s)"
  psql "postgresql://postgres@127.0.0.1:55433/postgres" -qc "CREATE DATABASE $name" >/dev/null
  echo "$PG;Database=$name"
}

# 1. Sustained durable intake, batches of 500, 60 s, with the raw Npgsql baseline beside it; then SQLite.
"${HARNESS[@]}" throughput --provider postgres --pg "$(fresh_db tp)" --seconds 60 --deals 5000 --watchers 100 --batch 500 --concurrency 16
"${HARNESS[@]}" throughput --seconds 60 --deals 5000 --watchers 100 --batch 500 --concurrency 16
# 2. Push latency at 5,000 events/s with 500 watchers, one in each of 500 deals (of 5,000 receiving events);
#    then the harder case: every event lands in a watched deal.
"${HARNESS[@]}" throughput --provider postgres --pg "$(fresh_db lat)" --seconds 60 --deals 5000 --watchers 500 --rate 5000 --batch 100 --concurrency 8 --baseline-seconds 0
"${HARNESS[@]}" throughput --provider postgres --pg "$(fresh_db latall)" --seconds 60 --deals 500 --watchers 500 --rate 5000 --batch 100 --concurrency 8 --baseline-seconds 0
# 3. 100,000 deals activated, memory per deal.
"${HARNESS[@]}" deals --provider postgres --pg "$(fresh_db idle)" --deals 100000
