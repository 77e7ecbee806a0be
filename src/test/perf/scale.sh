#!/usr/bin/env bash
# The scale benchmark: every read and write of the service on catalogues of 10 thousand to 10 million books
# (docs/performance.md, "From 10 thousand to 10 million books").
#
#   bash src/test/perf/scale.sh [SIZE ...] [--sizes 10000,100000,1000000,10000000] [--duration S] [--warmup S]
#                               [--connections N] [--no-build] [--reseed] [--no-lock] [--smoke]
#
# Each size has its own database, books_scale_SIZE, migrated by the service and seeded by SQL
# (scale/seed.sql: generate_series, indexes rebuilt, VACUUM ANALYZE; 10 M books in a few minutes). A database that
# is already seeded is reused (--reseed makes it again), so sizes can be run one at a time; nothing else is dropped.
# Per size: start-up on an empty migrated database and on the seeded one, then wrk (2 threads, N connections) for
# each read and for POST and PUT, under flock /tmp/books-heavy.lock, and EXPLAIN of every read statement with custom
# and generic plans (scale/explain.py). Results: target/scale/SIZE.md; all sizes measured so far:
# target/scale/report.md. --no-lock: no flock (when the caller holds it already). --smoke: 10,000 books, 2 s per
# workload, no flock, fails on any error or unexpected status (CI); writes to target/scale-smoke.
set -euo pipefail
cd "$(dirname "$0")/../../.."

SIZES=()
DURATION=10
WARMUP=3
CONNECTIONS=32
BUILD=1
RESEED=0
SMOKE=0
LOCK=(flock /tmp/books-heavy.lock)
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) IFS=, read -r -a SIZES <<<"$2"; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --warmup) WARMUP=$2; shift 2 ;;
        --connections) CONNECTIONS=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --reseed) RESEED=1; shift ;;
        --no-lock) LOCK=(); shift ;;
        --smoke) SMOKE=1; shift ;;
        [0-9]*) SIZES+=("$1"); shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ "$SMOKE" = 1 ]; then
    SIZES=(10000); DURATION=2; WARMUP=0; RESEED=1; LOCK=()
fi
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000 1000000 10000000)

log() { printf '[scale %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres)

# --- tools -----------------------------------------------------------------------------------------------------
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export JAVA_HOME
command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
python3 -c 'import yaml' 2>/dev/null || { log "installing python3-yaml"; apt-get install -y -qq python3-yaml >/dev/null; }
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
if [ "$BUILD" = 1 ] || [ ! -f target/books.jar ]; then
    log "building target/books.jar"
    ./mvnw -B -q package -DskipTests
fi

OUT=target/scale
[ "$SMOKE" = 0 ] || OUT=target/scale-smoke     # keeps the figures of real runs
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/books-scale.XXXXXX)
PID=""
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill "$PID"; wait "$PID" 2>/dev/null || true; fi
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS books_scale_empty WITH (FORCE)" >/dev/null 2>&1 || true
    if [ "$SMOKE" = 1 ]; then
        "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS books_scale_10000 WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
now_ms() { date +%s%3N; }

# Starts the service on database $1; sets READY_MS (JVM launch to the first 200 of readiness) and PID.
start_service() {
    local started
    started=$(now_ms)
    SERVER_PORT=$PORT SERVER_HOST=127.0.0.1 DB_URL="jdbc:postgresql://127.0.0.1:5432/$1" DB_USERNAME=postgres \
        BOOKS_ACCESS_LOG=false "$JAVA_HOME/bin/java" -jar target/books.jar >"$WORK/service.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 60000); do
        if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/observe/health/ready")" = 200 ]; then
            READY_MS=$(($(now_ms) - started))
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { cat "$WORK/service.log" >&2; return 1; }
        sleep 0.01
    done
    echo "service not ready within 10 minutes" >&2
    return 1
}
stop_service() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""; }

# Start-up (best of three) on database $1: prints milliseconds.
ready_ms() {
    local best=999999 rounds=3
    [ "$SMOKE" = 0 ] || rounds=1
    for _ in $(seq 1 "$rounds"); do
        start_service "$1"; stop_service
        [ "$READY_MS" -lt "$best" ] && best=$READY_MS
    done
    echo "$best"
}

# One wrk run: prints "req/s p99_ms errors good".
run_wrk() {
    local seconds=$1 out
    shift
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --latency -s src/test/perf/scale/scale.lua "$BASE" -- "$@")
    python3 - "$out" <<'PY'
import re, sys
m = re.search(r"RESULT requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) errors=(\d+) good=(\d+)", sys.argv[1])
req, dur, p50, p99, errors, good = map(int, m.groups())
print(f"{req / (dur / 1e6):.0f} {p99 / 1000:.1f} {errors} {good}")
PY
}

# Warm-up and measurement of one workload; appends "name req/s p99 errors good" to $RESULTS.
measure() {
    local name=$1 result
    shift
    [ "$WARMUP" = 0 ] || run_wrk "$WARMUP" "$@" >/dev/null
    result=$(run_wrk "$DURATION" "$@")
    log "$name: $result (req/s p99_ms errors good)"
    echo "$name $result" >>"$RESULTS"
}

"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS books_scale_empty WITH (FORCE)" -c "CREATE DATABASE books_scale_empty"
start_service books_scale_empty; stop_service          # migrates it
READY_EMPTY=$(ready_ms books_scale_empty)
log "ready on an empty migrated database: $READY_EMPTY ms"

for SIZE in "${SIZES[@]}"; do
    DB=books_scale_$SIZE
    MARK="books scale seed $SIZE, seed.sql $(sha1sum src/test/perf/scale/seed.sql | cut -c1-12)"
    seeded=$("${PSQL[@]}" -d postgres -At -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$DB'")
    if [ "$RESEED" = 1 ] || [ "$seeded" != "$MARK" ]; then
        log "$DB: migrating and seeding $SIZE books"
        "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
        start_service "$DB"; stop_service
        "${PSQL[@]}" -d "$DB" -v books="$SIZE" -f src/test/perf/scale/seed.sql >/dev/null
        "${PSQL[@]}" -d postgres -c "COMMENT ON DATABASE $DB IS '$MARK'"
    fi
    READY_SEEDED=$(ready_ms "$DB")
    log "ready on $DB: $READY_SEEDED ms (empty: $READY_EMPTY ms)"

    # Request paths: random ids, authors and ISBNs of existing books, pages 90 % deep, years, search terms.
    "${PSQL[@]}" -d "$DB" -At >"$WORK/id" -c "SELECT '/books/' || (1 + floor(random() * $SIZE))::bigint FROM generate_series(1, 2000)"
    echo /books >"$WORK/first"
    "${PSQL[@]}" -d "$DB" -At >"$WORK/deep" \
        -c "SELECT '/books?after=' || ($SIZE * 9 / 10 + floor(random() * $SIZE / 20))::bigint FROM generate_series(1, 2000)"
    "${PSQL[@]}" -d "$DB" -At >"$WORK/author" -c "SELECT '/books?author=' || replace(author, ' ', '%20') FROM books
        WHERE id IN (SELECT (1 + floor(random() * $SIZE))::bigint FROM generate_series(1, 500))"
    "${PSQL[@]}" -d "$DB" -At >"$WORK/isbn" -c "SELECT '/books?isbn=' || isbn FROM books
        WHERE id IN (SELECT (1 + floor(random() * $SIZE))::bigint FROM generate_series(1, 2000))"
    seq 1800 2025 | sed 's|^|/books?year=|' >"$WORK/year"
    echo '/books?q=Copper%20Dockyard' >"$WORK/q-rare"
    echo '/books?q=garden' >"$WORK/q-common"
    echo '/books?q=owl' >"$WORK/q-3char"
    echo '/books?q=the' >"$WORK/q-the"
    echo '/books?q=zzqx' >"$WORK/q-none"
    "${PSQL[@]}" -d "$DB" -At -c "SELECT 'books matching q (title or author): '
        || string_agg(t || ' ' || round(100.0 * (SELECT count(*) FROM books WHERE search_text LIKE '%' || t || '%')
                                        / $SIZE, 4) || ' %', ', ')
        FROM unnest(ARRAY['copper dockyard', 'garden', 'owl', 'the', 'zzqx']) t" >"$WORK/matches"

    RESULTS=$WORK/results-$SIZE
    : >"$RESULTS"
    start_service "$DB"
    log "$DB: loads (${WARMUP}s warm-up + ${DURATION}s each, $CONNECTIONS connections), ${LOCK[*]:-no lock}"
    export -f measure run_wrk log
    export WARMUP DURATION CONNECTIONS BASE RESULTS WORK SIZE
    "${LOCK[@]}" bash -c '
        set -euo pipefail
        for read in id first deep author year isbn q-rare q-common q-3char q-the q-none; do
            measure "$read" paths "$WORK/$read"
        done
        measure POST post "$SIZE"
        measure PUT put "$SIZE"'
    stop_service
    # The benchmark's POSTs go, so that the next run finds the same catalogue.
    "${PSQL[@]}" -d "$DB" -c "DELETE FROM books WHERE id > $SIZE" -c "VACUUM books"

    log "$DB: EXPLAIN of every read statement, custom and generic plan"
    python3 src/test/perf/scale/explain.py "$DB" "$SIZE" "$OUT/explain-$SIZE.txt" >"$WORK/plans"

    {
        echo "## $SIZE books"
        echo
        echo "$(nproc) cores; $(psql -XAt -h 127.0.0.1 -U postgres -d postgres -c 'show server_version'); wrk -t2 -c$CONNECTIONS -d${DURATION}s after ${WARMUP}s; $(date -u +%FT%TZ)."
        echo "Ready (JVM launch to readiness 200, best of 3): ${READY_SEEDED} ms on this database, ${READY_EMPTY} ms on an empty one."
        cat "$WORK/matches"
        echo
        echo "| workload | req/s | p99 ms | errors | answered 200/201 |"
        echo "|---|---:|---:|---:|---:|"
        while read -r name rps p99 errors good; do echo "| $name | $rps | $p99 | $errors | $good |"; done <"$RESULTS"
        echo
        echo "| statement | values | plan | nodes | execution |"
        echo "|---|---|---|---|---:|"
        cat "$WORK/plans"
    } >"$OUT/$SIZE.md"
    cp "$RESULTS" "$OUT/results-$SIZE"
    if [ "$SMOKE" = 1 ]; then
        bad=$(awk '$4 != 0 || $5 == 0' "$RESULTS")
        [ -z "$bad" ] || { cat "$OUT/$SIZE.md"; echo "scale smoke: errors or no answers: $bad" >&2; exit 1; }
        log "smoke passed: every workload answered, no errors"
    fi
done

# The table over every size measured so far: req/s and p99 per workload.
python3 - "$OUT" >"$OUT/report.md" <<'PY'
import os, sys
out = sys.argv[1]
sizes = sorted(int(f.split("-")[1]) for f in os.listdir(out) if f.startswith("results-"))
rows = {}
for size in sizes:
    for line in open(os.path.join(out, f"results-{size}")):
        name, rps, p99, errors, good = line.split()
        rows.setdefault(name, {})[size] = f"{rps} / {p99}" + ("" if errors == "0" else f" ({errors} errors)")
label = lambda n: f"{n // 1000000} M" if n >= 1000000 else f"{n // 1000} k"
print("| workload (req/s / p99 ms) | " + " | ".join(label(s) for s in sizes) + " |")
print("|---|" + "---:|" * len(sizes))
for name, cells in rows.items():
    print(f"| {name} | " + " | ".join(cells.get(s, "–") for s in sizes) + " |")
PY
cat "$OUT/report.md"
