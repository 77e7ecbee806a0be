#!/usr/bin/env bash
# fault-suite.sh - the packaged books service under load, faults and hostile clients, on the machine's PostgreSQL.
# Nothing acknowledged may be lost; every wait and every load loop is bounded; loopback only.
#
# Checks (each PASS/FAIL; figures go to target/fault-report.md, quoted by docs/reliability.md):
#   1. load       wrk, LOAD_SECONDS at LOAD_CONNECTIONS connections, GET /books/{random id} + list pages:
#                 no socket error, no non-2xx answer.
#   2a. db cut    pg_terminate_backend of the service's connections, repeatedly, under writers and readers:
#                 only 2xx or JSON 503 + Retry-After, failures fast, recovery, every acknowledged write stored.
#   2b. db outage a TCP proxy between service and PostgreSQL is SIGKILLed for OUTAGE_SECONDS, then restarted:
#                 fast JSON 503s, readiness 503 / liveness 200 during, readiness 200 again by itself after,
#                 every acknowledged write stored exactly, no garbled row.
#   3. SIGTERM    under load (and with BOOKS_SHUTDOWN_DELAY=PT2S): requests in flight get complete answers,
#                 no truncated answer, new connections refused, exit 143 within the grace period + margin,
#                 "Stopped" logged; with the delay readiness turns 503 at once while requests are still served.
#   4. kill -9    during writes, restart on the same database: every acknowledged write survived.
#   5. slow       500 idle keep-alive + 200 slowloris connections + slow and stalled bodies while a normal
#                 client does 500 GETs (all 200, p99 reported); idle/slowloris connections closed by the
#                 server within idle timeout + period + margin; slow bodies reported; the connection cap holds.
#   6. instances  3 instances on one database: If-Match read-modify-write never loses an update; concurrent
#                 POSTs across instances get unique ids, all stored.
#   +  the database password (a known secret) never appears in any log; logs carry no stack trace.
#
# Usage:  bash src/test/fault/fault-suite.sh         (from anywhere; ~4-5 min; root for apt-get if wrk is missing)
# Environment (optional):
#   LOAD_SECONDS=30        duration of the wrk load (the issue's full figure: 60)
#   LOAD_CONNECTIONS=64    wrk connections
#   OUTAGE_SECONDS=8       length of the proxy outage
#   FAULT_PG_HOST=127.0.0.1 FAULT_PG_PORT=5432 FAULT_PG_USER=postgres   PostgreSQL (trust auth); a database
#                          books_fault_<time>_<pid> is created and dropped (also on failure)
#   FAULT_REPORT=target/fault-report.md   where the figures go
#   JAVA_HOME              JDK 21+ (default: first JDK 21+ under /usr/lib/jvm)
#   FAULT_KEEP_TMP=1       keep the temp dir (client records, logs) for debugging

# The conditions passed to `check ... eval '...'` are single-quoted on purpose: they expand their variables
# when they run (no re-parsing of values).
# shellcheck disable=SC2016
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
HARNESS_TAG=fault
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"
LOAD_SECONDS="${LOAD_SECONDS:-30}"
LOAD_CONNECTIONS="${LOAD_CONNECTIONS:-64}"
WARMUP_SECONDS="${WARMUP_SECONDS:-5}"
OUTAGE_SECONDS="${OUTAGE_SECONDS:-8}"
PG_HOST="${FAULT_PG_HOST:-127.0.0.1}"
PG_PORT="${FAULT_PG_PORT:-5432}"
PG_USER="${FAULT_PG_USER:-postgres}"
REPORT="${FAULT_REPORT:-$ROOT/target/fault-report.md}"
LOGDIR="$ROOT/target/fault-logs"
JAR="$ROOT/target/books.jar"
DB="books_fault_$(date +%Y%m%d%H%M%S)_$$"
DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB"
SECRET="fault-secret-$RANDOM$RANDOM$RANDOM"  # DB_PASSWORD of every instance (trust auth ignores it): never logged
# Bounds (the service's defaults: pool connection-timeout 2 s, shutdown-grace-period 5 s)
FAIL_FAST_MS=5000          # a failed request answers within connection-timeout (2 s) + margin
RECOVERY_BOUND_MS=20000    # readiness 200 again after the database is back
GRACE_MS=5000              # server.shutdown-grace-period
EXIT_MARGIN_MS=5000        # JVM exit after the grace period
IDLE_TIMEOUT_S=5           # SERVER_IDLE_CONNECTION_TIMEOUT of the slow-client instances
IDLE_PERIOD_S=5            # server.idle-connection-period (default of application.yaml)
CLOSE_MARGIN_MS=4000
P99_BOUND_MS=2000          # normal client's p99 among hostile connections (2 shared cores: generous)

declare -A FIGS=()
FIG_KEYS=()
declare -A SVC_PID=() SVC_PORT=()
STARTED_PIDS=()
USED_PORTS=" "
DB_CREATED=0
TMP="$(mktemp -d /tmp/books-fault.XXXXXX)"
START_EPOCH="$(date +%s)"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"

fig() { # fig KEY VALUE: a figure for the report
    [[ -n "${FIGS[$1]+x}" ]] || FIG_KEYS+=("$1")
    FIGS[$1]="$2"
}
is_int() { [[ "$1" =~ ^-?[0-9]+$ ]]; }
eq() { is_int "$1" && is_int "$2" && (($1 == $2)); }
le() { is_int "$1" && is_int "$2" && (($1 <= $2)); }
ge() { is_int "$1" && is_int "$2" && (($1 >= $2)); }
all_zero() { local v; for v in "$@"; do eq "$v" 0 || return 1; done; }
sum() { local s=0 v; for v in "$@"; do is_int "$v" || { echo "?"; return; }; s=$((s + v)); done; echo "$s"; }
# kv FILE KEY -> the value of KEY=value in FILE (a client's figures), "?" when absent
kv() { local v; v="$(sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -1)"; echo "${v:-?}"; }

pg() { timeout 60 psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

alive() { # alive PID: running and not a zombie
    local state
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
    [[ -n "$state" && "$state" != Z ]]
}

# wait_exit PID TIMEOUT_MS -> sets EXIT_RC (exit code, or "hung": then it is SIGKILLed)
wait_exit() {
    local pid=$1 bound=$2 t0
    EXIT_RC=""
    t0="$(now_ms)"
    while alive "$pid" && (($(now_ms) - t0 < bound)); do sleep 0.05; done
    if alive "$pid"; then
        EXIT_RC=hung
        kill -KILL "$pid" 2>/dev/null || true
    fi
    local rc=0
    wait "$pid" 2>/dev/null || rc=$?
    [[ "$EXIT_RC" == hung ]] || EXIT_RC=$rc
}

pick_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 10000))
        if [[ "$USED_PORTS" != *" $p "* && -z "$(ss -Htan "( sport = :$p or dport = :$p )" 2>/dev/null)" ]]; then
            USED_PORTS+="$p "
            echo "$p"
            return 0
        fi
    done
    return 1
}

start_service() { # start_service NAME PORT JDBC_URL [VAR=VALUE...]
    local name=$1 port=$2 url=$3
    shift 3
    env SERVER_PORT="$port" SERVER_HOST=127.0.0.1 DB_URL="$url" DB_USERNAME="$PG_USER" DB_PASSWORD="$SECRET" \
        BOOKS_ACCESS_LOG=false "$@" "$JAVA" -jar "$JAR" >>"$TMP/service-$name.log" 2>&1 &
    SVC_PID[$name]=$!
    SVC_PORT[$name]=$port
    STARTED_PIDS+=("$!")
}

http_code() { # http_code URL -> status, or 000 when no answer within 5 s
    curl -s -o /dev/null -w '%{http_code}' -m 5 "$1" 2>/dev/null || true
}

wait_ready() { # wait_ready NAME BOUND_S -> 0 when readiness is 200; sets READY_MS
    local name=$1 bound=$(($2 * 1000)) t0 code
    t0="$(now_ms)"
    while (($(now_ms) - t0 < bound)); do
        code="$(http_code "http://127.0.0.1:${SVC_PORT[$name]}/observe/health/ready")"
        if [[ "$code" == 200 ]]; then
            READY_MS=$(($(now_ms) - t0))
            return 0
        fi
        alive "${SVC_PID[$name]}" || { info "$name exited; its log:"; tail -20 "$TMP/service-$name.log"; return 1; }
        sleep 0.2
    done
    READY_MS=$(($(now_ms) - t0))
    return 1
}

wait_recovery() { # wait_recovery URL SINCE_MS: readiness of URL polled every 0.1 s until 200, for at most
    # RECOVERY_BOUND_MS after SINCE_MS; sets RECOVERED (1, or 0 on time-out) and T_REC (ms from SINCE_MS to the 200)
    local url=$1 since=$2
    RECOVERED=0
    T_REC=0
    while (($(now_ms) - since < RECOVERY_BOUND_MS)); do
        if [[ "$(http_code "$url/observe/health/ready")" == 200 ]]; then
            RECOVERED=1
            T_REC=$(($(now_ms) - since))
            break
        fi
        sleep 0.1
    done
}

stop_service() { # stop_service NAME: SIGTERM, bounded wait, SIGKILL if it hangs
    local pid=${SVC_PID[$1]}
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        wait_exit "$pid" 20000
        [[ "$EXIT_RC" != hung ]] || info "$1 did not stop within 20 s; killed"
    fi
}

sleep_until() { # sleep_until EPOCH_MS
    local ms=$(($1 - $(now_ms)))
    if ((ms > 0)); then sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"; fi
}

wait_sql() { # wait_sql QUERY MIN BOUND_S -> 0 once the query's number is >= MIN
    local t0 n
    t0="$(now_ms)"
    while (($(now_ms) - t0 < $3 * 1000)); do
        n="$(pg -d postgres -c "$1" 2>/dev/null || echo 0)"
        if ge "$n" "$2"; then return 0; fi
        sleep 0.1
    done
    return 1
}

wait_progress() { # wait_progress PREFIX MIN_ROWS BOUND_S: until a client has stored MIN_ROWS books
    local t0 n
    t0="$(now_ms)"
    while (($(now_ms) - t0 < $3 * 1000)); do
        n="$(pg -d "$DB" -c "SELECT count(*) FROM books WHERE starts_with(title, '$1-')" 2>/dev/null || echo 0)"
        if ge "$n" "$2"; then return 0; fi
        sleep 0.2
    done
    return 1
}

create_book() { # create_book URL TITLE -> id
    curl -s -m 30 -X POST "$1/books" -H 'Content-Type: application/json' \
        -d "{\"title\":\"$2\",\"author\":\"Fault suite\",\"year\":0}" | sed -n 's/.*"id":\([0-9]*\).*/\1/p'
}

client() { # client ARGS... (foreground, bounded)
    timeout -k 5 300 "$JAVA" -cp "$TMP/classes" FaultClient "$@"
}

client_bg() { # client_bg OUTFILE ARGS... -> CLIENT_PID
    local out=$1
    shift
    timeout -k 5 300 "$JAVA" -cp "$TMP/classes" FaultClient "$@" >"$out" 2>"$out.err" &
    CLIENT_PID=$!
    STARTED_PIDS+=("$!")
}

wait_client() { # wait_client PID -> 0 when it exited 0
    local rc=0
    wait "$1" || rc=$?
    return "$rc"
}

dump_rows() { # dump_rows PREFIX FILE: the books written by one scenario, as the verifier reads them
    pg -d "$DB" -F $'\t' -c "SELECT id, title, author, publication_year, version FROM books
        WHERE starts_with(title, '$1-') ORDER BY id" >"$2"
}

verify_writes() { # verify_writes LABEL PREFIX DIR: acknowledged writes against the table
    local label=$1 prefix=$2 dir=$3 rc=0
    dump_rows "$prefix" "$dir/rows.tsv"
    client verify --out "$dir" --rows "$dir/rows.tsv" >"$dir/verify.out" 2>"$dir/verify.err" || rc=$?
    local acked found missing differs garbled dups lost err
    acked="$(kv "$dir/verify.out" writes_acknowledged)"
    found="$(kv "$dir/verify.out" acknowledged_found_exact)"
    missing="$(kv "$dir/verify.out" acknowledged_missing)"
    differs="$(kv "$dir/verify.out" acknowledged_differs)"
    garbled="$(kv "$dir/verify.out" garbled_rows)"
    dups="$(kv "$dir/verify.out" duplicate_rows)"
    lost="$(kv "$dir/verify.out" unacknowledged_rows_response_lost)"
    err="$(kv "$dir/verify.out" unacknowledged_rows_answered_error)"
    fig "$label: writes attempted" "$(kv "$dir/verify.out" writes_attempted)"
    fig "$label: writes acknowledged / found exactly" "$acked / $found"
    fig "$label: writes never acknowledged but stored (answer lost / answered 503: commit outcome unknown)" "$lost / $err"
    check "$label: every acknowledged write is stored exactly ($found of $acked; missing $missing, differing $differs)" \
        eval '[[ $rc == 0 ]] && eq "$missing" 0 && eq "$differs" 0 && eq "$found" "$acked" && ge "$acked" 1'
    check "$label: no garbled or duplicated row ($garbled garbled, $dups duplicates; never acknowledged but stored: $lost with the answer lost, $err answered 503)" \
        eval 'eq "$garbled" 0 && eq "$dups" 0'
    if [[ -s "$dir/verify.err" ]]; then head -5 "$dir/verify.err" | sed 's/^/      verify: /'; fi
}

# client_checks LABEL OUT: the per-request outcomes every scenario must have
client_checks() {
    local label=$1 out=$2
    local s5 trunc tmo nojson nora leak mism miss
    s5="$(kv "$out" answered_5xx_other)"
    trunc="$(kv "$out" truncated)"
    tmo="$(kv "$out" timeout)"
    nojson="$(kv "$out" problem_503_not_json)"
    nora="$(kv "$out" problem_503_no_retry_after)"
    leak="$(kv "$out" error_bodies_leaking)"
    mism="$(kv "$out" content_mismatches)"
    miss="$(kv "$out" acknowledged_reads_missing)"
    check "$label: no 5xx but 503, no truncated answer, no hang (5xx $s5, truncated $trunc, timeouts $tmo)" \
        all_zero "$s5" "$trunc" "$tmo"
    check "$label: every 503 is problem JSON with Retry-After, no error body leaks internals ($nojson, $nora, $leak)" \
        all_zero "$nojson" "$nora" "$leak"
    check "$label: reads return exactly what was acknowledged ($mism mismatches, $miss missing)" all_zero "$mism" "$miss"
    if [[ -s "$out.err" ]]; then head -5 "$out.err" | sed 's/^/      client: /'; fi
}

# keyed_checks LABEL OUT: writes with an Idempotency-Key, retried with the same key after the fault
keyed_checks() {
    local label=$1 out=$2 resolved replayed unresolved
    resolved="$(kv "$out" keyed_resolved_by_retry)"
    replayed="$(kv "$out" keyed_resolved_by_replay)"
    unresolved="$(kv "$out" keyed_unresolved)"
    fig "$label: keyed writes without a 201 during the fault, retried afterwards with the same key / answered by replay" \
        "$resolved / $replayed"
    check "$label: every keyed write ends with exactly one book when retried with its Idempotency-Key ($resolved retried after the fault, $replayed of them replays of a book stored by a failed attempt, $unresolved unresolved)" \
        eq "$unresolved" 0
}

write_report() {
    local k r end_load
    end_load="$(cut -d' ' -f1-3 /proc/loadavg)"
    mkdir -p "$(dirname "$REPORT")"
    {
        echo "# Fault suite report"
        echo
        echo "Written by \`src/test/fault/fault-suite.sh\`; quoted by \`docs/reliability.md\`."
        echo
        echo "| | |"
        echo "|---|---|"
        echo "| date | $(date -u -d "@$START_EPOCH" '+%Y-%m-%d %H:%M UTC') |"
        echo "| commit | $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src/main 2>/dev/null || echo ' (src/main modified)') |"
        echo "| machine | $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(sed -n 's/^PRETTY_NAME="\(.*\)"/\1/p' /etc/os-release) |"
        echo "| load average at start / end | $LOAD_AT_START / $end_load (other jobs share the machine when above ~2) |"
        echo "| JDK | $("$JAVA" -version 2>&1 | head -1) |"
        echo "| PostgreSQL | $(pg -d postgres -c 'SHOW server_version' 2>/dev/null || echo '?') on $PG_HOST:$PG_PORT |"
        echo "| settings | LOAD_SECONDS=$LOAD_SECONDS, LOAD_CONNECTIONS=$LOAD_CONNECTIONS, OUTAGE_SECONDS=$OUTAGE_SECONDS |"
        echo "| run time | ${SECONDS} s |"
        echo "| result | $PASSES passed, ${#FAILED[@]} failed |"
        echo
        echo "## Checks"
        echo
        echo "| result | check |"
        echo "|---|---|"
        for r in "${RESULTS[@]}"; do echo "| ${r%%|*} | ${r#*|} |"; done
        echo
        echo "## Figures"
        echo
        echo "| figure | value |"
        echo "|---|---|"
        for k in "${FIG_KEYS[@]}"; do echo "| $k | ${FIGS[$k]} |"; done
    } >"$REPORT"
}

cleanup() {
    local rc=$? pid r
    set +e
    trap - EXIT INT TERM
    for pid in "${STARTED_PIDS[@]}"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
    for pid in "${STARTED_PIDS[@]}"; do
        for _ in $(seq 1 50); do alive "$pid" || break; sleep 0.1; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null
    done
    wait 2>/dev/null
    if ((DB_CREATED)); then
        pg -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 \
            || echo "could not drop database $DB"
    fi
    if [[ -d "$TMP" ]]; then
        mkdir -p "$LOGDIR"
        rm -f "$LOGDIR"/*.log
        cp "$TMP"/*.log "$LOGDIR"/ 2>/dev/null
        if [[ "${FAULT_KEEP_TMP:-}" == 1 ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    ((rc == 0)) || FAILED+=("suite aborted (exit $rc)")
    [[ -n "${JAVA:-}" ]] && write_report
    echo
    echo "=== summary (report: ${REPORT#"$ROOT"/}, service logs: ${LOGDIR#"$ROOT"/})"
    for r in "${RESULTS[@]}"; do printf '  %-4s %s\n' "${r%%|*}" "${r#*|}"; done
    echo "=== figures"
    for r in "${FIG_KEYS[@]}"; do printf '  %-72s %s\n' "$r" "${FIGS[$r]}"; done
    echo "  total run time: ${SECONDS}s"
    for r in "${FAILED[@]}"; do echo "  FAILED: $r"; done
    echo "fault-suite: $PASSES passed, ${#FAILED[@]} failed"
    if ((${#FAILED[@]} > 0)); then exit 1; fi
    exit 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# === 0. prerequisites ===============================================================================================
log "prerequisites"
JAVA_HOME="$(pick_jdk)" || die "no JDK 21+ found (set JAVA_HOME)"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
if ! command -v wrk >/dev/null; then
    info "installing wrk (Debian)"
    if ! { timeout 300 apt-get update -qq >/dev/null && timeout 300 apt-get install -y -qq wrk >/dev/null; }; then
        die "cannot install wrk (apt-get install wrk)"
    fi
fi
for tool in psql pg_isready curl ss awk timeout; do
    command -v "$tool" >/dev/null || die "$tool is missing"
done
timeout 10 pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || die "PostgreSQL is not ready on $PG_HOST:$PG_PORT"
if [[ ! -f "$JAR" ]]; then
    info "building target/books.jar"
    (cd "$ROOT" && timeout 900 ./mvnw -B -q package -DskipTests) || die "build of target/books.jar failed"
fi
mkdir -p "$TMP/classes"
timeout 120 "$JAVA_HOME/bin/javac" -d "$TMP/classes" "$HERE/FaultClient.java" || die "FaultClient.java does not compile"
pg -d postgres -c "CREATE DATABASE $DB" || die "cannot create database $DB"
DB_CREATED=1
info "database $DB, jar $JAR, $(nproc) cores, load $LOAD_AT_START"

# === 1. load =======================================================================================================
log "1. load: wrk ${LOAD_SECONDS}s at $LOAD_CONNECTIONS connections"
start_service a "$(pick_port)" "$DB_URL"
wait_ready a 120 || die "service did not become ready within 120 s"
fig "start-up to ready (fresh database, migrations)" "${READY_MS} ms"
pg -d "$DB" -c "INSERT INTO books (title, author, publication_year)
    SELECT 'Seed ' || g, 'Seeder', 1900 + g % 100 FROM generate_series(1, 1000) AS g" >/dev/null
read -r MIN_ID MAX_ID COUNT < <(pg -d "$DB" -F ' ' -c "SELECT min(id), max(id), count(*) FROM books")
[[ "$COUNT" == $((MAX_ID - MIN_ID + 1)) ]] || die "seed ids are not contiguous ($MIN_ID..$MAX_ID, $COUNT rows)"
URL_A="http://127.0.0.1:${SVC_PORT[a]}"
timeout $((WARMUP_SECONDS + 30)) wrk -t2 -c"$LOAD_CONNECTIONS" -d"${WARMUP_SECONDS}s" --timeout 10s \
    -s "$HERE/load-mix.lua" "$URL_A" -- "$MIN_ID" "$MAX_ID" >"$TMP/wrk-warmup.out" 2>&1 || true
# readiness polled during the load: it must stay 200 (its database check shares the pool with the requests)
(
    end=$(($(date +%s) + LOAD_SECONDS))
    while (($(date +%s) < end)); do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -m 10 "$URL_A/observe/health/ready" || true
        sleep 0.5
    done
) >"$TMP/load-ready.txt" 2>/dev/null &
READY_POLL_PID=$!
STARTED_PIDS+=("$READY_POLL_PID")
WRK_RC=0
timeout $((LOAD_SECONDS + 60)) wrk -t2 -c"$LOAD_CONNECTIONS" -d"${LOAD_SECONDS}s" --timeout 10s --latency \
    -s "$HERE/load-mix.lua" "$URL_A" -- "$MIN_ID" "$MAX_ID" >"$TMP/wrk.out" 2>&1 || WRK_RC=$?
wait "$READY_POLL_PID" || true
sed 's/^/      /' "$TMP/wrk.out" | grep -v '^      lua_' || true
read -r READY_N READY_BAD READY_MAX < <(awk '{n++; if ($1 != 200) bad++; if ($2 > m) m = $2}
    END {printf "%d %d %d\n", n, bad, m * 1000}' "$TMP/load-ready.txt")
W="$TMP/wrk.out"
W_REQ="$(kv "$W" lua_requests)"
W_SOCK="$(sum "$(kv "$W" lua_errors_connect)" "$(kv "$W" lua_errors_read)" "$(kv "$W" lua_errors_write)" \
    "$(kv "$W" lua_errors_timeout)")"
W_NON2XX="$(sum "$(kv "$W" lua_3xx)" "$(kv "$W" lua_4xx)" "$(kv "$W" lua_503)" "$(kv "$W" lua_5xx_other)")"
fig "load: requests in ${LOAD_SECONDS} s at $LOAD_CONNECTIONS connections" "$W_REQ ($(kv "$W" lua_rps)/s)"
fig "load: socket errors / non-2xx answers" "$W_SOCK / $W_NON2XX"
fig "load: latency p50 / p99 / max" "$(kv "$W" lua_p50_ms) / $(kv "$W" lua_p99_ms) / $(kv "$W" lua_max_ms) ms"
check "load: wrk ran (exit $WRK_RC, $W_REQ requests)" eval 'eq "$WRK_RC" 0 && ge "$W_REQ" 1'
check "load: no socket error (connect/read/write/timeout: $W_SOCK)" \
    eval 'eq "$W_SOCK" 0 && ! grep -q "Socket errors" "$W"'
check "load: every answer 2xx ($W_NON2XX non-2xx)" eval 'eq "$W_NON2XX" 0 && ! grep -q "Non-2xx" "$W"'
fig "load: readiness polls during the load / not 200 / slowest" "$READY_N / $READY_BAD / $READY_MAX ms"
check "load: readiness stays 200 under load ($READY_BAD of $READY_N polls not 200, slowest $READY_MAX ms)" \
    eval 'ge "$READY_N" 1 && eq "$READY_BAD" 0'

# === 2a. database connections cut (pg_terminate_backend) ==========================================================
log "2a. database connections cut repeatedly (pg_terminate_backend) under writers and readers"
D="$TMP/cut"
client_bg "$D.out" mixed --urls "$URL_A" --threads 12 --seconds 120 --write-ratio 0.5 --prefix cut --out "$D" \
    --stop-file "$D.stop" --resolve-seconds 20 --health "$URL_A" --health-interval-ms 250
CUT_PID=$CLIENT_PID
wait_progress cut 50 60 || info "little progress before the cuts"
KILLED=0
T_CUT0="$(now_ms)"
while (($(now_ms) - T_CUT0 < 6000)); do
    n="$(pg -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE datname = '$DB' AND application_name = 'books'" || echo 0)"
    KILLED=$((KILLED + n))
    sleep 0.3
done
T_CUT1="$(now_ms)"
wait_recovery "$URL_A" "$T_CUT1"
sleep 4 # writes and reads after the recovery
touch "$D.stop"
CUT_RC=0
wait_client "$CUT_PID" || CUT_RC=$?
info "client: $(tr '\n' ' ' <"$D.out")"
# first 2xx write after the last cut
FIRST_WRITE="$(awk -F'\t' -v t="$T_CUT1" '$2 == "POST" && $6 == 201 && $3 >= t {print $4 - t; exit}' \
    <(sort -t$'\t' -k3,3n "$D/requests.tsv"))"
LIVE_BAD="$(awk -F'\t' '$3 != 200' "$D/health.tsv" | wc -l)"
fig "db cut: backends terminated (every 0.3 s for 6 s)" "$KILLED"
fig "db cut: requests / 503 answers / no answer" "$(kv "$D.out" requests) / $(kv "$D.out" answered_503) / $(kv "$D.out" no_answer)"
fig "db cut: slowest failed request" "$(kv "$D.out" max_failed_ms) ms"
fig "db cut: readiness 200 after the last cut / first acknowledged write after it" "$T_REC ms / ${FIRST_WRITE:-none} ms"
check "db cut: the client ran (exit $CUT_RC) and connections were really cut ($KILLED backends)" \
    eval 'eq "$CUT_RC" 0 && ge "$KILLED" 1'
client_checks "db cut" "$D.out"
check "db cut: failed requests answered fast (slowest $(kv "$D.out" max_failed_ms) ms <= $FAIL_FAST_MS ms)" \
    le "$(kv "$D.out" max_failed_ms)" "$FAIL_FAST_MS"
check "db cut: recovers by itself (readiness 200 ${T_REC} ms after the last cut; liveness never failed: $LIVE_BAD bad)" \
    eval 'eq "$RECOVERED" 1 && eq "$LIVE_BAD" 0'
keyed_checks "db cut" "$D.out"
verify_writes "db cut" cut "$D"
stop_service a

# === 2b. database outage (proxy killed) =========================================================================
log "2b. database unreachable for ${OUTAGE_SECONDS}s (TCP proxy SIGKILLed, then restarted)"
PROXY_PORT="$(pick_port)"
start_proxy() {
    local t0
    t0="$(now_ms)"
    : >"$TMP/proxy.out"
    while (($(now_ms) - t0 < 20000)); do
        "$JAVA" -cp "$TMP/classes" FaultClient proxy --listen "$PROXY_PORT" --target "$PG_HOST:$PG_PORT" \
            >"$TMP/proxy.out" 2>&1 &
        PROXY_PID=$!
        STARTED_PIDS+=("$PROXY_PID")
        while alive "$PROXY_PID" && ! grep -q listening "$TMP/proxy.out" && (($(now_ms) - t0 < 20000)); do
            sleep 0.05
        done
        grep -q listening "$TMP/proxy.out" && return 0
        sleep 0.5 # port still held: try again
    done
    return 1
}
start_proxy || die "the TCP proxy did not start"
start_service b "$(pick_port)" "jdbc:postgresql://127.0.0.1:$PROXY_PORT/$DB"
wait_ready b 120 || die "service (through the proxy) did not become ready"
URL_B="http://127.0.0.1:${SVC_PORT[b]}"
D="$TMP/outage"
client_bg "$D.out" mixed --urls "$URL_B" --threads 12 --seconds 180 --write-ratio 0.5 \
    --prefix outage --out "$D" --stop-file "$D.stop" --resolve-seconds 20 --health "$URL_B" --health-interval-ms 200
OUT_PID=$CLIENT_PID
wait_progress outage 50 60 || info "little progress before the outage"
T_DOWN="$(now_ms)"
kill -KILL "$PROXY_PID"
wait "$PROXY_PID" 2>/dev/null || true
sleep "$OUTAGE_SECONDS"
T_UP="$(now_ms)"
start_proxy || die "the TCP proxy did not restart"
wait_recovery "$URL_B" "$T_UP"
sleep 5 # writes and reads after the recovery
touch "$D.stop"
OUT_RC=0
wait_client "$OUT_PID" || OUT_RC=$?
info "client: $(tr '\n' ' ' <"$D.out")"
R="$D/requests.tsv"
H="$D/health.tsv"
# requests started while the database was unreachable
read -r DURING DURING_503 DURING_OK DURING_MAXFAIL < <(awk -F'\t' -v a="$T_DOWN" -v b="$T_UP" '
    $3 >= a && $3 < b { n++; if ($6 == 503) f++; if ($6 >= 200 && $6 < 300) ok++;
        if ($6 != 200 && $6 != 201 && $4 - $3 > m) m = $4 - $3 }
    END { printf "%d %d %d %d\n", n, f, ok, m }' "$R")
# readiness: the first answer other than 200 after the cut (when it arrived); from that poll on, every poll
# answered before the database was back must be 503
READY_DOWN_AT="$(awk -F'\t' -v a="$T_DOWN" '$1 >= a && $2 != 200 {print $1; exit}' "$H")"
READY_DOWN_MS="$(awk -F'\t' -v a="$T_DOWN" '$1 >= a && $2 != 200 {print $1 + $4 - a; exit}' "$H")"
READY_UP_IN_OUTAGE="$(awk -F'\t' -v a="${READY_DOWN_AT:-0}" -v b="$T_UP" '$1 >= a && $1 + $4 < b && $2 != 503' "$H" | wc -l)"
READY_SAMPLES="$(awk -F'\t' -v a="${READY_DOWN_AT:-0}" -v b="$T_UP" '$1 >= a && $1 + $4 < b' "$H" | wc -l)"
MAX_READY_MS="$(awk -F'\t' -v a="$T_DOWN" -v b="$T_UP" '$1 >= a && $1 < b && $4 > m {m = $4} END {print m + 0}' "$H")"
LIVE_BAD="$(awk -F'\t' '$3 != 200' "$H" | wc -l)"
FIRST_WRITE="$(awk -F'\t' -v t="$T_UP" '$2 == "POST" && $6 == 201 && $3 >= t {print $4 - t; exit}' \
    <(sort -t$'\t' -k3,3n "$R"))"
fig "db outage: requests during the ${OUTAGE_SECONDS} s outage / answered 503 / answered 2xx" "$DURING / $DURING_503 / $DURING_OK"
fig "db outage: slowest failed request during the outage" "$DURING_MAXFAIL ms"
fig "db outage: readiness 503 after the cut / slowest readiness answer" "${READY_DOWN_MS:-never} ms / $MAX_READY_MS ms"
fig "db outage: readiness 200 after the database is back (recovery) / first acknowledged write" "$T_REC ms / ${FIRST_WRITE:-none} ms"
fig "db outage: requests in the whole run / 503 answers" "$(kv "$D.out" requests) / $(kv "$D.out" answered_503)"
check "db outage: the client ran (exit $OUT_RC) and the outage was seen ($DURING_503 answers 503)" \
    eval 'eq "$OUT_RC" 0 && ge "$DURING_503" 1'
client_checks "db outage" "$D.out"
check "db outage: requests fail fast (slowest failure during the outage ${DURING_MAXFAIL} ms <= $FAIL_FAST_MS ms)" \
    le "$DURING_MAXFAIL" "$FAIL_FAST_MS"
check "db outage: readiness reports 503 (first ${READY_DOWN_MS:-never} ms after the cut, bound $FAIL_FAST_MS ms; then $READY_SAMPLES polls until the database was back, $READY_UP_IN_OUTAGE of them not 503)" \
    eval '[[ -n "$READY_DOWN_MS" ]] && le "$READY_DOWN_MS" "$FAIL_FAST_MS" && eq "$READY_UP_IN_OUTAGE" 0 && ge "$READY_SAMPLES" 1'
check "db outage: liveness stays 200 throughout ($LIVE_BAD other answers)" eq "$LIVE_BAD" 0
check "db outage: recovers by itself (readiness 200 $T_REC ms after the database is back, bound $RECOVERY_BOUND_MS ms)" \
    eq "$RECOVERED" 1
keyed_checks "db outage" "$D.out"
verify_writes "db outage" outage "$D"
stop_service b
kill -TERM "$PROXY_PID" 2>/dev/null || true

# === 3. SIGTERM under load ========================================================================================
sigterm_run() { # sigterm_run LABEL NAME DELAY_S
    local label=$1 name=$2 delay=$3 url d pid t_sig t_exit rc
    log "3. SIGTERM under load ($label)"
    # The access log names every request the server read (by X-Request-Id): a request it read must be answered.
    start_service "$name" "$(pick_port)" "$DB_URL" BOOKS_SHUTDOWN_DELAY="PT${delay}S" BOOKS_ACCESS_LOG=true
    wait_ready "$name" 120 || die "$name did not become ready"
    url="http://127.0.0.1:${SVC_PORT[$name]}"
    d="$TMP/$name"
    # A request in flight across SIGTERM for sure: a PUT waiting for a row lock held by psql until after the
    # listener has closed (delay + 1.5 s after SIGTERM, within the grace period).
    local held_id lock_pid put_pid
    held_id="$(create_book "$url" "Held $name")"
    [[ -n "$held_id" ]] || die "cannot create a book on $name"
    PGAPPNAME=fault-lock pg -d "$DB" -c "BEGIN; SELECT id FROM books WHERE id = $held_id FOR UPDATE;
        SELECT pg_sleep(120); COMMIT" >/dev/null 2>&1 &
    lock_pid=$!
    STARTED_PIDS+=("$lock_pid")
    wait_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND application_name = 'fault-lock'
        AND wait_event = 'PgSleep'" 1 30 || die "the row lock was not taken"
    client_bg "$d.out" mixed --urls "$url" --threads 16 --seconds 120 --write-ratio 0.5 --prefix "$name" \
        --out "$d" --stop-file "$d.stop" --health "$url" --health-interval-ms 100
    local cpid=$CLIENT_PID
    wait_progress "$name" 50 60 || info "little progress before SIGTERM"
    curl -s -o "$d.held.body" -w '%{http_code}' -m 60 -X PUT "$url/books/$held_id" -H 'Content-Type: application/json' \
        -H "X-Request-Id: $name-held" -d '{"year": 1999}' >"$d.held" 2>/dev/null &
    put_pid=$!
    STARTED_PIDS+=("$put_pid")
    wait_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = '$DB' AND application_name = 'books'
        AND wait_event_type = 'Lock'" 1 30 || info "the held PUT was not seen waiting for the lock"
    pid=${SVC_PID[$name]}
    t_sig="$(now_ms)"
    kill -TERM "$pid"
    local during=""
    if ((delay > 0)); then
        sleep 1
        during="$(http_code "$url/books/1")" # a new connection during the delay
    fi
    sleep_until $((t_sig + delay * 1000 + 1500))
    pg -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = '$DB' AND application_name = 'fault-lock'" >/dev/null || true
    wait_exit "$pid" $((delay * 1000 + GRACE_MS + EXIT_MARGIN_MS + 10000))
    t_exit="$(now_ms)"
    rc=$EXIT_RC
    local exit_ms=$((t_exit - t_sig))
    wait "$lock_pid" 2>/dev/null || true
    local held_rc=0 held_code held_row
    wait "$put_pid" || held_rc=$?
    held_code="$(cat "$d.held" 2>/dev/null || true)"
    held_row="$(pg -d "$DB" -F ' ' -c "SELECT publication_year, version FROM books WHERE id = $held_id")"
    sleep 2
    local after
    after="$(curl -s -o /dev/null -m 5 "$url/books/1" >/dev/null 2>&1; echo $?)" # 7 = connection refused
    touch "$d.stop"
    local crc=0
    wait_client "$cpid" || crc=$?
    info "client: $(tr '\n' ' ' <"$d.out")"
    local r="$d/requests.tsv" inflight inflight_bad late_bad refused_alive served_after noanswer_after
    # sent completely before SIGTERM, answer due after it
    read -r inflight inflight_bad < <(awk -F'\t' -v s="$t_sig" '$7 > 0 && $7 < s && $4 >= s {
        n++; if ($5 != "answered" || $6 >= 500) bad++ } END {printf "%d %d\n", n, bad}' "$r")
    # after the process exited: nothing but refused connections
    late_bad="$(awk -F'\t' -v e="$t_exit" '$3 > e + 200 && $5 != "refused"' "$r" | wc -l)"
    refused_alive="$(awk -F'\t' -v s="$t_sig" -v e="$t_exit" '$3 >= s && $4 < e && $5 == "refused"' "$r" | wc -l)"
    served_after="$(awk -F'\t' -v s="$t_sig" '$3 >= s && $5 == "answered" && $6 < 300' "$r" | wc -l)"
    noanswer_after="$(awk -F'\t' -v s="$t_sig" '$3 >= s && $5 == "no_answer"' "$r" | wc -l)"
    # requests without a complete answer: did the server read them (access log) or close the connection unread?
    sed -n 's/.* dev\.books\.access \[\([^]]*\)\].*/\1/p' "$TMP/service-$name.log" | sort -u >"$d.read-ids"
    awk -F'\t' '$5 != "answered" && $5 != "refused" && $7 > 0 {print $8}' "$r" | sort -u >"$d.unanswered-ids"
    local read_unanswered unread
    read_unanswered="$(comm -12 "$d.read-ids" "$d.unanswered-ids" | wc -l)"
    unread="$(comm -13 "$d.read-ids" "$d.unanswered-ids" | wc -l)"
    fig "$label: exit after SIGTERM (exit code)" "$exit_ms ms ($rc)"
    fig "$label: requests sent before SIGTERM and answered after it / not answered" "$inflight / $inflight_bad"
    fig "$label: after SIGTERM: answered 2xx / keep-alive closed without an answer / refused while exiting" \
        "$served_after / $noanswer_after / $refused_alive"
    fig "$label: unanswered requests the server had read / had not read (closed idle keep-alive)" \
        "$read_unanswered / $unread"
    local bound=$((delay * 1000 + GRACE_MS + EXIT_MARGIN_MS))
    check "$label: the client ran (exit $crc)" eq "$crc" 0
    check "$label: exits 143 within ${bound} ms of SIGTERM (after $exit_ms ms, exit $rc)" \
        eval 'eq "$rc" 143 && le "$exit_ms" "$bound"'
    check "$label: a request in flight across SIGTERM (PUT held by a row lock until $((delay * 1000 + 1500)) ms after it) completes: HTTP $held_code (curl exit $held_rc), stored year/version $held_row" \
        eval 'eq "$held_rc" 0 && [[ "$held_code" == 200 && "$held_row" == "1999 2" ]]'
    check "$label: every request the server read got a complete answer ($read_unanswered read but unanswered, $(kv "$d.out" truncated) truncated)" \
        all_zero "$read_unanswered" "$(kv "$d.out" truncated)"
    client_checks "$label" "$d.out"
    check "$label: no 503 during shutdown ($(kv "$d.out" answered_503))" eq "$(kv "$d.out" answered_503)" 0
    check "$label: new connections refused once it is gone (curl exit $after; $late_bad later requests not refused)" \
        eval '[[ "$after" == 7 ]] && eq "$late_bad" 0'
    check "$label: log says Stopped" grep -q "Stopped" "$TMP/service-$name.log"
    if ((delay > 0)); then
        local h="$d/health.tsv" first503 ready_bad ready_503 served_delay failed_delay
        first503="$(awk -F'\t' -v s="$t_sig" '$1 >= s && $2 == 503 {print $1 + $4 - s; exit}' "$h")"
        read -r ready_503 ready_bad < <(awk -F'\t' -v s="$t_sig" '$1 >= s + 500 {
            if ($2 == 503) ok++; else if ($2 != "refused" && $2 != "no_answer") bad++ }
            END {printf "%d %d\n", ok, bad}' "$h")
        read -r served_delay failed_delay < <(awk -F'\t' -v s="$t_sig" -v e=$((delay * 1000 - 300)) '
            $3 >= s + 100 && $3 < s + e { if ($5 == "answered" && $6 < 300) ok++; else bad++ }
            END {printf "%d %d\n", ok, bad}' "$r")
        fig "$label: first readiness 503 answered after SIGTERM" "${first503:-never} ms"
        fig "$label: requests started during the ${delay} s delay: answered 2xx / not" "$served_delay / $failed_delay"
        check "$label: readiness 503 at once (every poll from SIGTERM+500 ms on: $ready_503 answered 503, $ready_bad other answers)" \
            eval 'ge "$ready_503" 1 && eq "$ready_bad" 0'
        check "$label: requests still served during the delay ($served_delay answered 2xx; a new connection 1 s after SIGTERM: $during)" \
            eval 'ge "$served_delay" 1 && [[ "$during" == 200 ]]'
    fi
    verify_writes "$label" "$name" "$d"
}
sigterm_run "SIGTERM" term 0
sigterm_run "SIGTERM with BOOKS_SHUTDOWN_DELAY=PT2S" termdelay 2

# === 4. kill -9 during writes =====================================================================================
log "4. kill -9 during writes, restart on the same database"
PORT_K="$(pick_port)"
start_service kill "$PORT_K" "$DB_URL"
wait_ready kill 120 || die "service did not become ready"
URL_K="http://127.0.0.1:$PORT_K"
D="$TMP/kill"
client_bg "$D.out" mixed --urls "$URL_K" --threads 8 --seconds 60 --write-ratio 0.8 --prefix kill --out "$D" \
    --stop-file "$D.stop" --resolve-seconds 20
KILL_CPID=$CLIENT_PID
wait_progress kill 100 60 || info "little progress before the kill"
T_KILL="$(now_ms)"
kill -KILL "${SVC_PID[kill]}"
wait_exit "${SVC_PID[kill]}" 10000
KILL_RC=$EXIT_RC
sleep 1
start_service kill "$PORT_K" "$DB_URL"
RESTARTED=0
wait_ready kill 120 && RESTARTED=1
T_BACK=$(($(now_ms) - T_KILL))
sleep 3 # writes and reads (of books acknowledged before the kill) on the restarted service
touch "$D.stop"
KCRC=0
wait_client "$KILL_CPID" || KCRC=$?
info "client: $(tr '\n' ' ' <"$D.out")"
ACK_BEFORE="$(awk -F'\t' -v k="$T_KILL" '$2 == "POST" && $6 == 201 && $4 < k' "$D/requests.tsv" | wc -l)"
ACK_AFTER="$(awk -F'\t' -v k="$T_KILL" '$2 == "POST" && $6 == 201 && $3 > k' "$D/requests.tsv" | wc -l)"
fig "kill -9: writes acknowledged before the kill / after the restart" "$ACK_BEFORE / $ACK_AFTER"
fig "kill -9: kill to ready again (restart)" "$T_BACK ms"
check "kill -9: killed (exit $KILL_RC), restarted on the same database ($RESTARTED), client ran (exit $KCRC)" \
    eval 'eq "$KILL_RC" 137 && eq "$RESTARTED" 1 && eq "$KCRC" 0 && ge "$ACK_BEFORE" 1 && ge "$ACK_AFTER" 1'
check "kill -9: no 5xx, no truncated answer, no hang" \
    all_zero "$(kv "$D.out" answered_5xx_other)" "$(kv "$D.out" truncated)" "$(kv "$D.out" timeout)"
check "kill -9: acknowledged books read back after the restart are unchanged ($(kv "$D.out" content_mismatches) mismatches, $(kv "$D.out" acknowledged_reads_missing) missing)" \
    all_zero "$(kv "$D.out" content_mismatches)" "$(kv "$D.out" acknowledged_reads_missing)"
keyed_checks "kill -9" "$D.out"
verify_writes "kill -9" kill "$D"
stop_service kill

# === 5. slow and idle clients, connection cap =====================================================================
log "5. slow clients: 500 idle + 200 slowloris + slow/stalled bodies; connection cap"
start_service slow "$(pick_port)" "$DB_URL" SERVER_IDLE_CONNECTION_TIMEOUT="PT${IDLE_TIMEOUT_S}S" \
    SERVER_IDLE_CONNECTION_PERIOD="PT${IDLE_PERIOD_S}S"
start_service cap "$(pick_port)" "$DB_URL" SERVER_IDLE_CONNECTION_TIMEOUT="PT${IDLE_TIMEOUT_S}S" \
    SERVER_IDLE_CONNECTION_PERIOD="PT${IDLE_PERIOD_S}S" SERVER_MAX_TCP_CONNECTIONS=50
wait_ready slow 120 || die "slow-client instance did not become ready"
wait_ready cap 120 || die "connection-cap instance did not become ready"
URL_S="http://127.0.0.1:${SVC_PORT[slow]}"
CLOSE_BOUND=$(((IDLE_TIMEOUT_S + IDLE_PERIOD_S) * 1000 + CLOSE_MARGIN_MS))
D="$TMP/slow.out"
SRC=0
client slow --url "$URL_S" --idle 500 --slowloris 200 --slow-body 5 --stalled-body 5 --gets 500 \
    --observe-seconds $((CLOSE_BOUND / 1000 + 6)) >"$D" 2>"$D.err" || SRC=$?
info "client: $(tr '\n' ' ' <"$D")"
AFTER_CODE="$(http_code "$URL_S/books/1")"
fig "slow: normal GETs among 700+ hostile connections: ok / p50 / p99 / max" \
    "$(kv "$D" gets_ok) of $(kv "$D" gets) / $(kv "$D" get_p50_ms) / $(kv "$D" get_p99_ms) / $(kv "$D" get_max_ms) ms"
fig "slow: idle keep-alive connections closed by the server / after (min-max)" \
    "$(kv "$D" idle_closed_by_server) of 500 / $(kv "$D" idle_close_min_ms)-$(kv "$D" idle_close_max_ms) ms"
fig "slow: slowloris connections closed by the server / after (min-max)" \
    "$(kv "$D" slowloris_closed_by_server) of 200 / $(kv "$D" slowloris_close_min_ms)-$(kv "$D" slowloris_close_max_ms) ms"
fig "slow: slow bodies (1 byte/s) closed by the server within $((CLOSE_BOUND / 1000 + 6)) s" \
    "$(kv "$D" slow_body_closed_by_server) of 5"
fig "slow: stalled bodies (no byte after the headers) closed by the server within $((CLOSE_BOUND / 1000 + 6)) s" \
    "$(kv "$D" stalled_body_closed_by_server) of 5"
fig "slow: answers sent to the hostile connections" "$(kv "$D" hostile_answers)"
check "slow: all 710 hostile connections open (client exit $SRC, $(kv "$D" setup_failures) setup failures)" \
    eval 'eq "$SRC" 0 && [[ "$(kv "$D" hostile_open)" == all ]] && eq "$(kv "$D" setup_failures)" 0'
check "slow: the normal client is not starved ($(kv "$D" gets_ok) of 500 GETs 200, p99 $(kv "$D" get_p99_ms) ms <= $P99_BOUND_MS ms)" \
    eval 'eq "$(kv "$D" gets_ok)" 500 && le "$(kv "$D" get_p99_ms)" "$P99_BOUND_MS"'
# (not before the time-out: the server's idle clock has a granularity of about a second)
check "slow: idle keep-alive connections closed after ${IDLE_TIMEOUT_S}s idle + period ($(kv "$D" idle_closed_by_server) of 500, $(kv "$D" idle_close_min_ms)-$(kv "$D" idle_close_max_ms) ms, bound ${CLOSE_BOUND} ms)" \
    eval 'eq "$(kv "$D" idle_closed_by_server)" 500 && ge "$(kv "$D" idle_close_min_ms)" $((IDLE_TIMEOUT_S * 1000 - 1500)) && le "$(kv "$D" idle_close_max_ms)" "$CLOSE_BOUND"'
check "slow: slowloris connections closed ($(kv "$D" slowloris_closed_by_server) of 200, by $(kv "$D" slowloris_close_max_ms) ms, bound ${CLOSE_BOUND} ms)" \
    eval 'eq "$(kv "$D" slowloris_closed_by_server)" 200 && le "$(kv "$D" slowloris_close_max_ms)" "$CLOSE_BOUND"'
check "slow: the server still answers after them (GET /books/1 -> $AFTER_CODE)" eval '[[ "$AFTER_CODE" == 200 ]]'
D="$TMP/cap.out"
CRC=0
client cap --url "http://127.0.0.1:${SVC_PORT[cap]}" --cap 50 --hold-ms 2000 --bound-ms $((CLOSE_BOUND + 5000)) \
    >"$D" 2>"$D.err" || CRC=$?
info "client: $(tr '\n' ' ' <"$D")"
fig "cap: with max-tcp-connections=50 and 50 silent connections, connection 51 answered after" \
    "$(kv "$D" extra_answered_after_ms) ms ($(kv "$D" extra_outcome))"
check "cap: connection 51 waits while 50 are open, then is served once idle ones are closed (exit $CRC; $(kv "$D" extra_outcome) after $(kv "$D" extra_answered_after_ms) ms, >= 2000, <= $((CLOSE_BOUND + 5000)))" \
    eval 'eq "$CRC" 0 && [[ "$(kv "$D" extra_outcome)" == http-200 ]] && ge "$(kv "$D" extra_answered_after_ms)" 2000 && le "$(kv "$D" extra_answered_after_ms)" $((CLOSE_BOUND + 5000))'
stop_service slow
stop_service cap

# === 6. several instances on one database ========================================================================
log "6. three instances on one database: If-Match updates and concurrent creates"
for n in 1 2 3; do start_service "g$n" "$(pick_port)" "$DB_URL" DB_POOL_MAXIMUM_SIZE=4; done
for n in 1 2 3; do wait_ready "g$n" 120 || die "instance g$n did not become ready"; done
URLS="http://127.0.0.1:${SVC_PORT[g1]},http://127.0.0.1:${SVC_PORT[g2]},http://127.0.0.1:${SVC_PORT[g3]}"
COUNTER_ID="$(create_book "http://127.0.0.1:${SVC_PORT[g1]}" Counter)"
[[ -n "$COUNTER_ID" ]] || die "cannot create the counter book"
D="$TMP/rmw.out"
RRC=0
client rmw --urls "$URLS" --threads 6 --id "$COUNTER_ID" --seconds 12 >"$D" 2>"$D.err" || RRC=$?
info "client: $(tr '\n' ' ' <"$D")"
read -r FINAL_YEAR FINAL_VERSION < <(pg -d "$DB" -F ' ' -c "SELECT publication_year, version FROM books WHERE id = $COUNTER_ID")
OK200="$(kv "$D" updates_200)"
fig "instances: If-Match increments answered 200 / 412 conflicts / errors / unknown" \
    "$OK200 / $(kv "$D" conflicts_412) / $(kv "$D" errors) / $(kv "$D" unknown)"
fig "instances: final year (initial 0) / version (initial 1)" "$FINAL_YEAR / $FINAL_VERSION"
check "instances: no lost update (exit $RRC; final year $FINAL_YEAR == 0 + $OK200 answers 200; version $FINAL_VERSION == 1 + $OK200)" \
    eval 'eq "$RRC" 0 && ge "$OK200" 1 && eq "$FINAL_YEAR" "$OK200" && eq "$FINAL_VERSION" $((OK200 + 1)) && all_zero "$(kv "$D" errors)" "$(kv "$D" unknown)"'
check "instances: updates really raced ($(kv "$D" conflicts_412) answers 412)" ge "$(kv "$D" conflicts_412)" 1
D="$TMP/multi"
MRC=0
client mixed --urls "$URLS" --threads 6 --seconds 6 --write-ratio 0.9 --prefix multi --out "$D" >"$D.out" 2>"$D.out.err" \
    || MRC=$?
info "client: $(tr '\n' ' ' <"$D.out")"
check "instances: concurrent creates ran (exit $MRC)" eq "$MRC" 0
client_checks "instances" "$D.out"
verify_writes "instances" multi "$D"
IDS_DISTINCT="$(cut -f1 "$D/acks.tsv" | sort -u | wc -l)"
IDS_ALL="$(wc -l <"$D/acks.tsv")"
check "instances: ids unique across instances ($IDS_DISTINCT distinct of $IDS_ALL acknowledged)" \
    eval 'eq "$IDS_DISTINCT" "$IDS_ALL" && ge "$IDS_ALL" 1'
for n in 1 2 3; do stop_service "g$n"; done

# === logs ==========================================================================================================
log "logs"
LOGS=("$TMP"/service-*.log)
SECRET_HITS="$(cat "${LOGS[@]}" | grep -cF "$SECRET" || true)"
TRACES="$(cat "${LOGS[@]}" | grep -cE '^[[:space:]]+at [a-zA-Z]' || true)"
SEVERE="$(cat "${LOGS[@]}" | grep -cE ' (SEVERE|ERROR) ' || true)"
WARNINGS="$(cat "${LOGS[@]}" | grep -cE ' (WARNING|WARN) ' || true)"
WHERE=""
for f in "${LOGS[@]}"; do
    n="$(grep -cE '^[[:space:]]+at [a-zA-Z]| (SEVERE|ERROR) ' "$f" || true)"
    if ((n > 0)); then
        # the log line of the first stack trace or error
        WHERE+=" $(basename "$f" .log | sed 's/^service-//'): $(awk '/^[0-9][0-9][0-9][0-9]-/ {last = $0}
            / (SEVERE|ERROR) / || /^[ \t]+at [a-zA-Z]/ {print last; exit}' "$f" | cut -d' ' -f2- \
            | sed -E 's/ \[[^]]*\]//; s/^(.{0,110}).*/\1/') ($n lines);"
    fi
done
fig "logs: lines / warnings / errors / stack-trace lines" "$(cat "${LOGS[@]}" | wc -l) / $WARNINGS / $SEVERE / $TRACES"
check "logs: the database password never appears (${#LOGS[@]} logs, $SECRET_HITS hits)" eq "$SECRET_HITS" 0
check "logs: no error line ($SEVERE SEVERE/ERROR lines)" eq "$SEVERE" 0
check "logs: no stack trace ($TRACES stack-trace lines)${WHERE:+ - in}$WHERE" eq "$TRACES" 0
