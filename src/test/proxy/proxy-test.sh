#!/usr/bin/env bash
# proxy-test.sh - the reverse-proxy configurations of src/main/nginx/books.conf and src/main/haproxy/books.cfg in
# front of the packaged service (target/books.jar, embedded H2), on loopback only.
#
# Usage: proxy-test.sh [--build] [--keep]    (--build: ./mvnw package -DskipTests first; --keep: keep the temp dir)
#
# nginx (Debian's package, run in the foreground with its own prefix and configuration in a temp dir): a throw-away
# certificate from openssl; books.conf copied unchanged except its listen ports, upstream address and access log
# path. Between nginx and the service a small relay (relay.py) records what the service receives. Checked: the
# HTTP contract's main cases through TLS (list, get, 404, create 201 + Location, 400, update, 412, delete, 304),
# X-Request-Id passed through or set, X-Forwarded-For/Proto/Host set and a spoofed X-Forwarded-For replaced,
# HTTP/1.1 with reused connections to the service, an HTTP/1.0 client (the service alone answers it 505), 413
# from nginx, a stalled request body cut by client_body_timeout without reaching the service, and 429 for a burst
# of writes but not of reads.
# HAProxy (Debian's package): books.cfg's health check marks the instance UP and requests pass (also HTTP/1.0),
# while the same file with HAProxy's default check (HTTP/1.0) marks it DOWN.
#
# Ports (127.0.0.1): service 18093, relay 18094, nginx 18443 (TLS) and 18480, HAProxy 18444 (TLS), 18446 and
# 18445 (stats); PROXY_TEST_PORT_BASE=N moves them all (N+93, N+94, N+443, N+480, N+444, N+446, N+445; default 18000).
# Needs: nginx and haproxy (installed with apt-get when missing, as root), openssl, curl, python3, a JDK 21+.
# The checks are strings run by `check NAME eval '...'`: their variables expand when they run, not here.
# shellcheck disable=SC2016,SC2034
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"
parse_args "--build --keep" "$@"
default_java_home
cd "$ROOT"

BASE_PORT="${PROXY_TEST_PORT_BASE:-18000}"
SERVICE_PORT=$((BASE_PORT + 93))
RELAY_PORT=$((BASE_PORT + 94))
NGINX_TLS_PORT=$((BASE_PORT + 443))
NGINX_HTTP_PORT=$((BASE_PORT + 480))
HAPROXY_TLS_PORT=$((BASE_PORT + 444))
HAPROXY_STATS_PORT=$((BASE_PORT + 445))
HAPROXY_HTTP_PORT=$((BASE_PORT + 446))
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    local rc=$? pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if ((KEEP)); then info "kept: $WORK"; else rm -rf "$WORK"; fi
    finish "$rc"
}
trap cleanup EXIT

# --- tools ---------------------------------------------------------------------------------------------------
install_packages() {
    local missing=() pkg
    for pkg in "$@"; do command -v "$pkg" >/dev/null || missing+=("$pkg"); done
    ((${#missing[@]})) || return 0
    [[ "$(id -u)" -eq 0 ]] || die "missing: ${missing[*]} (apt-get install ${missing[*]})"
    log "installing ${missing[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" >"$WORK/apt.log" 2>&1 \
        || { apt-get update -q >>"$WORK/apt.log" 2>&1 \
            && apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" >>"$WORK/apt.log" 2>&1; } \
        || { cat "$WORK/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
}
# nginx and haproxy only as binaries run by this script: the packages' own services are never started here.
install_packages nginx haproxy
for tool in openssl curl python3; do command -v "$tool" >/dev/null || die "$tool is missing"; done
if ((BUILD)); then
    log "./mvnw -B -q package -DskipTests"
    ./mvnw -B -q package -DskipTests
fi
[[ -f target/books.jar ]] || die "target/books.jar is missing: run ./mvnw package first (or pass --build)"
info "$(nginx -v 2>&1), $(haproxy -v | head -1)"

# --- the service and the relay -------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$SERVICE_PORT" "$RELAY_PORT" "$NGINX_TLS_PORT" "$NGINX_HTTP_PORT" "$HAPROXY_TLS_PORT" "$HAPROXY_STATS_PORT" \
    "$HAPROXY_HTTP_PORT"; do
    port_free "$port" || die "port $port is in use (set PROXY_TEST_PORT_BASE)"
done
log "starting target/books.jar on 127.0.0.1:$SERVICE_PORT and the recording relay on :$RELAY_PORT"
SERVER_PORT="$SERVICE_PORT" SERVER_HOST=127.0.0.1 "$JAVA_HOME/bin/java" -jar target/books.jar >"$WORK/service.log" 2>&1 &
PIDS+=($!)
python3 "$HERE/relay.py" "$RELAY_PORT" "$SERVICE_PORT" "$WORK/upstream.txt" 2>"$WORK/relay.log" &
PIDS+=($!)
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@" || true; }
service_ready() { [[ "$(status_of "http://127.0.0.1:$SERVICE_PORT/observe/health/ready")" == 200 ]]; }
POLL=0.2 wait_until 60 service_ready || { tail -20 "$WORK/service.log" >&2; die "the service did not become ready"; }

# --- certificate -----------------------------------------------------------------------------------------------
mkdir -p "$WORK/nginx/conf/tls" "$WORK/nginx/logs" "$WORK/nginx/tmp"
CRT="$WORK/nginx/conf/tls/books.crt"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$WORK/nginx/conf/tls/books.key" -out "$CRT" 2>"$WORK/openssl.log" \
    || { cat "$WORK/openssl.log" >&2; die "openssl could not make a certificate"; }

# --- nginx -----------------------------------------------------------------------------------------------------
# replace FILE FROM TO: FROM must be one whole line of FILE, exactly once (else books.conf changed: fix the test).
replace() {
    local file=$1 from=$2 to=$3
    [[ "$(grep -cxF -- "$from" "$file")" == 1 ]] || die "expected exactly one line '$from' in $file"
    FROM="$from" TO="$to" python3 -c '
import os, sys
path = sys.argv[1]
lines = open(path).read().split("\n")
open(path, "w").write("\n".join(os.environ["TO"] if l == os.environ["FROM"] else l for l in lines))' "$file"
}
CONF="$WORK/nginx/conf/books.conf"
cp src/main/nginx/books.conf "$CONF"
replace "$CONF" "    server 127.0.0.1:8080;" "    server 127.0.0.1:$RELAY_PORT;"
replace "$CONF" "    listen 80;" "    listen 127.0.0.1:$NGINX_HTTP_PORT;"
replace "$CONF" "    listen 443 ssl;" "    listen 127.0.0.1:$NGINX_TLS_PORT ssl;"
replace "$CONF" "    access_log /var/log/nginx/books.access.log books;" \
    "    access_log $WORK/nginx/logs/books.access.log books;"
cat >"$WORK/nginx/conf/nginx.conf" <<EOF
# The test's main file: everything outside books.conf, all of it inside $WORK.
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log info;
events { worker_connections 512; }
http {
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include books.conf;
}
EOF
log "nginx -t, then nginx in the foreground on 127.0.0.1:$NGINX_TLS_PORT (TLS) and :$NGINX_HTTP_PORT"
NGINX=(nginx -p "$WORK/nginx" -c "$WORK/nginx/conf/nginx.conf")
check "nginx -t accepts books.conf" "${NGINX[@]}" -t -q
"${NGINX[@]}" 2>"$WORK/nginx/stderr.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
N="https://localhost:$NGINX_TLS_PORT"
# Real certificate verification against the throw-away CA (no -k).
TLS=(--cacert "$CRT" --resolve "localhost:$NGINX_TLS_PORT:127.0.0.1" --max-time 20)
CURL=(curl -s "${TLS[@]}")
nginx_ready() { [[ "$(status_of "${TLS[@]}" "$N/observe/health/ready")" == 200 ]]; }
POLL=0.2 wait_until 20 nginx_ready || { cat "$WORK/nginx/stderr.log" "$WORK/nginx/logs/error.log" >&2; die "nginx did not answer"; }

# req NAME ARGS...: one request through nginx; sets CODE, HEADERS (file), BODY (file).
req() {
    local name=$1
    shift
    HEADERS="$WORK/$name.headers"
    BODY="$WORK/$name.body"
    CODE="$("${CURL[@]}" -D "$HEADERS" -o "$BODY" -w '%{http_code}' "$@" || true)"
}
header() { grep -i "^$1:" "$HEADERS" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
body_has() { grep -qF -- "$1" "$BODY"; }
# The service writes its log from a background thread, batched (within about 20 ms under load): wait for a line
# instead of expecting it at once. Lines keep their order, so once a later request is in the log, an earlier one
# that is not there never reached the service.
in_service_log() { POLL=0.1 wait_until 5 grep -qF -- "$1" "$WORK/service.log"; }
is_problem() { [[ "$(header Content-Type)" == application/problem+json* ]]; }
JSON=(-H 'Content-Type: application/json')

log "the HTTP contract through nginx (TLS, certificate verified)"
req list "$N/books"
check "GET /books: 200 with the sample books" eval '[[ $CODE == 200 ]] && body_has "\"1984\"" && body_has "Mockingbird"'
req get "$N/books/1"
check "GET /books/1: 200, ETag \"1\"" eval '[[ $CODE == 200 && "$(header ETag)" == "\"1\"" ]] && body_has "George Orwell"'
req notmod "$N/books/1" -H 'If-None-Match: "1"'
check "GET /books/1 with If-None-Match: 304, no body" eval '[[ $CODE == 304 && ! -s $BODY ]]'
req missing "$N/books/999999"
check "GET /books/999999: the service's 404 problem" eval '[[ $CODE == 404 ]] && is_problem && body_has "Book not found"'
req create "$N/books" "${JSON[@]}" -d '{"title":"Dune","author":"Frank Herbert","year":1965}'
LOCATION="$(header Location)"
check "POST /books: 201, Location /books/N" eval '[[ $CODE == 201 && $LOCATION =~ ^/books/[0-9]+$ ]]'
req badjson "$N/books" "${JSON[@]}" -d '{"title":'
check "POST /books with broken JSON: 400 Malformed JSON" eval '[[ $CODE == 400 ]] && is_problem && body_has "Malformed JSON"'
req update "$N$LOCATION" -X PUT "${JSON[@]}" -H 'If-Match: "1"' -d '{"year":1966}'
check "PUT $LOCATION with If-Match: 200, version 2" eval '[[ $CODE == 200 ]] && body_has "\"year\":1966" && body_has "\"version\":2"'
req stale "$N$LOCATION" -X PUT "${JSON[@]}" -H 'If-Match: "1"' -d '{"year":1967}'
check "PUT $LOCATION with a stale If-Match: 412" eval '[[ $CODE == 412 ]] && is_problem'
req delete "$N$LOCATION" -X DELETE
check "DELETE $LOCATION: 204, then GET: 404" eval '[[ $CODE == 204 && "$(status_of "${TLS[@]}" "$N$LOCATION")" == 404 ]]'
req redirect "http://127.0.0.1:$NGINX_HTTP_PORT/books/1" -H 'Host: localhost'
check "plain HTTP: 308 to https://localhost/books/1" eval '[[ $CODE == 308 && "$(header Location)" == "https://localhost/books/1" ]]'
req toolarge "$N/books" "${JSON[@]}" -H 'X-Request-Id: proxy-test-too-large' \
    --data-binary "{\"title\":\"$(head -c 20000 /dev/zero | tr '\0' x)\",\"author\":\"A\",\"year\":1}"
TOO_LARGE_CODE=$CODE TOO_LARGE_PROBLEM=no
is_problem && TOO_LARGE_PROBLEM=yes
req after-too-large "$N/books/1" -H 'X-Request-Id: proxy-test-after-too-large'
check "POST of 20 kB: 413 problem from nginx, never reached the service" \
    eval '[[ $TOO_LARGE_CODE == 413 && $TOO_LARGE_PROBLEM == yes ]] && in_service_log proxy-test-after-too-large \
        && ! grep -q proxy-test-too-large "$WORK/service.log"'

log "headers to and from the service"
req rid "$N/books/1" -H 'X-Request-Id: proxy-test-id-42'
check "X-Request-Id of the client passed through (echoed, in the service's log)" \
    eval '[[ "$(header X-Request-Id)" == proxy-test-id-42 ]] && in_service_log proxy-test-id-42'
req noid "$N/books/2"
GENERATED="$(header X-Request-Id)"
check "no X-Request-Id: nginx's \$request_id (32 hex digits) reaches the service and its access log" \
    eval '[[ $GENERATED =~ ^[0-9a-f]{32}$ ]] && in_service_log "$GENERATED" && grep -q "id=$GENERATED" "$WORK/nginx/logs/books.access.log"'
req forwarded "$N/books/1?marker=forwarded" -H 'X-Forwarded-For: 203.0.113.9'
# The request as the service received it (from the relay's record).
awk '/^GET \/books\/1\?marker=forwarded /{p=1} p&&/^\r?$/{exit} p' "$WORK/upstream.txt" | tr -d '\r' >"$WORK/forwarded.request"
has_line() { grep -qxF -- "$1" "$WORK/forwarded.request"; }
check "the service receives HTTP/1.1" has_line "GET /books/1?marker=forwarded HTTP/1.1"
check "X-Forwarded-For: 127.0.0.1 (the client's spoofed value replaced)" \
    eval 'has_line "X-Forwarded-For: 127.0.0.1" && ! grep -q 203.0.113.9 "$WORK/forwarded.request"'
check "X-Forwarded-Proto: https" has_line "X-Forwarded-Proto: https"
check "X-Forwarded-Host: localhost" has_line "X-Forwarded-Host: localhost"
check "no Connection: close to the service (keep-alive pool)" eval '! grep -qi "^Connection:" "$WORK/forwarded.request"'
REQUESTS="$(grep -cE '^(GET|POST|PUT|DELETE) ' "$WORK/upstream.txt")"
CONNECTIONS="$(grep -c '^=== connection' "$WORK/upstream.txt")"
SUMMARY+=("nginx -> service: $REQUESTS requests on $CONNECTIONS connections")
check "connections to the service are reused ($REQUESTS requests on $CONNECTIONS connections)" \
    eval '((CONNECTIONS * 3 <= REQUESTS))'

log "HTTP/1.0"
check "HTTP/1.0 client to the service directly: 505 (helidon-io/helidon#9604, the reason for proxy_http_version)" \
    eval '[[ "$(status_of --http1.0 "http://127.0.0.1:$SERVICE_PORT/books/1")" == 505 ]]'
req http10 "$N/books/1" --http1.0
check "HTTP/1.0 client through nginx: 200" eval '[[ $CODE == 200 ]] && body_has "1984"'

log "a stalled request body (client_body_timeout 10s)"
SLOW="$(python3 "$HERE/slow_body.py" "$NGINX_TLS_PORT" "$CRT" proxy-test-slow-body 30)"
SUMMARY+=("stalled body: nginx answered after $SLOW")
read -r SLOW_SECONDS SLOW_OUTCOME <<<"$SLOW"
check "cut by nginx after 10-16 s with 408 or a closed connection (took $SLOW)" \
    eval '[[ $SLOW_OUTCOME == 408 || $SLOW_OUTCOME == closed ]] && ((${SLOW_SECONDS%.*} >= 9 && ${SLOW_SECONDS%.*} <= 16))'
check "the stalled request never reached the service" eval '! grep -q proxy-test-slow-body "$WORK/upstream.txt" "$WORK/service.log"'
check "the service is healthy afterwards (readiness 200 through nginx)" nginx_ready

log "rate limit on writes (20/s per address, burst 40)"
# One curl, one TLS connection, 100 requests back to back (bounded): far above 20/s.
# burst TAG METHOD BASE CURL...: 100 requests to BASE/books/999999 on one connection; prints "count status ...".
# The headers and body of the last answer are kept in $WORK/burst-TAG.headers and .body.
burst() {
    local tag=$1 method=$2 base=$3 args=() _
    shift 3
    for _ in $(seq 1 99); do args+=(-o /dev/null "$base/books/999999"); done
    args+=(-o "$WORK/burst-$tag.body" "$base/books/999999")
    "$@" -X "$method" -D "$WORK/burst-$tag.all-headers" -w '%{http_code}\n' "${args[@]}" | sort | uniq -c | xargs
    # -D collects the headers of every answer: keep the last block.
    awk '/^HTTP\//{block=""} {block=block $0 "\n"} END{printf "%s", block}' "$WORK/burst-$tag.all-headers" \
        >"$WORK/burst-$tag.headers"
}
WRITES="$(burst nginx-writes DELETE "$N" "${CURL[@]}")"
READS="$(burst nginx-reads GET "$N" "${CURL[@]}")"
SUMMARY+=("100 DELETEs back to back: $WRITES" "100 GETs back to back: $READS")
check "writes burst: 429s after the first 40 (counts: $WRITES)" \
    eval '[[ $WRITES =~ ([0-9]+)\ 429 ]] && ((BASH_REMATCH[1] >= 30)) && [[ $WRITES =~ ([0-9]+)\ 404 ]] && ((BASH_REMATCH[1] >= 40))'
check "reads burst: never limited (counts: $READS)" eval '[[ $READS == "100 404" ]]'
HEADERS="$WORK/burst-nginx-writes.headers" BODY="$WORK/burst-nginx-writes.body"
check "the last write of the burst: 429 problem with Retry-After" \
    eval '[[ "$(head -1 "$HEADERS")" == *" 429 "* && -n "$(header Retry-After)" ]] && is_problem && body_has "Too many requests"'

stop_nginx() { kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; }
log "control: books.conf without proxy_http_version 1.1 (nginx's default, HTTP/1.0 to the service)"
stop_nginx
cp "$CONF" "$WORK/books.conf.tested"
grep -vxF '        proxy_http_version 1.1;' "$WORK/books.conf.tested" >"$CONF"
cmp -s "$CONF" "$WORK/books.conf.tested" && die "books.conf has no line '        proxy_http_version 1.1;'"
"${NGINX[@]}" 2>>"$WORK/nginx/stderr.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
nginx_up() { [[ "$(status_of "${TLS[@]}" "$N/observe/health/ready")" != 000 ]]; }
POLL=0.2 wait_until 20 nginx_up || die "nginx (control) did not answer"
CONTROL="$(status_of "${TLS[@]}" "$N/books/1")"
check "control: without it every request gets $CONTROL from the service (expected 505)" eval '[[ $CONTROL == 505 ]]'
stop_nginx

# --- HAProxy ---------------------------------------------------------------------------------------------------
log "HAProxy: src/main/haproxy/books.cfg on 127.0.0.1:$HAPROXY_TLS_PORT (TLS)"
mkdir -p "$WORK/haproxy"
cat "$CRT" "$WORK/nginx/conf/tls/books.key" >"$WORK/haproxy/books.pem"
export BOOKS_HAPROXY_BIND="127.0.0.1:$HAPROXY_TLS_PORT" BOOKS_HAPROXY_HTTP_BIND="127.0.0.1:$HAPROXY_HTTP_PORT" \
    BOOKS_HAPROXY_CERT="$WORK/haproxy/books.pem" BOOKS_HAPROXY_STATS="127.0.0.1:$HAPROXY_STATS_PORT" \
    BOOKS_INSTANCE_1="127.0.0.1:$SERVICE_PORT"
check "haproxy -c accepts books.cfg" haproxy -c -q -f src/main/haproxy/books.cfg
# server_state: the state of books/b1 from the stats socket (UP, DOWN, ...).
server_state() {
    local reply
    reply="$(exec 3<>"/dev/tcp/127.0.0.1/$HAPROXY_STATS_PORT" && printf 'show stat\n' >&3 && cat <&3)" || return 0
    awk -F, '$1 == "books" && $2 == "b1" { print $18 }' <<<"$reply"
}
# run_haproxy CFG: starts HAProxy in the foreground with CFG; sets HAPROXY_PID.
run_haproxy() {
    haproxy -db -f "$1" >"$WORK/haproxy/$(basename "$1").log" 2>&1 &
    HAPROXY_PID=$!
    PIDS+=("$HAPROXY_PID")
}
stop_haproxy() { kill "$HAPROXY_PID" 2>/dev/null || true; wait "$HAPROXY_PID" 2>/dev/null || true; }
is_up() { [[ "$(server_state)" == UP ]]; }
run_haproxy src/main/haproxy/books.cfg
H="https://localhost:$HAPROXY_TLS_PORT"
HCURL=(curl -s --cacert "$CRT" --resolve "localhost:$HAPROXY_TLS_PORT:127.0.0.1" --max-time 20)
check "books.cfg: the health check (GET /observe/health/ready HTTP/1.1) marks the instance UP" \
    wait_until 15 is_up
check "books.cfg: GET /books/1 through HAProxy: 200" \
    eval '[[ "$("${HCURL[@]}" -o /dev/null -w "%{http_code}" "$H/books/1")" == 200 ]]'
check "books.cfg: an HTTP/1.0 client through HAProxy: 200" \
    eval '[[ "$("${HCURL[@]}" --http1.0 -o /dev/null -w "%{http_code}" "$H/books/1")" == 200 ]]'
check "books.cfg: an HTTP/1.0 POST through HAProxy: 201" \
    eval '[[ "$("${HCURL[@]}" --http1.0 "${JSON[@]}" -d "{\"title\":\"T\",\"author\":\"A\",\"year\":1}" -o /dev/null -w "%{http_code}" "$H/books")" == 201 ]]'
check "books.cfg: POST of 20 kB: 413" \
    eval '[[ "$("${HCURL[@]}" "${JSON[@]}" --data-binary "{\"title\":\"$(head -c 20000 /dev/zero | tr "\0" x)\"}" -o /dev/null -w "%{http_code}" "$H/books")" == 413 ]]'
HWRITES="$(burst haproxy-writes DELETE "$H" "${HCURL[@]}")"
SUMMARY+=("HAProxy, 100 DELETEs back to back: $HWRITES")
HEADERS="$WORK/burst-haproxy-writes.headers" BODY="$WORK/burst-haproxy-writes.body"
check "books.cfg: writes burst: 429 problems with Retry-After (counts: $HWRITES)" \
    eval '[[ $HWRITES =~ ([0-9]+)\ 429 ]] && ((BASH_REMATCH[1] >= 30)) && [[ -n "$(header Retry-After)" ]] && is_problem'
HREADS="$(burst haproxy-reads GET "$H" "${HCURL[@]}")"
check "books.cfg: reads burst: never limited (counts: $HREADS)" eval '[[ $HREADS == "100 404" ]]'
check "books.cfg: X-Request-Id passed through" \
    eval '"${HCURL[@]}" -D - -o /dev/null -H "X-Request-Id: proxy-test-haproxy" "$H/books/1" | grep -qi "^X-Request-Id: proxy-test-haproxy"'
stop_haproxy
# The same file with HAProxy's default check instead of ours: `option httpchk` alone sends HTTP/1.0.
sed '/^ *http-check send /d' src/main/haproxy/books.cfg >"$WORK/haproxy/default-check.cfg"
[[ "$(grep -c 'http-check send' "$WORK/haproxy/default-check.cfg")" == 0 ]] || die "the check line was not removed"
run_haproxy "$WORK/haproxy/default-check.cfg"
sleep 3
STATE="$(server_state)"
check "control: with HAProxy's default HTTP/1.0 check the instance is $STATE (expected DOWN)" eval '[[ $STATE == DOWN* ]]'
stop_haproxy

log "logs"
check "the service logged no error" eval '! grep -E " (SEVERE|ERROR) |Exception" "$WORK/service.log"'
# nginx logs a refused large body at level error; everything else of that level would be a problem.
check "nginx logged no error but the expected 413" \
    eval '! grep -E "\[(error|crit|alert|emerg)\]" "$WORK/nginx/logs/error.log" | grep -v "client intended to send too large body"'
figures
