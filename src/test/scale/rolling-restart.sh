#!/usr/bin/env bash
# rolling-restart.sh - proves that the books service can be restarted behind a load balancer without failing a
# single request, and measures what an instance crash costs.
#
# Usage: rolling-restart.sh [--keep]
#   --keep   leave the work directory (instance and HAProxy logs, wrk output) in place at the end
#
# Set-up (loopback only): three instances of the packaged jar (target/books.jar of this tree, built when
# missing) on a private database of the machine's PostgreSQL, behind HAProxy (Debian's package, installed when
# missing, run in the foreground with src/test/scale/haproxy.cfg, never the system service) with an active
# health check on /observe/health/ready every 500 ms. The load is wrk (src/test/scale/load.lua): GET /books/{id},
# GET /books?limit=10 and, during the restarts, a POST /books with an Idempotency-Key every 20th request.
# A training run first creates the schema and an AppCDS archive that the instances use (faster JVM starts on a
# small shared machine; nothing under test depends on it).
#
# What it proves (each check prints PASS or FAIL; the exit status is non-zero if any failed):
#   1. rolling restart under load: each instance in turn gets SIGTERM (readiness DOWN at once, HAProxy takes it
#      out before BOOKS_SHUTDOWN_DELAY ends, the listener closes, in-flight requests finish), exits, is started
#      again and waits until HAProxy has it UP again: zero failed requests (no socket error, no non-2xx answer),
#      and exactly one book per successful create (no duplicate from a replayed POST)
#   2. SIGKILL of one instance under load, with two clients at once: one through the normal entrance (L7 retries
#      replay the idempotent requests that were in flight on the dead instance), one through an entrance
#      without L7 retries. Failed requests are at most those in flight on the dead instance (HAProxy's response
#      errors for it, and at most one per client connection); HAProxy marks it DOWN within its check interval
#      (measured from the kill to the time stamp of HAProxy's "is DOWN" log line)
#   3. throughput with 1, 2 and 3 instances (10 s of wrk each, GETs only) - reported, not judged: on 2 cores
#      shared by wrk, HAProxy, PostgreSQL and the JVMs, more instances cannot add throughput
#   4. cleanup: instances, HAProxy, wrk stopped; the database dropped
#
# Environment (optional):
#   RR_PORT_BASE     first of 6 consecutive loopback ports: balancer, admin socket, 3 instances, the balancer's
#                    entrance without L7 retries (default 34780)
#   RR_CONNECTIONS   wrk connections (default 16), RR_THREADS wrk threads (default 2)
#   RR_SHUTDOWN_DELAY  BOOKS_SHUTDOWN_DELAY of the instances (default PT4S: more than HAProxy's check interval
#                    500 ms x fall 1 + check time-out 3 s, see haproxy.cfg)
#   RR_PG_HOST, RR_PG_PORT, RR_PG_USER   PostgreSQL (default 127.0.0.1, 5432, postgres; password-less, may
#                    create databases). The database books_rr_<pid> is created and dropped.
#   JAVA_HOME        a JDK 21+ (default: /usr/lib/jvm/temurin-25-jdk-amd64 when the current one is older)
#
# Needs: java 21+, haproxy and wrk (apt-get install haproxy wrk; done here as root when missing), psql, curl.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
JAR="$ROOT/target/books.jar"
HAPROXY_CFG="$HERE/haproxy.cfg"
LOAD_LUA="$HERE/load.lua"
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"

PORT_BASE="${RR_PORT_BASE:-34780}"
export RR_LB_PORT=$PORT_BASE
export RR_STATS_PORT=$((PORT_BASE + 1))
export RR_PORT_1=$((PORT_BASE + 2)) RR_PORT_2=$((PORT_BASE + 3)) RR_PORT_3=$((PORT_BASE + 4))
export RR_LB_NO_RETRY_PORT=$((PORT_BASE + 5))
PORTS=("" "$RR_PORT_1" "$RR_PORT_2" "$RR_PORT_3")
CONNECTIONS="${RR_CONNECTIONS:-16}"
THREADS="${RR_THREADS:-2}"
SHUTDOWN_DELAY="${RR_SHUTDOWN_DELAY:-PT4S}"
CHECK_INTER_MS=500    # haproxy.cfg: inter 500ms fall 1
CHECK_TIMEOUT_MS=3000 # haproxy.cfg: timeout check 3s
PG_HOST="${RR_PG_HOST:-127.0.0.1}"
PG_PORT="${RR_PG_PORT:-5432}"
PG_USER="${RR_PG_USER:-postgres}"
DB="books_rr_$$"
LB="http://127.0.0.1:$RR_LB_PORT"
export RR_IDS=200 RR_RUN=$$ RR_AUTHOR="rolling-restart-$$"

parse_args "--keep" "$@"

WORK=""
DB_CREATED=0
HAPROXY_PID=""
WRK_PID=""
WRK_PID_RETRY=""
PIDS=("" "" "" "")

iso_ms() { # PT2S / PT1.5S -> milliseconds
    local s=${1#PT}
    s=${s%S}
    awk -v s="$s" 'BEGIN { printf "%d", s * 1000 }'
}
psql_db() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -v ON_ERROR_STOP=1 -qtAc "$2"; }

# --- instances --------------------------------------------------------------------------------------------------
# The image's JVM flags (serial GC, small stacks), a heap fit for three JVMs on a small machine, and an AppCDS
# archive made by a training run in the set-up: JVMs restarted next to a busy load start in half the time. It
# changes nothing in the behaviour under test.
JAVA_OPTS=(-XX:+UseSerialGC -Xss512k -Xmx256m -XX:+AutoCreateSharedArchive)
start_instance() {
    local i=$1
    SERVER_HOST=127.0.0.1 SERVER_PORT="${PORTS[$i]}" \
        DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$DB" DB_USERNAME="$PG_USER" DB_PASSWORD="" \
        BOOKS_ACCESS_LOG=false BOOKS_SHUTDOWN_DELAY="$SHUTDOWN_DELAY" \
        "$JAVA_HOME/bin/java" "${JAVA_OPTS[@]}" -XX:SharedArchiveFile="$WORK/books.jsa" -jar "$JAR" >>"$WORK/b$i.log" 2>&1 &
    PIDS[i]=$!
}
alive() { kill -0 "$1" 2>/dev/null; }
# status_of PORT: HTTP status of GET readiness on one instance (000 when no answer).
ready_code() { curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://127.0.0.1:$1/observe/health/ready" || true; }
instance_ready() { [ "$(ready_code "${PORTS[$1]}")" = 200 ]; }

# --- HAProxy admin socket (TCP on loopback; one command per connection) ------------------------------------------
hap() {
    local fd line
    { exec {fd}<>"/dev/tcp/127.0.0.1/$RR_STATS_PORT"; } 2>/dev/null || return 1
    printf '%s\n' "$1" >&"$fd"
    while IFS= read -r -t 2 line <&"$fd"; do printf '%s\n' "$line"; done
    exec {fd}>&-
}
# stat SERVER FIELD...: fields of `show stat` for books/SERVER, space-separated (header names as in the CSV).
stat() {
    local server=$1
    shift
    hap "show stat" | awk -F, -v sv="$server" -v want="$*" '
        NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; n = split(want, w, " "); next }
        $1 == "books" && $2 == sv { out = ""; for (i = 1; i <= n; i++) out = out (i > 1 ? " " : "") $(col[w[i]]); print out }'
}
lb_status() { stat "b$1" status; }
lb_is() { case "$(lb_status "$1")" in "$2"*) return 0 ;; *) return 1 ;; esac; }
all_up() { lb_is 1 UP && lb_is 2 UP && lb_is 3 UP; }
# lb_event_ms SERVER WORD SINCE_MS: time (ms since the epoch) of HAProxy's first log line "Server books/SERVER is
# WORD" at or after SINCE_MS (empty if none). HAProxy logs state changes with microsecond time stamps, so this
# is exact where polling the admin socket from a busy shell is not.
lb_event_ms() {
    local ts t
    while read -r ts; do
        t=$(date -d "$ts" +%s%3N) || continue
        if ((t >= $3)); then echo "$t"; return 0; fi
    done < <(sed -n "s|^\([0-9T:.+-]*\) Server books/$1 is $2[ ,.].*|\1|p" "$WORK/haproxy.log")
}

# --- wrk ----------------------------------------------------------------------------------------------------------
# start_wrk NAME SECONDS [WRITE_EVERY [THINK_MS]]: runs in the background, output in $WORK/NAME.out.
# WRK_URL, WRK_CONNECTIONS, WRK_THREADS override the balancer's URL, RR_CONNECTIONS and RR_THREADS.
start_wrk() {
    RR_WRITE_EVERY="${3:-0}" RR_THINK_MS="${4:-0}" \
        wrk -t"${WRK_THREADS:-$THREADS}" -c"${WRK_CONNECTIONS:-$CONNECTIONS}" -d"$2s" --timeout 10s --latency \
        -s "$LOAD_LUA" "${WRK_URL:-$LB}" >"$WORK/$1.out" 2>&1 &
    WRK_PID=$!
}
# finish_wrk SECONDS [stop]: waits for wrk (it ends by itself after SECONDS; bounded), or stops it now with SIGINT
# (wrk then prints its results as usual; requests still in flight are neither counted nor failed).
finish_wrk() {
    local deadline=$(($(date +%s) + $1 + 20))
    if [ "${2:-}" = stop ]; then kill -INT "$WRK_PID" 2>/dev/null || true; fi
    while alive "$WRK_PID"; do
        if (($(date +%s) > deadline)); then kill "$WRK_PID" 2>/dev/null || true; fi
        sleep 0.2
    done
    wait "$WRK_PID" || true
    WRK_PID=""
}
# result NAME KEY: a value of the RESULT line of wrk's output (0 when absent).
result() { sed -n 's/^RESULT //p' "$WORK/$1.out" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1 | grep . || echo 0; }
failed_requests() { # socket errors + non-2xx answers
    echo $(($(result "$1" connect) + $(result "$1" read) + $(result "$1" write) + $(result "$1" timeout) + $(result "$1" non2xx3xx)))
}
statuses() { sed -n 's/^RESULT //p' "$WORK/$1.out" | tr ' ' '\n' | grep '^s[0-9]' | tr '\n' ' '; }
rate() { awk -v r="$(result "$1" requests)" -v d="$(result "$1" duration_us)" 'BEGIN { if (d > 0) printf "%.0f", r / (d / 1e6); else print 0 }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
show_wrk() {
    info "wrk $1: $(result "$1" requests) requests, $(rate "$1") req/s, p50 $(ms "$(result "$1" p50_us)") ms, p99 $(ms "$(result "$1" p99_us)") ms, max $(ms "$(result "$1" max_us)") ms"
    info "     statuses: $(statuses "$1")| socket errors: connect $(result "$1" connect), read $(result "$1" read), write $(result "$1" write), timeout $(result "$1" timeout)"
}

# --- cleanup ------------------------------------------------------------------------------------------------------
stop_pid() { # stop_pid PID: SIGTERM, then SIGKILL after 15 s
    local pid=$1 i
    alive "$pid" || return 0
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 75); do alive "$pid" || return 0; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$? i left=""
    set +e
    log "4. cleanup"
    for i in "$WRK_PID" "$WRK_PID_RETRY"; do [ -n "$i" ] && kill "$i" 2>/dev/null; done
    # SIGTERM to all three at once (each keeps serving for BOOKS_SHUTDOWN_DELAY), then wait for each.
    for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && kill "${PIDS[$i]}" 2>/dev/null; done
    for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && stop_pid "${PIDS[$i]}"; done
    [ -n "$HAPROXY_PID" ] && stop_pid "$HAPROXY_PID"
    if ((DB_CREATED)); then
        psql_db postgres "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
        [ "$(psql_db postgres "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 0 ] || left+=" database $DB"
    fi
    for i in 1 2 3; do [ -n "${PIDS[$i]}" ] && alive "${PIDS[$i]}" && left+=" instance $i"; done
    [ -n "$HAPROXY_PID" ] && alive "$HAPROXY_PID" && left+=" haproxy"
    if [ -z "$left" ]; then pass "4 cleanup: instances and HAProxy stopped, database $DB dropped"; else fail "4 cleanup: left:$left"; fi
    if ((rc != 0 || FAILS > 0)) && [ -n "$WORK" ]; then
        log "diagnostics (a check failed)"
        for i in 1 2 3; do [ -f "$WORK/b$i.log" ] && { info "--- b$i.log (tail)"; tail -n 8 "$WORK/b$i.log"; }; done
        [ -f "$WORK/haproxy.log" ] && { info "--- haproxy.log (tail)"; tail -n 20 "$WORK/haproxy.log"; }
    fi
    figures
    if ((KEEP)) && [ -n "$WORK" ]; then info "--keep: work directory $WORK"; elif [ -n "$WORK" ]; then rm -rf "$WORK"; fi
    finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preflight ------------------------------------------------------------------------------------------------------
log "preflight"
default_java_home
missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v wrk >/dev/null || missing+=(wrk)
if ((${#missing[@]} > 0)); then
    [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: apt-get install ${missing[*]}"
    info "installing ${missing[*]} from Debian's packages (the system service is not used)"
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q "${missing[@]}" >/dev/null ||
        { timeout 120 apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q "${missing[@]}" >/dev/null; } ||
        die "apt-get install ${missing[*]} failed"
fi
for tool in curl psql awk timeout; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
if [ ! -f "$JAR" ]; then
    log "building $JAR (./mvnw -B -q package -DskipTests, JAVA_HOME=$JAVA_HOME)"
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
fi
info "$("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
for port in "$RR_LB_PORT" "$RR_STATS_PORT" "$RR_PORT_1" "$RR_PORT_2" "$RR_PORT_3" "$RR_LB_NO_RETRY_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is in use (set RR_PORT_BASE)"; fi
done
psql_db postgres 'SELECT 1' >/dev/null || die "PostgreSQL $PG_USER@$PG_HOST:$PG_PORT does not answer"
WORK=$(mktemp -d /tmp/books-rr.XXXXXX)
SHUTDOWN_DELAY_MS=$(iso_ms "$SHUTDOWN_DELAY")
((SHUTDOWN_DELAY_MS > CHECK_INTER_MS + CHECK_TIMEOUT_MS)) ||
    die "RR_SHUTDOWN_DELAY $SHUTDOWN_DELAY must be longer than HAProxy's check interval + check time-out ($((CHECK_INTER_MS + CHECK_TIMEOUT_MS)) ms)"
max_conn=$(psql_db postgres 'SHOW max_connections')
used=$(psql_db postgres 'SELECT count(*) FROM pg_stat_activity')
info "connection budget: 3 instances x pool 10 = 30; PostgreSQL max_connections $max_conn, in use now $used"
((30 + used < max_conn)) || die "not enough free PostgreSQL connections for 3 pools of 10"

# --- set-up ---------------------------------------------------------------------------------------------------------
log "set-up: database $DB, three instances (BOOKS_SHUTDOWN_DELAY=$SHUTDOWN_DELAY), HAProxy on $LB"
psql_db postgres "CREATE DATABASE $DB"
DB_CREATED=1
start=$(now_ms)
start_instance 1 # training run: migrates the schema, serves a few requests, writes the AppCDS archive at exit
POLL=0.3 wait_until 120 instance_ready 1 || die "instance 1 (port $RR_PORT_1) not ready within 120 s"
for path in /books /books/1 /books?limit=1 /observe/health; do curl -s -o /dev/null "http://127.0.0.1:$RR_PORT_1$path"; done
kill -TERM "${PIDS[1]}"
wait "${PIDS[1]}" || true
check "set-up: training run migrated the schema and wrote the AppCDS archive ($(($(now_ms) - start)) ms)" test -s "$WORK/books.jsa"
mv "$WORK/b1.log" "$WORK/b1.log.training"
start=$(now_ms)
for i in 1 2 3; do start_instance "$i"; done
for i in 1 2 3; do
    POLL=0.3 wait_until 90 instance_ready "$i" || die "instance $i (port ${PORTS[$i]}) not ready within 90 s"
done
info "three instances ready $(($(now_ms) - start)) ms after start (ports $RR_PORT_1 $RR_PORT_2 $RR_PORT_3)"
# 200 books: the two sample books plus 198 (ids 3..200), read by GET /books/{id} with id in 1..200.
psql_db "$DB" "INSERT INTO books (title, author, publication_year)
               SELECT 'Book ' || g, 'Author ' || (g % 17), 1900 + g % 120 FROM generate_series(3, 200) g"
check "set-up: 200 books, GET /books/200 answers 200 on every instance" \
    test "$(for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' "http://127.0.0.1:${PORTS[$i]}/books/200"; done)" = "200 200 200 "
haproxy -c -q -f "$HAPROXY_CFG" || die "haproxy -c: $HAPROXY_CFG is not valid"
haproxy -db -f "$HAPROXY_CFG" >"$WORK/haproxy.log" 2>&1 &
HAPROXY_PID=$!
if POLL=0.2 wait_until 15 all_up; then pass "set-up: HAProxy $HAPROXY_PID has b1 b2 b3 UP"; else die "HAProxy: servers not UP: $(lb_status 1) $(lb_status 2) $(lb_status 3)"; fi

# --- 1. rolling restart ---------------------------------------------------------------------------------------------
# restart I: SIGTERM, HAProxy takes it out, it exits, start, ready, HAProxy puts it back. Timings in RESTARTS.
RESTARTS=()
restart() {
    local i=$1 pid=${PIDS[$1]} t0 t_down="" t_exit t_ready t_up rc=0
    t0=$(now_ms)
    kill -TERM "$pid"
    POLL=0.05 wait_until 10 lb_is_not_up "$i" || true
    t_down=$(lb_event_ms "b$i" DOWN "$t0")
    [ -z "$t_down" ] || t_down=$((t_down - t0))
    POLL=0.1 wait_until 30 not_alive "$pid" || { fail "1 b$i did not exit within 30 s of SIGTERM"; kill -9 "$pid"; }
    t_exit=$(($(now_ms) - t0))
    wait "$pid" || rc=$?
    check "1 b$i left the rotation ${t_down:-never} ms after SIGTERM, before the listener closed (${SHUTDOWN_DELAY_MS} ms)" \
        test -n "$t_down" -a "${t_down:-0}" -lt "$SHUTDOWN_DELAY_MS"
    check "1 b$i stopped gracefully: exit $rc after $t_exit ms, log: 'Stopping: readiness is DOWN' ... 'Stopped'" \
        test "$(grep -c -e 'Stopping: readiness is DOWN' -e 'Stopped$' "$WORK/b$i.log")" -ge 2 -a "$t_exit" -lt $((SHUTDOWN_DELAY_MS + 6000))
    mv "$WORK/b$i.log" "$WORK/b$i.log.$t0"
    start_instance "$i"
    POLL=0.1 wait_until 90 instance_ready "$i" || fail "1 b$i not ready within 90 s of its restart"
    t_ready=$(($(now_ms) - t0))
    POLL=0.05 wait_until 15 lb_is "$i" UP || fail "1 b$i not UP in HAProxy within 15 s of being ready"
    t_up=$(lb_event_ms "b$i" UP "$t0")
    if [ -n "$t_up" ]; then t_up=$((t_up - t0)); else t_up="?"; fi
    RESTARTS+=("b$i: out of rotation ${t_down} ms, exited ${t_exit} ms, ready ${t_ready} ms, UP in HAProxy ${t_up} ms after SIGTERM")
    info "${RESTARTS[-1]}"
}
lb_is_not_up() { ! lb_is "$1" UP; }
# all_alive PHASE: the three instances still run (something outside this script may have stopped them).
all_alive() {
    local i
    for i in 1 2 3; do
        alive "${PIDS[$i]}" || die "$1: instance b$i (pid ${PIDS[$i]}) stopped without this script asking: $(grep -m1 'Shutdown requested' "$WORK/b$i.log" || echo 'no shutdown in its log')"
    done
}
not_alive() { ! alive "$1"; }

# The load of this phase is paced (RR_THINK_MS per connection between answer and next request): a service is
# rolled while it serves traffic, not while its machine is saturated; saturation is phase 3.
THINK=${RR_THINK_MS:-20}
log "1. rolling restart under load: wrk with $CONNECTIONS connections (${THINK} ms pause), GETs + a POST with Idempotency-Key every 20th request"
start_wrk rolling 150 20 "$THINK"
wrk_started=$(date +%s)
sleep 3
for i in 1 2 3; do restart "$i"; done
sleep 3
elapsed=$(($(date +%s) - wrk_started))
check "1 the three restarts ended while the load ran (wrk still running after ${elapsed} s)" alive "$WRK_PID"
finish_wrk 150 stop
show_wrk rolling
requests=$(result rolling requests)
failed=$(failed_requests rolling)
check "1 wrk sent requests ($requests)" test "$requests" -gt 1000
check "1 ZERO failed requests during the rolling restart: $failed of $requests (no socket error, every answer 2xx)" \
    test "$failed" = 0 -a -n "$(statuses rolling)"
created=$(result rolling s201)
read -r rows keys <<<"$(psql_db "$DB" "SELECT count(*), count(DISTINCT title) FROM books WHERE author = '$RR_AUTHOR'" | tr '|' ' ')"
# Each POST has its own key (= its title). wrk drops the answers still in flight when it stops, so up to one
# create per connection may have happened without its 201 being counted.
check "1 no duplicate create: $rows books for $keys keys; $created answers 201 ($(result rolling replayed) replays), $((rows - created)) unanswered at wrk's stop (<= $CONNECTIONS)" \
    test "$created" -gt 0 -a "$rows" = "$keys" -a "$rows" -ge "$created" -a $((rows - created)) -le "$CONNECTIONS"
check "1 all three instances UP in HAProxy afterwards" all_up
SUMMARY+=("rolling restart: $failed failed of $requests requests ($(rate rolling) req/s, p99 $(ms "$(result rolling p99_us)") ms during restarts)")
for r in "${RESTARTS[@]}"; do SUMMARY+=("  $r"); done

# --- 2. SIGKILL -------------------------------------------------------------------------------------------------------
LOAD2=12
HALF=$((CONNECTIONS / 2))
log "2. SIGKILL of b2 under load: two wrk clients for ${LOAD2} s, $HALF connections each (${THINK} ms pause, GETs), one through the entrance without L7 retries"
all_alive 2
read -r eresp0 wretr0 wredis0 <<<"$(stat b2 eresp wretr wredis)"
WRK_CONNECTIONS=$HALF WRK_THREADS=1 start_wrk kill "$LOAD2" 0 "$THINK"
WRK_PID_RETRY=$WRK_PID
WRK_CONNECTIONS=$HALF WRK_THREADS=1 WRK_URL="http://127.0.0.1:$RR_LB_NO_RETRY_PORT" start_wrk kill_noretry "$LOAD2" 0 "$THINK"
sleep 4
all_alive 2
victim=${PIDS[2]}
disown "$victim" # no "Killed" job report from bash; it still reaps the process
t0=$(now_ms)
kill -KILL "$victim"
POLL=0.05 wait_until 10 lb_is_not_up 2 || true
t_down=$(lb_event_ms b2 DOWN "$t0")
[ -z "$t_down" ] || t_down=$((t_down - t0))
finish_wrk "$LOAD2"
WRK_PID=$WRK_PID_RETRY
WRK_PID_RETRY=""
finish_wrk "$LOAD2"
show_wrk kill
show_wrk kill_noretry
read -r eresp1 wretr1 wredis1 <<<"$(stat b2 eresp wretr wredis)"
inflight=$((eresp1 - eresp0))
failed=$(failed_requests kill)
failed_noretry=$(failed_requests kill_noretry)
info "HAProxy on b2: $inflight requests in flight when it died (response errors), $((wretr1 - wretr0)) retried, $((wredis1 - wredis0)) redispatched"
info "HAProxy's log: $(grep 'Server books/b2 is DOWN' "$WORK/haproxy.log" | tail -1 | sed 's/^.*Server //')"
check "2 HAProxy marked b2 DOWN ${t_down:-never} ms after SIGKILL (check interval ${CHECK_INTER_MS} ms; bound: interval + 250 ms)" \
    test -n "$t_down" -a "${t_down:-99999}" -le $((CHECK_INTER_MS + 250))
check "2 with L7 retries: $failed failed requests (<= $HALF connections, <= $inflight in flight on b2)" \
    test "$failed" -le "$HALF" -a "$failed" -le "$inflight"
# Without a retry HAProxy answers 502, or, when the request went out on a reused keep-alive connection, closes
# the client's connection without an answer (as the server did), which wrk counts as a read error.
check "2 without L7 retries: $failed_noretry failed requests (502 or connection closed; <= $HALF connections, <= $inflight in flight on b2)" \
    test "$failed_noretry" -le "$HALF" -a "$failed_noretry" -le "$inflight"
SUMMARY+=("SIGKILL: b2 DOWN in HAProxy ${t_down:-never} ms after the kill; $inflight requests were in flight on it; failed: $failed of $(result kill requests) with L7 retries, $failed_noretry of $(result kill_noretry requests) without")
start_instance 2
POLL=0.2 wait_until 90 instance_ready 2 || fail "2 b2 not ready again within 90 s"
if POLL=0.1 wait_until 15 all_up; then pass "2 b2 restarted and UP again"; else fail "2 b2 not UP again"; fi

# --- 3. throughput with 1, 2, 3 instances ----------------------------------------------------------------------------
LOAD3=10
log "3. throughput through HAProxy with 1, 2 and 3 instances (${LOAD3} s each, $CONNECTIONS connections, GETs)"
all_alive 3
start_wrk warmup 10
finish_wrk 10
for n in 1 2 3; do
    for i in 1 2 3; do
        if ((i <= n)); then hap "enable server books/b$i" >/dev/null; else hap "set server books/b$i state maint" >/dev/null; fi
    done
    in_rotation() { local i; for i in 1 2 3; do if ((i <= n)); then lb_is "$i" UP || return 1; else lb_is "$i" MAINT || return 1; fi; done; }
    POLL=0.1 wait_until 15 in_rotation || fail "3 could not put $n instance(s) in rotation"
    sleep 2 # slowstart
    start_wrk "tp$n" "$LOAD3"
    finish_wrk "$LOAD3"
    show_wrk "tp$n"
    check "3 $n instance(s): every request answered 2xx ($(result "tp$n" requests) requests)" test "$(failed_requests "tp$n")" = 0
    SUMMARY+=("throughput, $n instance(s): $(rate "tp$n") req/s, p99 $(ms "$(result "tp$n" p99_us)") ms")
done
SUMMARY+=("(2 cores shared by wrk, HAProxy, PostgreSQL and the JVMs: more instances cannot add throughput here)")
