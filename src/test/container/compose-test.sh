#!/usr/bin/env bash
# compose-test.sh - proves the Compose stack of compose.yaml (books + PostgreSQL 17) on a real Docker engine,
# with the docker-compose 1.29 that Debian ships (no `--wait`: health is polled here with `docker inspect`).
#
# Usage: compose-test.sh [--build] [--keep]
#   --build   rebuild the books image first (default: only when it is missing), exactly as README.md says,
#             with the base image swapped for the local stand-in of distroless java25
#   --keep    leave the stack, its volume and the work directory in place at the end (for debugging)
#
# What it proves (each check prints PASS or FAIL; the exit status is non-zero if any failed):
#   0. a missing secret file stops `up` fast with an error naming the file
#   1. up: PostgreSQL becomes healthy, the books container starts only after that, then becomes healthy
#      through its shell-less Java probe; the hardening applies (read-only root, tmpfs /tmp, cap_drop ALL,
#      no-new-privileges, 512m and a JVM heap sized from it, log rotation, restart unless-stopped, secret
#      mounted read-only); PostgreSQL's port is not published
#   2. CRUD through the published port; the rows really are in PostgreSQL
#   3. `restart books`, and `down` (no -v) + `up`: the data is intact
#   4. `stop postgres`: readiness DOWN, liveness UP, JSON 503 quickly; `start postgres`: recovery by itself,
#      without a restart of the books container
#   1. the secret commands of secrets/README.md, run on a 0755 secrets/ as a clone has it, give secrets/ 0700 and
#      a 0644 file in it (plain chmod, no ACL tools); the port is published on 127.0.0.1 only
#   5. the password is nowhere in docker inspect, the image, the logs; a wrong password gives readiness DOWN
#      and a log line naming the authentication failure; an unreadable secret file stops the service with a
#      clear message; rotating the password as docs/operations.md says works (old one refused)
#   5e. write protection with compose.auth.yaml and the tokens file made as secrets/README.md says: writes
#      without a token 401, a malformed Authorization 400 invalid_request, with the token 201/204, reads public;
#      BOOKS_AUTH_REQUIRED=true; the token is in no log and no docker inspect; rotation without a restart, by
#      `sed -i` and by write-then-`mv` (both a new inode): the removed token is refused and the new one accepted
#      within 3 s (the service looks once a second)
#   6. backup and restore as docs/operations.md says (pg_dump -Fc / pg_restore through `exec -T`), into the
#      same database and into a wiped volume (`down -v`)
#   7. cleanup: `down -v`, plus anything left with this project's label, and the work directory
#
# The repository's compose.yaml is used as it is: `-f <repo>/compose.yaml --project-directory <tmp dir>`, so
# `./secrets/db_password.txt` resolves inside a private temporary directory and a developer's real secrets/
# is never read or touched. The only other differences from the README's commands are the environment
# overrides POSTGRES_IMAGE (stand-in image, as no registry on the internet is reachable) and BOOKS_PORT.
#
# Environment (optional):
#   BOOKS_PORT             host port of the books service (default 8080, as in compose.yaml)
#   BOOKS_IMAGE            books image (default books:latest; only that one is built when missing)
#   POSTGRES_IMAGE         default localhost:5000/books-test/postgres:17 (the test stand-in, see lib/README.md)
#   BOOKS_COMPOSE_PROJECT  compose project name (default books-ci-compose)
#
# Needs root (or docker access), docker-compose 1.29+, curl, openssl, python3 (docker-compose depends on it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LIB="$HERE/lib"
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"
COMPOSE_YAML="$ROOT/compose.yaml"
# `docker compose up` in the repository reads both files; with -f the override must be named explicitly.
COMPOSE_OVERRIDE="$ROOT/compose.override.yaml"
# Write protection (README.md, "Protecting writes"): added to the other two files in section 5e.
COMPOSE_AUTH="$ROOT/compose.auth.yaml"
PROJECT="${BOOKS_COMPOSE_PROJECT:-books-ci-compose}"
JRE_STANDIN=localhost:5000/books-test/jre:25
export POSTGRES_IMAGE="${POSTGRES_IMAGE:-localhost:5000/books-test/postgres:17}"
export BOOKS_IMAGE="${BOOKS_IMAGE:-books:latest}"
export BOOKS_PORT="${BOOKS_PORT:-8080}"
unset BOOKS_REPLICAS COMPOSE_FILE COMPOSE_PROJECT_NAME
BASE="http://127.0.0.1:$BOOKS_PORT"
# The one-line commands of secrets/README.md (checked to be there verbatim, then run in the work directory).
SECRET_CMD='mkdir -p secrets && chmod 0700 secrets && openssl rand -hex 32 > secrets/db_password.txt && chmod 0644 secrets/db_password.txt'
TOKENS_CMD='mkdir -p secrets/tokens && chmod 0700 secrets && chmod 0755 secrets/tokens && openssl rand -hex 32 > secrets/tokens/api_tokens.txt && chmod 0644 secrets/tokens/api_tokens.txt'

parse_args "--build --keep" "$@"

WORK=""
# Extra compose files (-f) for dc, e.g. compose.auth.yaml in section 5e.
DC_EXTRA=()

# docker-compose on the repository's compose.yaml, project directory = the private work directory.
# Every call is bounded (DC_TIMEOUT seconds, default 300); the warning about deploy sub-keys (printed on every
# call by 1.29) is filtered out of stderr after having been reported once.
dc() {
    local rc=0
    timeout "${DC_TIMEOUT:-300}" docker-compose --ansi never -p "$PROJECT" -f "$COMPOSE_YAML" \
        -f "$COMPOSE_OVERRIDE" "${DC_EXTRA[@]}" --project-directory "$WORK" "$@" 2>"$WORK/dc.err" || rc=$?
    grep -v '^The following deploy sub-keys are not supported' "$WORK/dc.err" >&2 || true
    return "$rc"
}
# Container id of a service of this project (the docker CLI answers faster than `docker-compose ps -q`).
cid() {
    docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" \
        --filter "label=com.docker.compose.service=$1" | head -1
}
inspect() { docker inspect -f "$2" "$1" 2>/dev/null; }
volume_exists() { docker volume inspect "$1" >/dev/null 2>&1; }
health() { inspect "$1" '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}'; }

is_healthy() { [ "$(health "$(cid "$1")")" = healthy ]; }

# http METHOD PATH [curl args...]: sets CODE (000 when no answer), BODY and HDRS (response headers).
CODE=""
BODY=""
HDRS=""
http() {
    local method=$1 path=$2
    shift 2
    : >"$WORK/body"
    : >"$WORK/headers"
    CODE=$(curl -s --max-time "${HTTP_MAX_TIME:-15}" -X "$method" -D "$WORK/headers" -o "$WORK/body" \
        -w '%{http_code}' "$@" "$BASE$path") || true
    CODE=${CODE:-000}
    BODY=$(cat "$WORK/body")
    HDRS=$(tr -d '\r' <"$WORK/headers")
}
json_post() {
    local path=$1 body=$2
    shift 2
    http POST "$path" -H 'Content-Type: application/json' -d "$body" "$@"
}
json_put() { http PUT "$1" -H 'Content-Type: application/json' -d "$2"; }
# json FIELD: a top-level member of BODY (empty when absent or not JSON).
json() {
    python3 -c 'import json,sys
try:
    v = json.loads(sys.argv[1]).get(sys.argv[2], "")
except Exception:
    v = ""
print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$BODY" "$1"
}
ready_is() {
    HTTP_MAX_TIME=10 http GET /observe/health/ready
    [ "$CODE" = "$1" ]
}

psql_books() { dc exec -T postgres psql -U books -d books -v ON_ERROR_STOP=1 -tAc "$1"; }
table_rows() { psql_books 'select id, title, author, publication_year, version from books order by id'; }

# --- diagnostics and cleanup ----------------------------------------------------------------------------------
diagnostics() {
    [ -n "$WORK" ] && [ -d "$WORK" ] || return 0
    log "diagnostics (a check failed)"
    dc ps || true
    dc logs --no-color --tail=40 || true
}
remove_project_leftovers() {
    local filter="label=com.docker.compose.project=$PROJECT" ids
    mapfile -t ids < <(docker ps -aq --filter "$filter")
    ((${#ids[@]} == 0)) || docker rm -f -v "${ids[@]}" >/dev/null || true
    mapfile -t ids < <(docker volume ls -q --filter "$filter")
    ((${#ids[@]} == 0)) || docker volume rm "${ids[@]}" >/dev/null || true
    mapfile -t ids < <(docker network ls -q --filter "$filter")
    ((${#ids[@]} == 0)) || docker network rm "${ids[@]}" >/dev/null || true
}
cleanup() {
    local rc=$?
    set +e
    if ((rc != 0 || FAILS > 0)); then diagnostics; fi
    if ((KEEP)); then
        log "--keep: left in place; remove with:"
        info "docker-compose -p $PROJECT -f $COMPOSE_YAML -f $COMPOSE_OVERRIDE --project-directory $WORK down -v && rm -rf $WORK"
    elif [ -n "$WORK" ] && [ -d "$WORK" ]; then
        log "7. cleanup"
        # down needs the secret file to exist only to parse the file quietly; recreate it if a check removed it.
        [ -f "$WORK/secrets/db_password.txt" ] || { mkdir -p "$WORK/secrets" && : >"$WORK/secrets/db_password.txt"; }
        DC_TIMEOUT=120 dc down -v --remove-orphans --timeout 20
        remove_project_leftovers
        rm -rf "$WORK"
        local left
        left=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")
        left+=$(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT")
        left+=$(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")
        if [ -z "$left" ]; then pass "7 cleanup: no container, volume or network of project $PROJECT is left"; else
            fail "7 cleanup: left behind: $left"; fi
    fi
    finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preflight ------------------------------------------------------------------------------------------------
log "preflight"
for tool in docker docker-compose curl openssl python3 timeout; do
    command -v "$tool" >/dev/null || die "$tool is not installed (src/test/container/lib/docker-env.sh up installs docker + docker-compose)"
done
if ! docker info >/dev/null 2>&1; then
    info "no Docker engine answers: starting one with $LIB/docker-env.sh up"
    "$LIB/docker-env.sh" up
fi
if ! docker image inspect "$POSTGRES_IMAGE" >/dev/null 2>&1; then
    [ "$POSTGRES_IMAGE" = localhost:5000/books-test/postgres:17 ] || die "image $POSTGRES_IMAGE is missing"
    info "building the PostgreSQL stand-in: $LIB/base-images.sh postgres"
    "$LIB/base-images.sh" postgres
fi
if ((BUILD)) || ! docker image inspect "$BOOKS_IMAGE" >/dev/null 2>&1; then
    [ "$BOOKS_IMAGE" = books:latest ] || die "image $BOOKS_IMAGE is missing (only books:latest is built here)"
    docker image inspect "$JRE_STANDIN" >/dev/null 2>&1 || "$LIB/base-images.sh" jre
    default_java_home
    log "building $BOOKS_IMAGE with Jib (base $JRE_STANDIN, JAVA_HOME=$JAVA_HOME)"
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests jib:dockerBuild \
        -Djib.from.image="docker://$JRE_STANDIN" -Djib.from.platforms=linux/amd64)
fi
info "docker-compose: $(docker-compose version --short), engine $(docker version -f '{{.Server.Version}}')"
info "images: books=$BOOKS_IMAGE ($(docker image inspect -f '{{.Id}}' "$BOOKS_IMAGE" | cut -c1-19)), postgres=$POSTGRES_IMAGE"
remove_project_leftovers
if (exec 3<>"/dev/tcp/127.0.0.1/$BOOKS_PORT") 2>/dev/null; then
    die "port $BOOKS_PORT is already in use (set BOOKS_PORT to a free one)"
fi
WORK=$(mktemp -d "/tmp/$PROJECT.XXXXXX")
info "project $PROJECT, compose file $COMPOSE_YAML, project directory $WORK, port $BOOKS_PORT"
: >"$WORK/dc.err"
docker-compose -p "$PROJECT" -f "$COMPOSE_YAML" -f "$COMPOSE_OVERRIDE" --project-directory "$WORK" config -q \
    2>"$WORK/config.err" || true
if grep -q 'deploy sub-keys are not supported' "$WORK/config.err"; then
    info "docker-compose 1.29 says (once per service, every call):"
    grep 'deploy sub-keys' "$WORK/config.err" | sort -u | sed 's/^/       /'
fi

# --- 0. missing secret file -----------------------------------------------------------------------------------
log "0. up without secrets/db_password.txt"
start=$(now_ms)
rc=0
DC_TIMEOUT=60 dc up -d >"$WORK/missing.out" 2>&1 || rc=$?
cat "$WORK/dc.err" >>"$WORK/missing.out"
elapsed=$(($(now_ms) - start))
grep -E 'secret|ERROR' "$WORK/missing.out" | grep -v 'deploy sub-keys' | sort -u | sed 's/^/     | /'
if ((rc != 0)) && grep -q 'secrets/db_password.txt' "$WORK/missing.out" && ((elapsed < 30000)); then
    pass "0 missing secret: up failed (exit $rc) in ${elapsed} ms with an error naming secrets/db_password.txt"
else
    fail "0 missing secret: up exit $rc after ${elapsed} ms, file named: $(grep -c 'secrets/db_password.txt' "$WORK/missing.out")"
fi
running=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT")
check "0 missing secret: no container is running" test -z "$running"

# --- 1. up ----------------------------------------------------------------------------------------------------
log "1. secret as secrets/README.md says, then up -d"
if grep -qF "$SECRET_CMD" "$ROOT/secrets/README.md"; then
    pass "1 secrets/README.md holds the one-line command run here"
else
    fail "1 secrets/README.md does not hold the command: $SECRET_CMD"
fi
# As a clone has it: git creates the tracked directory 0755.
mkdir -p "$WORK/secrets" && chmod 0755 "$WORK/secrets"
(cd "$WORK" && bash -c "$SECRET_CMD")
PW=$(cat "$WORK/secrets/db_password.txt")
# private_0644 FILE: mode 0644, no ACL, inside the 0700 secrets/ of $WORK: no other host user gets to it.
private_0644() { [ "$(stat -c %a "$1")" = 644 ] && [ "$(stat -c %a "$WORK/secrets")" = 700 ]; }
export -f private_0644
export WORK
check "1 secrets/ is 0700 (it was 0755, as in a clone)" test "$(stat -c %a "$WORK/secrets")" = 700
check "1 secret file: 64 hex characters, mode 0644 inside the 0700 directory" \
    bash -c 'test "${#1}" -eq 64 && private_0644 "$2"' _ "$PW" "$WORK/secrets/db_password.txt"

# check_start_order LABEL: books' StartedAt >= the end of PostgreSQL's first passing health check (read right
# after `up`: the engine keeps the last 5 checks only), and books met a ready database on its first try.
check_start_order() {
    local label=$1 pg bk healthy_at started_at
    pg=$(cid postgres)
    bk=$(cid books)
    healthy_at=$(inspect "$pg" '{{range .State.Health.Log}}{{if eq .ExitCode 0}}{{json .End}}{{"\n"}}{{end}}{{end}}' \
        | head -1 | tr -d '"')
    started_at=$(inspect "$bk" '{{.State.StartedAt}}')
    info "postgres started $(inspect "$pg" '{{.State.StartedAt}}'), first passing health check ended $healthy_at"
    info "books started $started_at"
    if [ -n "$healthy_at" ] && [ -n "$started_at" ] && (($(to_ns "$started_at") >= $(to_ns "$healthy_at"))); then
        pass "$label books started $((($(to_ns "$started_at") - $(to_ns "$healthy_at")) / 1000000)) ms after PostgreSQL turned healthy"
    else
        fail "$label books did not start after PostgreSQL turned healthy ($started_at vs $healthy_at)"
    fi
}
# check_clean_start LABEL CONTAINER: the service migrated on its first try (never saw the database unready).
check_clean_start() {
    local logs
    logs=$(docker logs "$2" 2>&1)
    if grep -q 'Database schema is up to date' <<<"$logs" && ! grep -q 'Database not reachable' <<<"$logs"; then
        pass "$1 the service reached the database on its first try (no 'Database not reachable' in its log)"
    else
        fail "$1 the service's log shows it did not find the database ready at start"
    fi
}
# up_and_wait LABEL [ready]: up -d, start order, then both healthy (bounded); with "ready", books' readiness
# endpoint answering 200 is enough (quicker than its health check's 10 s interval).
up_and_wait() {
    local label=$1 mode=${2:-healthy} start
    start=$(now_ms)
    dc up -d || die "$label up -d failed"
    info "up -d returned after $(($(now_ms) - start)) ms (1.29 waits for service_healthy before creating books)"
    check_start_order "$label"
    if [ "$mode" = ready ]; then
        if POLL=1 wait_until 120 ready_is 200 && is_healthy postgres; then
            pass "$label postgres healthy, books ready (HTTP 200) $(($(now_ms) - start)) ms after up"
        else
            die "$label not ready within 120 s: postgres=$(health "$(cid postgres)") readiness=$CODE"
        fi
    elif POLL=1 wait_until 120 is_healthy books && is_healthy postgres; then
        pass "$label both services healthy $(($(now_ms) - start)) ms after up (books through its Java probe)"
    else
        die "$label not healthy within 120 s: postgres=$(health "$(cid postgres)") books=$(health "$(cid books)")"
    fi
    check_clean_start "$label" "$(cid books)"
}
up_and_wait "1 up:"
BOOKS_CID=$(cid books)
PG_CID=$(cid postgres)
probe_out=$(inspect "$BOOKS_CID" '{{range .State.Health.Log}}{{.Output}}{{end}}' | grep -v '^$' | tail -1)
info "books health check output: $probe_out"
dc ps

log "1. hardening (docker inspect)"
hc() { inspect "$BOOKS_CID" "$1"; }
check "1 books: read-only root filesystem" test "$(hc '{{.HostConfig.ReadonlyRootfs}}')" = true
check "1 books: tmpfs on /tmp" grep -q '"Type":"tmpfs","Source":"","Destination":"/tmp"' \
    <<<"$(inspect "$(cid books)" '{{json .Mounts}}')"
check "1 books: cap_drop ALL" test "$(hc '{{json .HostConfig.CapDrop}}')" = '["ALL"]'
check "1 books: no-new-privileges" grep -q 'no-new-privileges:true' <<<"$(hc '{{json .HostConfig.SecurityOpt}}')"
check "1 books: memory limit 512 MiB" test "$(hc '{{.HostConfig.Memory}}')" = 536870912
check "1 books: runs as 65532:65532" test "$(hc '{{.Config.User}}')" = 65532:65532
for c in "$BOOKS_CID" "$PG_CID"; do
    name=$(inspect "$c" '{{index .Config.Labels "com.docker.compose.service"}}')
    logcfg=$(inspect "$c" '{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config "max-size"}} {{index .HostConfig.LogConfig.Config "max-file"}}')
    check "1 $name: log rotation json-file max-size 10m max-file 3 ($logcfg)" test "$logcfg" = "json-file 10m 3"
    policy=$(inspect "$c" '{{.HostConfig.RestartPolicy.Name}}')
    check "1 $name: restart policy unless-stopped (is: $policy)" test "$policy" = unless-stopped
done
for c in "$BOOKS_CID" "$PG_CID"; do
    name=$(inspect "$c" '{{index .Config.Labels "com.docker.compose.service"}}')
    mount=$(inspect "$c" '{{range .Mounts}}{{if eq .Destination "/run/secrets/db_password"}}{{.Type}} rw={{.RW}}{{end}}{{end}}')
    check "1 $name: the secret is a read-only bind mount at /run/secrets/db_password ($mount)" test "$mount" = "bind rw=false"
done
check "1 postgres: port 5432 not published (no port bindings)" \
    test "$(inspect "$PG_CID" '{{json .HostConfig.PortBindings}}')" = '{}'
check "1 postgres: no host port for 5432 (docker-compose port is empty)" test -z "$(dc port postgres 5432 2>/dev/null)"
check "1 books: published on 127.0.0.1:$BOOKS_PORT only ($(dc port books 8080))" \
    test "$(dc port books 8080)" = "127.0.0.1:$BOOKS_PORT"
check "1 books: the port binding's host address is 127.0.0.1" \
    test "$(inspect "$BOOKS_CID" '{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{.HostIp}} {{end}}{{end}}')" = "127.0.0.1 "
check "1 postgres: stop signal SIGINT, stop grace period 60 s" \
    test "$(inspect "$PG_CID" '{{.Config.StopSignal}} {{.Config.StopTimeout}}')" = "SIGINT 60"
http GET /observe/metrics -H 'Accept: text/plain'
max_heap=$(grep -E '^(base_)?memory_maxHeap_bytes' <<<"$BODY" | head -1 | awk '{printf "%d", $2}')
if [ -n "$max_heap" ] && ((max_heap > 300 * 1048576 && max_heap <= 400 * 1048576)); then
    pass "1 the JVM sizes its heap from the limit: max heap $((max_heap / 1048576)) MiB (75% of 512 MiB)"
else
    fail "1 JVM max heap from /observe/metrics: '${max_heap:-not found}' (expected about 384 MiB)"
fi

# --- 2. CRUD ----------------------------------------------------------------------------------------------------
log "2. CRUD through $BASE"
http GET /books
check "2 GET /books -> 200 with the sample books 1 and 2" \
    test "$CODE" = 200 -a -n "$(json 1)" -a -n "$(json 2)"
json_post /books '{"title": "Dune", "author": "Frank Herbert", "year": 1965}'
ID=$(json id)
check "2 POST /books -> 201, Location /books/$ID" grep -qi "^location: /books/$ID\$" <<<"$HDRS"
if [ "$CODE" != 201 ] || [ -z "$ID" ]; then die "2 POST /books answered $CODE: $BODY"; fi
json_put "/books/$ID" '{"year": 1966}'
check "2 PUT /books/$ID -> 200, year 1966, version 2" test "$CODE $(json year) $(json version)" = "200 1966 2"
http GET "/books/$ID"
check "2 GET /books/$ID -> 200 Dune" test "$CODE $(json title)" = "200 Dune"
json_post /books '{"title": "Neuromancer", "author": "William Gibson", "year": 1984}'
GONE=$(json id)
http DELETE "/books/$GONE"
check "2 DELETE /books/$GONE -> 204" test "$CODE" = 204
http GET "/books/$GONE"
check "2 GET /books/$GONE after DELETE -> 404 JSON" test "$CODE $(json error)" = "404 Book not found"
row=$(psql_books "select id, title, author, publication_year, version from books where id = $ID")
check "2 in PostgreSQL: $row" test "$row" = "$ID|Dune|Frank Herbert|1966|2"
check "2 in PostgreSQL: book $GONE is gone" test "$(psql_books "select count(*) from books where id = $GONE")" = 0
SNAPSHOT=$(table_rows)
info "table books: $(tr '\n' ' ' <<<"$SNAPSHOT")"

# data_intact LABEL: same rows in PostgreSQL as the snapshot, and the API serves them.
data_intact() {
    local rows
    rows=$(table_rows)
    http GET "/books/$ID"
    if [ "$rows" = "$SNAPSHOT" ] && [ "$CODE $(json year)" = "200 1966" ]; then
        pass "$1 data intact ($(wc -l <<<"$rows") rows equal, GET /books/$ID -> 200)"
    else
        fail "$1 data differs: GET /books/$ID -> $CODE; rows: $(tr '\n' ' ' <<<"$rows")"
    fi
}

# --- 3. restart, down/up ----------------------------------------------------------------------------------------
log "3. restart books"
before=$(inspect "$BOOKS_CID" '{{.State.StartedAt}}')
start=$(now_ms)
dc restart books
if POLL=1 wait_until 120 ready_is 200; then pass "3 restart: books ready again $(($(now_ms) - start)) ms after restart"; else
    fail "3 restart: books not ready within 120 s"; fi
check "3 restart: the books container did restart (StartedAt changed)" \
    test "$(inspect "$BOOKS_CID" '{{.State.StartedAt}}')" != "$before"
data_intact "3 restart:"

log "3. down (no -v), then up"
dc down
check "3 down: no container left" test -z "$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")"
check "3 down: volume ${PROJECT}_pgdata kept" volume_exists "${PROJECT}_pgdata"
up_and_wait "3 up again:" ready
BOOKS_CID=$(cid books)
PG_CID=$(cid postgres)
data_intact "3 down/up:"

# --- 4. database outage -----------------------------------------------------------------------------------------
log "4. stop postgres"
b_started=$(inspect "$BOOKS_CID" '{{.State.StartedAt}} restarts={{.RestartCount}}')
start=$(now_ms)
dc stop postgres
info "stop postgres took $(($(now_ms) - start)) ms"
check "4 postgres shut down cleanly (SIGINT, 'database system is shut down', exit 0)" \
    test "$(docker logs --tail 5 "$PG_CID" 2>&1 | grep -c 'database system is shut down') $(inspect "$PG_CID" '{{.State.ExitCode}}')" = "1 0"
start=$(now_ms)
if POLL=0.5 wait_until 30 ready_is 503; then
    pass "4 readiness 503 $(($(now_ms) - start)) ms after the stop: $(tr -d '\n' <<<"$BODY" | cut -c1-160)"
else
    fail "4 readiness did not go DOWN within 30 s (last: $CODE)"
fi
check "4 readiness names the db check DOWN" grep -q '"name":"db","status":"DOWN"' <<<"$BODY"
http GET /observe/health/live
check "4 liveness still 200" test "$CODE" = 200
start=$(now_ms)
http GET /books
took=$(($(now_ms) - start))
check "4 GET /books -> JSON 503 in ${took} ms (< 10 s), Retry-After" \
    test "$CODE $(json error)" = "503 Service unavailable" -a "$took" -lt 10000 -a \
    "$(grep -ci '^retry-after:' <<<"$HDRS")" = 1
check "4 the 503 is JSON ($(grep -i '^content-type:' <<<"$HDRS"))" grep -qiE '^content-type: application/(problem\+)?json' <<<"$HDRS"
start=$(now_ms)
json_post /books '{"title": "Lost", "author": "Nobody", "year": 2000}'
took=$(($(now_ms) - start))
check "4 POST /books -> JSON 503 in ${took} ms (< 10 s)" test "$CODE $(json error)" = "503 Service unavailable" -a "$took" -lt 10000

log "4. start postgres"
start=$(now_ms)
dc start postgres
if POLL=1 wait_until 120 is_healthy postgres; then pass "4 postgres healthy again $(($(now_ms) - start)) ms after start"; else
    fail "4 postgres not healthy within 120 s"; fi
if POLL=0.5 wait_until 60 ready_is 200; then pass "4 the service recovered by itself: readiness 200 $(($(now_ms) - start)) ms after start"; else
    fail "4 readiness not back to 200 within 60 s"; fi
json_post /books '{"title": "Solaris", "author": "Stanislaw Lem", "year": 1961}'
NEW=$(json id)
check "4 after recovery: POST -> 201" test "$CODE" = 201
http DELETE "/books/$NEW"
check "4 after recovery: DELETE -> 204" test "$CODE" = 204
data_intact "4 after recovery:"
check "4 the books container was not restarted (same id, StartedAt, RestartCount)" \
    test "$(cid books) $(inspect "$BOOKS_CID" '{{.State.StartedAt}} restarts={{.RestartCount}}')" = "$BOOKS_CID $b_started"

# --- 5. secrets -------------------------------------------------------------------------------------------------
log "5. the password is nowhere to be seen"
# no_password WHERE CMD...: CMD's output must not contain any password used so far (PASSWORDS).
PASSWORDS=("$PW")
no_password() {
    local where=$1 out p
    shift
    out=$("$@" 2>&1) || true
    if [ -z "$out" ]; then fail "5 $where: no output to search"; return; fi
    for p in "${PASSWORDS[@]}"; do
        if grep -qF -e "$p" <<<"$out"; then fail "5 $where contains a password"; return; fi
    done
    pass "5 no password in $where (${#PASSWORDS[@]} searched)"
}
no_password "docker inspect postgres" docker inspect "$PG_CID"
no_password "docker inspect books" docker inspect "$BOOKS_CID"
no_password "docker image inspect $BOOKS_IMAGE" docker image inspect "$BOOKS_IMAGE"
no_password "docker history --no-trunc $BOOKS_IMAGE" docker history --no-trunc "$BOOKS_IMAGE"
no_password "docker-compose config" dc config
no_password "the logs of both services" dc logs --no-color
env_vars=$(inspect "$BOOKS_CID" '{{json .Config.Env}}')$(inspect "$PG_CID" '{{json .Config.Env}}')
check "5 no *PASSWORD= variable in either container's environment (only *_PASSWORD_FILE)" \
    test -z "$(grep -oE '"[A-Z_]*PASSWORD=' <<<"$env_vars")"

log "5b. wrong password: new content in the secret file, recreate books only"
WRONG=$(openssl rand -hex 32)
PASSWORDS+=("$WRONG")
printf '%s\n' "$WRONG" >"$WORK/secrets/db_password.txt"
dc up -d --no-deps --force-recreate books
BOOKS_CID=$(cid books)
check "5b postgres was not recreated (--no-deps)" test "$(cid postgres)" = "$PG_CID"
auth_logged() { docker logs "$BOOKS_CID" 2>&1 | grep -q 'password authentication failed'; }
if POLL=1 wait_until 60 auth_logged; then
    pass "5b log line: $(docker logs "$BOOKS_CID" 2>&1 | grep -m1 'password authentication failed' | cut -c1-220)"
else
    fail "5b no 'password authentication failed' line in the service's log within 60 s"
fi
if POLL=1 wait_until 30 ready_is 503; then pass "5b readiness 503: $(tr -d '\n' <<<"$BODY" | cut -c1-200)"; else
    fail "5b readiness is not 503 (last: $CODE)"; fi
http GET /observe/health/live
check "5b liveness 200 (the service stays up, not-ready)" test "$CODE" = 200
http GET /books
check "5b GET /books -> JSON 503" test "$CODE $(json error)" = "503 Service unavailable"
no_password "the logs after the wrong password" dc logs --no-color
no_password "docker inspect books (wrong password)" docker inspect "$BOOKS_CID"

log "5c. secret file not readable by the service (mode 0600)"
printf '%s\n' "$PW" >"$WORK/secrets/db_password.txt"
chmod 0600 "$WORK/secrets/db_password.txt"
dc up -d --no-deps --force-recreate books
BOOKS_CID=$(cid books)
unreadable_logged() { docker logs "$BOOKS_CID" 2>&1 | grep -q 'Cannot read the database password file /run/secrets/db_password'; }
if POLL=1 wait_until 60 unreadable_logged; then
    pass "5c log line: $(docker logs "$BOOKS_CID" 2>&1 | grep -m1 'Cannot read the database password file' | cut -c1-220)"
else
    fail "5c no 'Cannot read the database password file' line within 60 s"
fi
state=$(inspect "$BOOKS_CID" '{{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}}')
check "5c the service stops at start-up (not healthy; state: $state)" test "$(health "$BOOKS_CID")" != healthy
# The remedy secrets/README.md gives.
chmod 0644 "$WORK/secrets/db_password.txt"
dc up -d --no-deps --force-recreate books
BOOKS_CID=$(cid books)
if POLL=1 wait_until 120 ready_is 200; then pass "5c right password and mode 0644 again: books ready"; else
    fail "5c books not ready again within 120 s"; fi
data_intact "5c:"

log "5d. rotate the password as docs/operations.md says (ALTER ROLE, replace the file, recreate books)"
# pg_login PASSWORD: a password login over TCP (inside the container only 127.0.0.1 and the socket are trusted).
pg_login() { dc exec -T -e PGPASSWORD="$1" postgres psql -h postgres -U books -d books -tAc 'select 1' 2>&1; }
rotate_password() {
    (umask 077 && openssl rand -hex 32 >secrets/db_password.new) &&
        printf "ALTER ROLE books PASSWORD '%s';\n" "$(cat secrets/db_password.new)" |
        dc exec -T postgres psql -U books -d books -v ON_ERROR_STOP=1 &&
        cat secrets/db_password.new >secrets/db_password.txt && rm secrets/db_password.new &&
        dc up -d --no-deps --force-recreate books
}
OLD_PW=$PW
start=$(now_ms)
if (cd "$WORK" && rotate_password); then pass "5d rotation commands ran"; else fail "5d rotation commands failed"; fi
PW=$(cat "$WORK/secrets/db_password.txt")
PASSWORDS+=("$PW")
BOOKS_CID=$(cid books)
check "5d the secret file changed, kept its mode 0644, no .new file left" \
    bash -c 'test "$1" != "$2" -a ! -e "$3.new" && private_0644 "$3.txt"' _ "$PW" "$OLD_PW" "$WORK/secrets/db_password"
if POLL=1 wait_until 120 ready_is 200; then pass "5d books ready with the new password $(($(now_ms) - start)) ms after the rotation began"; else
    fail "5d books not ready with the new password within 120 s"; fi
check "5d the old password is refused" grep -q 'password authentication failed' <<<"$(pg_login "$OLD_PW")"
check "5d the new password is accepted" test "$(pg_login "$PW")" = 1
data_intact "5d:"

# --- 5e. write protection (compose.auth.yaml) ------------------------------------------------------------------
log "5e. write protection: the tokens file as secrets/README.md says, then compose.auth.yaml"
if grep -qF "$TOKENS_CMD" "$ROOT/secrets/README.md"; then
    pass "5e secrets/README.md holds the one-line tokens command run here"
else
    fail "5e secrets/README.md does not hold the command: $TOKENS_CMD"
fi
(cd "$WORK" && bash -c "$TOKENS_CMD")
TOKENS="$WORK/secrets/tokens/api_tokens.txt"
TOKEN=$(cat "$TOKENS")
check "5e tokens file: 64 hex characters, mode 0644 in a 0755 directory inside the 0700 secrets/" \
    bash -c 'test "${#1}" -eq 64 && private_0644 "$2" && test "$(stat -c %a "$WORK/secrets/tokens")" = 755' _ "$TOKEN" "$TOKENS"
DC_EXTRA=(-f "$COMPOSE_AUTH")
dc up -d --no-deps --force-recreate books
BOOKS_CID=$(cid books)
if POLL=1 wait_until 120 ready_is 200; then pass "5e books ready with compose.auth.yaml"; else
    fail "5e books not ready with compose.auth.yaml within 120 s"; fi
http GET "/books/$ID"
check "5e reads stay public: GET /books/$ID -> 200" test "$CODE" = 200
json_post /books '{"title": "Lost", "author": "Nobody", "year": 2000}'
check "5e POST without a token -> 401, WWW-Authenticate: Bearer, problem+json error Unauthorized" \
    test "$CODE $(json error) $(grep -ci '^www-authenticate: bearer' <<<"$HDRS")" = "401 Unauthorized 1"
http DELETE "/books/$ID" -H "Authorization: Bearer $(openssl rand -hex 32)"
check "5e DELETE with a wrong token -> 401 invalid_token" \
    test "$CODE $(grep -ci 'error="invalid_token"' <<<"$HDRS")" = "401 1"
http DELETE "/books/$ID" -H "Authorization: Bearer $TOKEN $TOKEN"
check "5e DELETE with two tokens in one header -> 400 invalid_request" \
    test "$CODE $(grep -ci 'error="invalid_request"' <<<"$HDRS")" = "400 1"
json_post /books '{"title": "Ubik", "author": "Philip K. Dick", "year": 1969}' -H "Authorization: Bearer $TOKEN"
NEW=$(json id)
check "5e POST with the token -> 201" test "$CODE" = 201
http DELETE "/books/$NEW" -H "Authorization: Bearer $TOKEN"
check "5e DELETE with the token -> 204" test "$CODE" = 204
data_intact "5e refused writes changed nothing:"
env_books=$(inspect "$BOOKS_CID" '{{json .Config.Env}}')
check "5e the service gets the tokens as a file in a mounted directory, and fails closed (BOOKS_AUTH_REQUIRED=true)" \
    bash -c 'grep -q "\"BOOKS_AUTH_TOKENS_FILE=/run/books-tokens/api_tokens.txt\"" <<<"$1" &&
        grep -q "\"BOOKS_AUTH_REQUIRED=true\"" <<<"$1"' _ "$env_books"
PASSWORDS+=("$TOKEN")
no_password "docker inspect books (with the tokens file)" docker inspect "$BOOKS_CID"
no_password "the logs with write protection on" dc logs --no-color
check "5e the service logged that writes need a token" \
    grep -q 'Writes need a bearer token: 1 static token(s) from /run/books-tokens/api_tokens.txt' \
    <<<"$(docker logs "$BOOKS_CID" 2>&1)"

# rotated OLD NEW: within 3 s (the service looks at the file once a second) NEW writes and OLD is refused.
write_status() {
    json_post /books '{"title": "Rotated", "author": "Nobody", "year": 2001}' -H "Authorization: Bearer $1"
    [ "$CODE" = 201 ] && http DELETE "/books/$(json id)" -H "Authorization: Bearer $1"
    echo "$CODE"
}
rotated() { [ "$(write_status "$2")" = 204 ] && [ "$(write_status "$1")" = 401 ]; }
log "5e. rotate tokens without a restart: sed -i, then write-temp-then-mv (each a new inode)"
inode() { stat -c %i "$TOKENS"; }
TOKEN2=$(openssl rand -hex 32)
TOKEN3=$(openssl rand -hex 32)
PASSWORDS+=("$TOKEN" "$TOKEN2" "$TOKEN3")
before=$(inode)
start=$(now_ms)
sed -i "s/^$TOKEN\$/$TOKEN2/" "$TOKENS"
check "5e sed -i replaced the file (inode $before -> $(inode)) and kept mode 0644" \
    test "$(inode)" != "$before" -a "$(stat -c %a "$TOKENS")" = 644
if POLL=0.2 wait_until 3 rotated "$TOKEN" "$TOKEN2"; then
    pass "5e after sed -i: the removed token is refused (401), the new one writes, $(($(now_ms) - start)) ms after the edit"
else
    fail "5e after sed -i: not rotated within 3 s (old token $(write_status "$TOKEN"), new token $(write_status "$TOKEN2"))"
fi
before=$(inode)
start=$(now_ms)
(cd "$WORK" && printf '%s\n' "$TOKEN3" >secrets/tokens/api_tokens.new && chmod 0644 secrets/tokens/api_tokens.new &&
    mv secrets/tokens/api_tokens.new secrets/tokens/api_tokens.txt)
check "5e mv replaced the file (inode $before -> $(inode))" test "$(inode)" != "$before"
if POLL=0.2 wait_until 3 rotated "$TOKEN2" "$TOKEN3"; then
    pass "5e after write-then-mv: the removed token is refused (401), the new one writes, $(($(now_ms) - start)) ms after the edit"
else
    fail "5e after mv: not rotated within 3 s (old token $(write_status "$TOKEN2"), new token $(write_status "$TOKEN3"))"
fi
check "5e no restart: the same books container ($(inspect "$BOOKS_CID" '{{.RestartCount}}') restarts)" \
    test "$(cid books) $(inspect "$BOOKS_CID" '{{.RestartCount}}')" = "$BOOKS_CID 0"
no_password "the logs after the rotation" dc logs --no-color
DC_EXTRA=()
dc up -d --no-deps --force-recreate books
BOOKS_CID=$(cid books)
if POLL=1 wait_until 120 ready_is 200; then pass "5e back without compose.auth.yaml: books ready"; else
    fail "5e books not ready again within 120 s"; fi
check "5e without compose.auth.yaml the service warns that writes are open" \
    grep -q 'Writes are NOT protected' <<<"$(docker logs "$BOOKS_CID" 2>&1)"

# --- 6. backup and restore (docs/operations.md) -----------------------------------------------------------------
log "6. backup: pg_dump -Fc through exec -T"
dc exec -T postgres pg_dump -U books -d books -Fc >"$WORK/books.dump"
check "6 dump written ($(stat -c %s "$WORK/books.dump") bytes, custom format)" \
    test "$(head -c 5 "$WORK/books.dump")" = PGDMP
toc=$(dc exec -T postgres pg_restore --list <"$WORK/books.dump")
check "6 pg_restore --list reads it back through stdin (TABLE DATA public books)" \
    grep -q 'TABLE DATA public books' <<<"$toc"

log "6. restore into the same database after losing the rows"
psql_books 'delete from books' >/dev/null
http GET /books
check "6 rows deleted: GET /books -> {}" test "$CODE $BODY" = "200 {}"
dc stop books
dc exec -T postgres pg_restore -U books -d books --clean --if-exists <"$WORK/books.dump"
dc start books
if POLL=1 wait_until 120 ready_is 200; then pass "6 books ready after the restore"; else fail "6 books not ready after the restore"; fi
data_intact "6 restore (same database):"

log "6. wipe (down -v), restore into the fresh volume"
dc down -v
check "6 down -v removed the volume" test -z "$(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT")"
dc up -d postgres
PG_CID=$(cid postgres)
if POLL=1 wait_until 120 is_healthy postgres; then pass "6 fresh postgres healthy"; else die "6 fresh postgres not healthy"; fi
check "6 the fresh database is empty (no books table)" test "$(psql_books "select to_regclass('public.books') is null")" = t
dc exec -T postgres pg_restore -U books -d books <"$WORK/books.dump"
up_and_wait "6 up after the restore:" ready
BOOKS_CID=$(cid books)
data_intact "6 restore (fresh volume):"
json_post /books '{"title": "Ubik", "author": "Philip K. Dick", "year": 1969}'
NEW=$(json id)
check "6 the id sequence was restored too: a new book gets id $NEW > $ID" test "$CODE" = 201 -a "${NEW:-0}" -gt "$ID"
no_password "the logs at the end" dc logs --no-color
