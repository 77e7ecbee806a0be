#!/usr/bin/env bash
# The books benchmark: the packaged service on this machine's PostgreSQL with 10,000 books, measured with wrk at
# the same concurrency as pgbench running the service's own SQL (the database's ceiling), side by side.
#
#   bash src/test/perf/bench.sh [--duration SECONDS] [--connections N] [--no-build] [--jvm-opts "..."] [--aot]
#
# --aot first makes a JDK 25 AOT cache (-XX:AOTCacheOutput, a short training run on a database of its own) and then
# runs every measurement with -XX:AOTCache, the way docs/performance.md recommends for the fastest start.
#
# Loopback only; bounded (about 4 × (warm-up + duration) × 2 + start-up measurements). Needs root only to install
# wrk if it is missing. Writes the table to target/bench-report.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/../../.."

DURATION=15
WARMUP=10
CONNECTIONS=32
BUILD=1
JVM_OPTS=""
AOT=0
BOOKS=10000
PGHOST=127.0.0.1
PGPORT=5432
PGUSER=postgres
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --jvm-opts) JVM_OPTS=$2; shift 2 ;;
        --aot) AOT=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------------------------
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export JAVA_HOME
command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v pgbench >/dev/null || { echo "pgbench is missing (Debian: postgresql-client / postgresql-contrib)" >&2; exit 1; }
pg_isready -q -h "$PGHOST" -p "$PGPORT" || { echo "PostgreSQL is not answering on $PGHOST:$PGPORT" >&2; exit 1; }

if [ "$BUILD" = 1 ] || [ ! -f target/books.jar ]; then
    log "building target/books.jar"
    ./mvnw -B -q package -DskipTests
fi

WORK=$(mktemp -d /tmp/books-bench.XXXXXX)
DB="books_bench_$(date +%s)_$$"
PID=""
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill "$PID"; wait "$PID" 2>/dev/null || true; fi
    for db in "$DB" "${DB}_aot"; do
        psql -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
            >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
psql -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -c "CREATE DATABASE $DB" >/dev/null

now_ms() { date +%s%3N; }

DB_NAME=$DB
# Starts the service; sets READY_MS to the milliseconds from JVM launch to the first 200 from
# /observe/health/ready, and PID.
start_service() {
    local started ready
    started=$(now_ms)
    # shellcheck disable=SC2086 # JVM_OPTS is a list of options
    SERVER_PORT=$PORT SERVER_HOST=127.0.0.1 DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB_NAME" DB_USERNAME=$PGUSER \
        BOOKS_ACCESS_LOG=false "$JAVA_HOME/bin/java" $JVM_OPTS -jar target/books.jar >"$WORK/service.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 6000); do
        if curl -s -o /dev/null -w '%{http_code}' "$BASE/observe/health/ready" 2>/dev/null | grep -q 200; then
            ready=$(now_ms)
            READY_MS=$((ready - started))
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$WORK/service.log" >&2; return 1; }
        sleep 0.01
    done
    echo "service not ready within 60 s" >&2
    return 1
}

stop_service() {
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=""
}

# --- optional AOT cache: a training run on a database of its own, so the start-up below still meets a fresh one -----
if [ "$AOT" = 1 ]; then
    log "AOT cache: training run"
    psql -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -c "CREATE DATABASE ${DB}_aot" >/dev/null
    TRAINING_OPTS="$JVM_OPTS"
    JVM_OPTS="$TRAINING_OPTS -XX:AOTCacheOutput=$WORK/books.aot"
    DB_NAME="${DB}_aot"
    start_service
    wrk -t2 -c"$CONNECTIONS" -d5s -s src/test/perf/books.lua "$BASE" -- mixed 2 >/dev/null
    curl -s "$BASE/books?limit=100" >/dev/null
    stop_service
    [ -s "$WORK/books.aot" ] || { echo "no AOT cache was written" >&2; exit 1; }
    JVM_OPTS="$TRAINING_OPTS -XX:AOTCache=$WORK/books.aot"
    DB_NAME=$DB
fi

# --- start-up: fresh database (all migrations), then a restart on the migrated database ----------------------
log "start-up on a fresh database (migrations run)"
start_service
READY_FRESH=$READY_MS
stop_service
READY_RESTART=()
for _ in 1 2 3; do
    start_service
    READY_RESTART+=("$READY_MS")
    stop_service
done
log "ready after ${READY_FRESH} ms (fresh), ${READY_RESTART[*]} ms (restarts)"

# --- data: 10,000 books ----------------------------------------------------------------------------------------
psql -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d "$DB" <<SQL >/dev/null
INSERT INTO books (title, author, publication_year)
SELECT initcap(md5(g::text)), 'Author ' || (g % 500), 1800 + (g % 220) FROM generate_series(3, $BOOKS) g;
ANALYZE books;
SQL

start_service
SERVICE_PID=$PID

# wrk run: prints "req/s p50_ms p99_ms errors"
run_wrk() {
    local workload=$1 seconds=$2 out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --latency -s src/test/perf/books.lua "$BASE" -- "$workload" "$BOOKS")
    python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]
m = re.search(r"RESULT requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) socket_errors=(\d+) bad_status=(\d+)", out)
req, dur, p50, p99, sock, bad = map(int, m.groups())
print(f"{req / (dur / 1e6):.0f} {p50 / 1000:.2f} {p99 / 1000:.2f} {sock + bad}")
PY
}

run_pgbench() {
    local tps
    tps=$(pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$@" "$DB" 2>&1 \
        | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    printf '%.0f\n' "$tps"
}

declare -A RESULT CEILING
for workload in get list post mixed; do
    log "warm-up $workload (${WARMUP}s)"
    run_wrk "$workload" "$WARMUP" >/dev/null
    log "measure $workload (${DURATION}s)"
    RESULT[$workload]=$(run_wrk "$workload" "$DURATION")
done
RSS_KB=$(ps -o rss= -p "$SERVICE_PID" | tr -d ' ')
HEAP=$(curl -s "$BASE/observe/metrics" | sed -n 's/^memory_usedHeap_bytes{[^}]*} \([0-9.E]*\)/\1/p' | head -1)
stop_service

P=src/test/perf/pgbench
log "ceiling: pgbench with the service's SQL (${DURATION}s each)"
CEILING[get]=$(run_pgbench -f $P/get.sql)
CEILING[list]=$(run_pgbench -f $P/list.sql)
CEILING[post]=$(run_pgbench -f $P/post.sql)
CEILING[mixed]=$(run_pgbench -f $P/get.sql@80 -f $P/post.sql@15 -f $P/put.sql@5)

REPORT=target/bench-report.md
mkdir -p target
{
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); $(psql -At -h "$PGHOST" -U "$PGUSER" -d postgres -c 'show server_version')"
    echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s after ${WARMUP}s warm-up; pgbench -M prepared -c$CONNECTIONS -j2 -T$DURATION; $BOOKS books; JVM options: ${JVM_OPTS:-none}"
    echo
    echo "| workload | service req/s | p50 ms | p99 ms | errors | pgbench TPS (ceiling) | service / ceiling |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for workload in get list post mixed; do
        read -r rps p50 p99 errors <<<"${RESULT[$workload]}"
        ceiling=${CEILING[$workload]}
        ratio=$(python3 -c "print(f'{100 * $rps / $ceiling:.0f} %' if $ceiling else 'n/a')")
        case $workload in
            get) name="GET /books/{random id}" ;; list) name="GET /books?limit=100" ;;
            post) name="POST /books" ;; mixed) name="mixed 80/15/5 GET/POST/PUT" ;;
        esac
        echo "| $name | $rps | $p50 | $p99 | $errors | $ceiling | $ratio |"
    done
    echo
    echo "Ready (JVM launch to readiness 200, PostgreSQL): ${READY_FRESH} ms on a fresh database (migrations run), ${READY_RESTART[*]} ms on restarts."
    echo "RSS after the load: $((RSS_KB / 1024)) MB (heap in use: $(python3 -c "print(round(float('${HEAP:-0}') / 1048576))") MB)."
} | tee "$REPORT"
