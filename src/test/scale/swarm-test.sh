#!/usr/bin/env bash
# swarm-test.sh - proves that the repository's compose.yaml deploys to Docker Swarm with `docker stack deploy`:
# the books service starts without its database (Swarm ignores depends_on), scales to three healthy replicas,
# rolls to a new image start-first, and rolls back by itself from an image whose health check fails.
#
# Usage: swarm-test.sh [--build] [--keep]
#   --build   rebuild books:latest first (default: only when it is missing), with the base image swapped for
#             the local stand-in of distroless java25 (no registry on the internet is reachable here)
#   --keep    leave the stack, its volume, the image tags and the work directory in place (for debugging)
#
# How: a single-node swarm (`docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377` when
# the engine is not in a swarm yet; it leaves the swarm again at the end only if it made it). The stack is
#   docker stack deploy --resolve-image never -c compose.yaml -c swarm.auth.yaml \
#       -c src/test/scale/swarm-override.yaml STACK
# i.e. the file Compose uses with the write protection docs/scaling.md prescribes for a swarm (the tokens file as
# a Swarm secret, BOOKS_AUTH_REQUIRED=true), plus a test-only override for this machine (see that file): the kernel has no
# IPVS, so Swarm's VIPs and routing mesh do not work here; the override uses endpoint_mode dnsrr and a
# host-mode port per replica (each replica is reached on its own host port), and secret files in a
# temporary directory. The images come from BOOKS_IMAGE/POSTGRES_IMAGE as with Compose: private tags of
# books:latest (STACK-base, STACK-rolled-1, STACK-unhealthy) and the PostgreSQL stand-in. --resolve-image
# never: the tags exist only in the local engine.
#
# What it proves (each check prints PASS or FAIL; the exit status is non-zero if any failed):
#   0. compose.yaml alone and with the override load in docker stack (schema, forbidden keys)
#   1. deploy with the database held back (an extra file sets its replicas to 0): nothing rejected, Swarm's
#      warnings reported (options it ignores), the spec has what compose.yaml asks for (limits, read-only root
#      with a writable /tmp, no capabilities, secret, start-first update with rollback); the books task starts
#      and serves liveness, readiness DOWN, "Database not reachable, will retry" in its log
#   2. the database deployed (the same command without the extra file): the same books container becomes
#      healthy by itself ("Database schema is up to date"), not restarted
#   3. BOOKS_REPLICAS=3: three healthy replicas; the service name resolves to the three task addresses (dnsrr);
#      every replica answers the API on its host port and sees the others' writes (one database); writes need
#      the token: without one every replica answers 401
#   4. roll to a new tag: UpdateStatus completed, every slot's new container started before the old one
#      stopped (start-first), three healthy replicas on the new image
#   5. roll to an image that never turns healthy (the same image with SERVER_PORT=9999 in its config, so the
#      health check on 8080 fails): the update fails, Swarm rolls back by itself (rollback_completed), the image
#      is the previous one, the replicas that served before were never stopped, three healthy replicas
#   6. cleanup: stack removed (services, containers, network, secret), volume and image tags removed, swarm
#      left if this script initialised it
#
# Environment (optional):
#   BOOKS_SWARM_STACK  stack name (default books-swarm-ci)
#   BOOKS_IMAGE        image to deploy (default books:latest; built when missing)
#   POSTGRES_IMAGE     default localhost:5000/books-test/postgres:17 (the stand-in, src/test/container/lib)
#
# Needs root (or docker access), the docker CLI with `docker stack` (engine 20.10+), curl, openssl.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LIB="$ROOT/src/test/container/lib"
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"
COMPOSE_YAML="$ROOT/compose.yaml"
OVERRIDE="$HERE/swarm-override.yaml"
SWARM_AUTH="$ROOT/swarm.auth.yaml"
STACK="${BOOKS_SWARM_STACK:-books-swarm-ci}"
SVC="${STACK}_books"
PG_SVC="${STACK}_postgres"
SOURCE_IMAGE="${BOOKS_IMAGE:-books:latest}"
IMAGE_V1="books:$STACK-base"
IMAGE_ROLLED="books:$STACK-rolled-1"
IMAGE_BAD="books:$STACK-unhealthy"
export POSTGRES_IMAGE="${POSTGRES_IMAGE:-localhost:5000/books-test/postgres:17}"
# Host-mode port chosen by the engine per replica (see swarm-override.yaml).
export BOOKS_PORT=0
unset BOOKS_REPLICAS BOOKS_IMAGE

parse_args "--build --keep" "$@"

WORK=""
SWARM_INIT=0
GWBRIDGE_BEFORE=1
DEPLOYED=0
TAGGED=0

# deploy [extra compose files...]: the stack from compose.yaml + the override (+ extras); output in
# $WORK/deploy.out. Environment (BOOKS_IMAGE, BOOKS_REPLICAS) is passed by the caller.
deploy() {
    local files=(-c "$COMPOSE_YAML" -c "$SWARM_AUTH" -c "$OVERRIDE") f rc=0
    for f in "$@"; do files+=(-c "$f"); done
    DEPLOYED=1
    BOOKS_IMAGE="${BOOKS_IMAGE:-$IMAGE_V1}" timeout 120 docker stack deploy --detach=true --resolve-image never \
        "${files[@]}" "$STACK" >"$WORK/deploy.out" 2>&1 || rc=$?
    sed 's/^/     | /' "$WORK/deploy.out"
    return "$rc"
}
# Running containers of a service.
containers() { docker ps -q --filter status=running --filter "label=com.docker.swarm.service.name=$1"; }
inspect() { docker inspect -f "$2" "$1" 2>/dev/null; }
health() { inspect "$1" '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}'; }
host_port() { inspect "$1" '{{with index .NetworkSettings.Ports "8080/tcp"}}{{(index . 0).HostPort}}{{end}}'; }
update_state() { docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$SVC"; }
spec_image() { docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "$SVC"; }
# healthy_replicas N [IMAGE]: N running tasks (desired running), each container healthy (and on IMAGE).
healthy_replicas() {
    local n=$1 image=${2:-} c count=0
    [ "$(docker service ps -q --filter desired-state=running "$SVC" | wc -l)" = "$n" ] || return 1
    for c in $(containers "$SVC"); do
        [ "$(health "$c")" = healthy ] || continue
        [ -z "$image" ] || [ "$(inspect "$c" '{{.Config.Image}}')" = "$image" ] || continue
        count=$((count + 1))
    done
    [ "$count" = "$n" ]
}
# http PORT METHOD PATH [curl args]: sets CODE and BODY.
CODE=""
BODY=""
http() {
    local port=$1 method=$2 path=$3
    shift 3
    BODY=$(curl -s --max-time 10 -X "$method" -w '\n%{http_code}' "$@" "http://127.0.0.1:$port$path") || true
    CODE=$(tail -n1 <<<"$BODY")
    BODY=$(sed '$d' <<<"$BODY")
    CODE=${CODE:-000}
}
# api_on_every_replica LABEL: GET /books/1 through every replica's host port.
api_on_every_replica() {
    local c port answers=""
    for c in $(containers "$SVC"); do
        port=$(host_port "$c")
        http "$port" GET /books/1
        answers+="$port:$CODE "
    done
    if [ "$(grep -o ':200' <<<"$answers" | wc -l)" = 3 ]; then pass "$1 GET /books/1 -> 200 on every replica (host ports $answers)"; else
        fail "$1 GET /books/1 on the replicas: $answers"; fi
}

# --- diagnostics and cleanup ----------------------------------------------------------------------------------
diagnostics() {
    log "diagnostics (a check failed)"
    docker service ls --filter "label=com.docker.stack.namespace=$STACK" || true
    docker service ps --no-trunc --format '{{.Name}} {{.Image}} {{.DesiredState}} {{.CurrentState}} {{.Error}}' "$SVC" "$PG_SVC" 2>/dev/null | head -20 || true
    timeout 20 docker service logs --no-task-ids --tail 4 "$SVC" 2>&1 | grep -v 'health/ready 200' | cut -c1-220 || true
}
stack_leftovers() {
    local filter="label=com.docker.stack.namespace=$STACK"
    docker service ls -q --filter "$filter" 2>/dev/null || true
    docker ps -aq --filter "$filter"
    docker network ls -q --filter "$filter"
    docker secret ls -q --filter "$filter" 2>/dev/null || true
}
stack_gone() { [ -z "$(stack_leftovers)" ]; }
cleanup() {
    local rc=$? left
    set +e
    if ((rc != 0 || FAILS > 0)) && ((DEPLOYED)); then diagnostics; fi
    if ((KEEP)); then
        log "--keep: left in place; remove with:"
        info "docker stack rm $STACK; docker volume rm ${STACK}_pgdata; docker rmi $IMAGE_V1 $IMAGE_ROLLED $IMAGE_BAD; rm -rf $WORK"
        ((SWARM_INIT)) && info "docker swarm leave --force   # this script initialised the swarm"
    else
        log "6. cleanup"
        if ((DEPLOYED)); then
            timeout 60 docker stack rm "$STACK" >/dev/null
            POLL=1 wait_until 90 stack_gone || fail "6 stack $STACK not gone within 90 s"
            docker volume rm "${STACK}_pgdata" >/dev/null 2>&1 ||
                { sleep 3; docker volume rm "${STACK}_pgdata" >/dev/null 2>&1; }
        fi
        if ((TAGGED)); then docker rmi "$IMAGE_V1" "$IMAGE_ROLLED" "$IMAGE_BAD" >/dev/null 2>&1; fi
        if ((SWARM_INIT)); then
            timeout 60 docker swarm leave --force >/dev/null
            ((GWBRIDGE_BEFORE)) || docker network rm docker_gwbridge >/dev/null 2>&1
        fi
        [ -n "$WORK" ] && rm -rf "$WORK"
        left=$(stack_leftovers | tr '\n' ' ')
        docker volume inspect "${STACK}_pgdata" >/dev/null 2>&1 && left+=" volume ${STACK}_pgdata"
        for image in "$IMAGE_V1" "$IMAGE_ROLLED" "$IMAGE_BAD"; do
            docker image inspect "$image" >/dev/null 2>&1 && left+=" image $image"
        done
        if ((SWARM_INIT)) && [ "$(docker info -f '{{.Swarm.LocalNodeState}}' 2>/dev/null)" != inactive ]; then left+=" swarm"; fi
        if [ -z "${left// /}" ]; then
            pass "6 cleanup: stack, volume, secret, network and image tags removed$( ((SWARM_INIT)) && echo ', swarm left')"
        else
            fail "6 cleanup: left behind: $left"
        fi
    fi
    figures
    finish "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- preflight ------------------------------------------------------------------------------------------------
log "preflight"
for tool in docker curl openssl timeout awk; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
if ! docker info >/dev/null 2>&1; then
    info "no Docker engine answers: starting one with $LIB/docker-env.sh up"
    "$LIB/docker-env.sh" up
fi
docker stack --help >/dev/null 2>&1 || die "this docker CLI has no 'docker stack'"
if ! docker image inspect "$POSTGRES_IMAGE" >/dev/null 2>&1; then
    [ "$POSTGRES_IMAGE" = localhost:5000/books-test/postgres:17 ] || die "image $POSTGRES_IMAGE is missing"
    info "building the PostgreSQL stand-in: $LIB/base-images.sh postgres"
    "$LIB/base-images.sh" postgres
fi
if ((BUILD)) || ! docker image inspect "$SOURCE_IMAGE" >/dev/null 2>&1; then
    [ "$SOURCE_IMAGE" = books:latest ] || die "image $SOURCE_IMAGE is missing (only books:latest is built here)"
    "$LIB/base-images.sh" jre-multi
    default_java_home
    log "building books:latest with Jib (base localhost:5000/books-test/jre:25-multi, JAVA_HOME=$JAVA_HOME)"
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests jib:dockerBuild \
        -Djib.from.image=localhost:5000/books-test/jre:25-multi -Djib.allowInsecureRegistries=true)
fi
info "docker CLI $(docker version -f '{{.Client.Version}}'), engine $(docker version -f '{{.Server.Version}}')"

swarm_state=$(docker info -f '{{.Swarm.LocalNodeState}}')
case "$swarm_state" in
    inactive)
        docker network inspect docker_gwbridge >/dev/null 2>&1 || GWBRIDGE_BEFORE=0
        timeout 60 docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null ||
            die "docker swarm init failed"
        SWARM_INIT=1
        info "initialised a single-node swarm (advertise and listen on 127.0.0.1); it is left at the end"
        ;;
    active)
        [ "$(docker info -f '{{.Swarm.ControlAvailable}}')" = true ] || die "this node is in a swarm but not a manager"
        info "the engine is already a swarm manager: using that swarm (it stays)"
        ;;
    *) die "swarm state '$swarm_state': neither inactive nor active" ;;
esac
if [ -n "$(stack_leftovers)" ]; then
    info "removing the leftovers of an earlier run of stack $STACK"
    docker stack rm "$STACK" >/dev/null 2>&1 || true
    POLL=1 wait_until 90 stack_gone || die "leftovers of stack $STACK do not go away"
fi
docker volume rm "${STACK}_pgdata" >/dev/null 2>&1 || true

WORK=$(mktemp -d "/tmp/$STACK.XXXXXX")
openssl rand -hex 32 >"$WORK/db_password.txt"
chmod 0644 "$WORK/db_password.txt"
export BOOKS_SWARM_SECRET_FILE="$WORK/db_password.txt"
# The tokens file as secrets/README.md makes it; swarm.auth.yaml reads it from BOOKS_TOKENS_FILE.
openssl rand -hex 32 >"$WORK/api_tokens.txt"
chmod 0644 "$WORK/api_tokens.txt"
export BOOKS_TOKENS_FILE="$WORK/api_tokens.txt"
TOKEN=$(cat "$BOOKS_TOKENS_FILE")
docker tag "$SOURCE_IMAGE" "$IMAGE_V1"
docker tag "$SOURCE_IMAGE" "$IMAGE_ROLLED"
# The unhealthy variant: the same image with SERVER_PORT=9999 in its configuration. The service then listens
# on 9999 while compose.yaml's health check asks http://localhost:8080/observe/health/ready: never healthy.
cid=$(docker create "$SOURCE_IMAGE")
docker commit --change 'ENV SERVER_PORT=9999' "$cid" "$IMAGE_BAD" >/dev/null
docker rm "$cid" >/dev/null
TAGGED=1
info "stack $STACK; images $IMAGE_V1 = $IMAGE_ROLLED = $SOURCE_IMAGE ($(docker image inspect -f '{{.Id}}' "$SOURCE_IMAGE" | cut -c1-19)), $IMAGE_BAD, $POSTGRES_IMAGE"

# --- 0. the file loads in docker stack --------------------------------------------------------------------------
log "0. docker stack config: compose.yaml alone, and with the test override"
if env -u BOOKS_PORT docker stack config -c "$COMPOSE_YAML" >"$WORK/config-alone.yaml" 2>"$WORK/config.err"; then
    pass "0 compose.yaml alone loads in docker stack (what a real swarm deploys)"
else
    fail "0 compose.yaml is rejected by docker stack: $(tr '\n' ' ' <"$WORK/config.err")"
    # docker stack does not say which key it forbids; these are the ones its loader refuses (cli/compose/loader).
    grep -nE '^\s+(mem_limit|memswap_limit|cpu_quota|cpu_shares|cpuset|extends|volume_driver|volumes_from):' "$COMPOSE_YAML" |
        sed 's/^/     forbidden by docker stack (use deploy.resources etc.): compose.yaml:/' || true
fi
if docker stack config -c "$COMPOSE_YAML" -c "$OVERRIDE" >"$WORK/config.yaml" 2>"$WORK/config.err"; then
    pass "0 compose.yaml + swarm-override.yaml load in docker stack"
else
    die "0 compose.yaml + override rejected by docker stack: $(tr '\n' ' ' <"$WORK/config.err")"
fi

# --- 1. deploy without the database -------------------------------------------------------------------------------
log "1. deploy with the database held back (postgres replicas 0): Swarm ignores depends_on"
printf '# swarm-test.sh, first deploy only: the database comes later.\nservices:\n  postgres:\n    deploy:\n      replicas: 0\n' \
    >"$WORK/no-database.yaml"
t1=$(date +%s)
deploy "$WORK/no-database.yaml" || die "1 docker stack deploy failed"
pass "1 docker stack deploy accepted the stack (services $(docker service ls -q --filter "label=com.docker.stack.namespace=$STACK" | wc -l))"
warnings=$(grep -iE 'ignor|unsupported|warn' "$WORK/deploy.out" | tr '\n' ' ' || true)
info "Swarm's warnings: ${warnings:-none}"
SUMMARY+=("docker stack deploy says: ${warnings:-nothing}")
spec() { docker service inspect -f "$1" "$SVC"; }
check "1 spec: endpoint mode dnsrr, port 8080 published in host mode (test override)" \
    test "$(spec '{{.Spec.EndpointSpec.Mode}} {{range .Spec.EndpointSpec.Ports}}{{.TargetPort}}/{{.PublishMode}}{{end}}')" = "dnsrr 8080/host"
check "1 spec: limits 512 MiB and 1 CPU" \
    test "$(spec '{{.Spec.TaskTemplate.Resources.Limits.MemoryBytes}} {{.Spec.TaskTemplate.Resources.Limits.NanoCPUs}}')" = "536870912 1000000000"
check "1 spec: read-only root, all capabilities dropped, secrets db_password and books_api_tokens, stop grace 20 s" \
    test "$(spec '{{.Spec.TaskTemplate.ContainerSpec.ReadOnly}} {{.Spec.TaskTemplate.ContainerSpec.CapabilityDrop}} {{range .Spec.TaskTemplate.ContainerSpec.Secrets}}{{.File.Name}} {{end}}{{.Spec.TaskTemplate.ContainerSpec.StopGracePeriod}}')" = "true [ALL] db_password books_api_tokens 20s"
env_spec=$(spec '{{json .Spec.TaskTemplate.ContainerSpec.Env}}')
check "1 spec: write protection fails closed (BOOKS_AUTH_REQUIRED=true, BOOKS_AUTH_TOKENS_FILE=/run/secrets/books_api_tokens)" \
    bash -c 'grep -q "\"BOOKS_AUTH_REQUIRED=true\"" <<<"$1" && grep -q "\"BOOKS_AUTH_TOKENS_FILE=/run/secrets/books_api_tokens\"" <<<"$1"' _ "$env_spec"
tmp_mount=$(spec '{{range .Spec.TaskTemplate.ContainerSpec.Mounts}}{{.Type}}:{{.Target}} {{end}}')
check "1 spec: a writable /tmp on the read-only root (tmpfs mount; mounts: ${tmp_mount:-none})" grep -q 'tmpfs:/tmp' <<<"$tmp_mount"
check "1 spec: update start-first, parallelism 1, delay 5 s, monitor 30 s, failure action rollback; rollback start-first" \
    test "$(spec '{{with .Spec.UpdateConfig}}{{.Order}} {{.Parallelism}} {{.Delay}} {{.Monitor}} {{.FailureAction}}{{end}} {{.Spec.RollbackConfig.Order}}')" = "start-first 1 5s 30s rollback start-first"
check "1 spec: restart policy is Swarm's default (any), health check as in compose.yaml" \
    test "$(spec '{{.Spec.TaskTemplate.RestartPolicy.Condition}} {{.Spec.TaskTemplate.ContainerSpec.Healthcheck.Interval}}')" = "any 10s"
info "not applied by Swarm (engine $(docker version -f '{{.Server.Version}}')): restart (Swarm has its restart policy), security_opt no-new-privileges (NoNewPrivileges=$(spec '{{.Spec.TaskTemplate.ContainerSpec.Privileges.NoNewPrivileges}}')), depends_on"

first_container() { containers "$SVC" | head -1 | grep .; }
POLL=1 wait_until 120 first_container >/dev/null || die "1 no books container running within 120 s"
B1=$(first_container)
B1_PORT=$(host_port "$B1")
retry_logged() { docker logs "$B1" 2>&1 | grep -q 'Database not reachable, will retry'; }
answering() { http "$B1_PORT" GET /observe/health/live; [ "$CODE" = 200 ]; }
if POLL=1 wait_until 90 answering && POLL=1 wait_until 30 retry_logged; then
    pass "1 books started without a database: liveness 200 on host port $B1_PORT; log: $(docker logs "$B1" 2>&1 | grep -m1 'Database not reachable' | sed -E 's/^.* WARN(ING)? //' | cut -c1-150)"
else
    fail "1 books did not start cleanly without its database (liveness $CODE)"
fi
http "$B1_PORT" GET /observe/health/ready
check "1 readiness 503 while the database is missing; container health '$(health "$B1")' (not healthy, not failed)" \
    test "$CODE" = 503 -a "$(health "$B1")" = starting
http "$B1_PORT" GET /books
check "1 GET /books -> 503 (JSON, Retry-After) while the database is missing" test "$CODE" = 503

# --- 2. the database arrives ---------------------------------------------------------------------------------------
log "2. deploy again without the extra file: the database starts; the waiting books task needs nothing else"
B1_STARTED=$(inspect "$B1" '{{.State.StartedAt}}')
deploy || die "2 docker stack deploy failed"
pg_healthy() { local c; c=$(containers "$PG_SVC" | head -1); [ -n "$c" ] && [ "$(health "$c")" = healthy ]; }
if POLL=2 wait_until 120 pg_healthy; then pass "2 PostgreSQL healthy"; else die "2 PostgreSQL not healthy within 120 s"; fi
b1_healthy() { [ "$(health "$B1")" = healthy ]; }
if POLL=2 wait_until 90 b1_healthy; then pass "2 the same books container turned healthy by itself"; else fail "2 books container $B1 not healthy within 90 s ($(health "$B1"))"; fi
check "2 and it was not restarted (same container, same start time, running)" \
    test "$(inspect "$B1" '{{.State.StartedAt}} {{.State.Status}}')" = "$B1_STARTED running"
check "2 its log: 'Database not reachable, will retry' ... then 'Database schema is up to date'" \
    grep -q 'Database schema is up to date' <<<"$(docker logs "$B1" 2>&1 | sed -n '/Database not reachable/,$p')"
http "$B1_PORT" GET /books/1
check "2 GET /books/1 -> 200 1984 through host port $B1_PORT" grep -q '"title":"1984"' <<<"$CODE $BODY"
SUMMARY+=("without database: the books task started, waited (readiness 503), became healthy $(($(date +%s) - t1)) s after the first deploy, never restarted")

# --- 3. three replicas -------------------------------------------------------------------------------------------------
log "3. BOOKS_REPLICAS=3"
t3=$(date +%s)
BOOKS_REPLICAS=3 deploy || die "3 docker stack deploy failed"
if POLL=2 wait_until 180 healthy_replicas 3; then
    pass "3 three replicas running and healthy after $(($(date +%s) - t3)) s ($(docker service ls --filter "name=$SVC" --format '{{.Replicas}}'))"
else
    die "3 not three healthy replicas within 180 s"
fi
SUMMARY+=("scale 1 -> 3: healthy after $(($(date +%s) - t3)) s")
pg=$(containers "$PG_SVC" | head -1)
resolved=$(docker exec "$pg" getent ahostsv4 books | awk '{print $1}' | sort -u | tr '\n' ' ')
task_ips=$(for c in $(containers "$SVC"); do inspect "$c" '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{"\n"}}{{end}}' | grep -v '^$'; done | sort -u | tr '\n' ' ')
overlay_ips=$(for c in $(containers "$SVC"); do inspect "$c" "{{with index .NetworkSettings.Networks \"${STACK}_default\"}}{{.IPAddress}}{{end}}"; echo; done | grep . | sort -u | tr '\n' ' ')
info "'books' resolves to: $resolved(task addresses on ${STACK}_default: $overlay_ips; all: $task_ips)"
check "3 dnsrr: the name 'books' resolves to the three task addresses" test -n "$resolved" -a "$resolved" = "$overlay_ips"
api_on_every_replica "3"
ports=()
for c in $(containers "$SVC"); do ports+=("$(host_port "$c")"); done
refused=""
for port in "${ports[@]}"; do
    http "$port" POST /books -H 'Content-Type: application/json' -d '{"title": "Open", "author": "Nobody", "year": 2000}'
    refused+="$port:$CODE "
done
check "3 a write without a token is refused with 401 on every replica ($refused)" \
    test "$(grep -o ':401' <<<"$refused" | wc -l)" = 3
http "${ports[0]}" POST /books -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    -d '{"title": "Dune", "author": "Frank Herbert", "year": 1965}'
NEW_ID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' <<<"$BODY")
check "3 POST /books with the token through replica 1 -> 201 (id ${NEW_ID:-none})" test "$CODE" = 201 -a -n "$NEW_ID"
http "${ports[1]}" GET "/books/$NEW_ID"
seen2="$CODE"
http "${ports[2]}" DELETE "/books/$NEW_ID" -H "Authorization: Bearer $TOKEN"
check "3 one database: replica 2 reads it ($seen2), replica 3 deletes it ($CODE)" test "$seen2 $CODE" = "200 204"

# --- 4. roll to a new tag ----------------------------------------------------------------------------------------------
# watch_update SECONDS FINAL...: polls UpdateStatus every second until one of the FINAL states (bounded);
# prints the transitions with their time; counts the most running containers seen at once (MAX_RUNNING).
MAX_RUNNING=0
watch_update() {
    local timeout=$1 start state prev="" n
    shift
    start=$(date +%s)
    MAX_RUNNING=0
    while (($(date +%s) - start < timeout)); do
        state=$(update_state)
        if [ "$state" != "$prev" ]; then
            info "$(($(date +%s) - start)) s: ${state:-no update status} $(docker service inspect -f '{{if .UpdateStatus}}{{.UpdateStatus.Message}}{{end}}' "$SVC")"
            prev=$state
        fi
        n=$(containers "$SVC" | wc -l)
        ((n > MAX_RUNNING)) && MAX_RUNNING=$n
        for final in "$@"; do [ "$state" = "$final" ] && return 0; done
        sleep 1
    done
    return 1
}
log "4. roll to $IMAGE_ROLLED (BOOKS_IMAGE=$IMAGE_ROLLED docker stack deploy ...)"
before=$(containers "$SVC" | sort | tr '\n' ' ')
t4=$(date +%s)
BOOKS_REPLICAS=3 BOOKS_IMAGE="$IMAGE_ROLLED" deploy || die "4 docker stack deploy failed"
if watch_update 300 completed; then
    pass "4 the update converged: UpdateStatus completed after $(($(date +%s) - t4)) s"
else
    fail "4 the update did not complete within 300 s (state $(update_state))"
fi
SUMMARY+=("roll to a new tag (3 replicas, delay 5 s, monitor 30 s): completed after $(($(date +%s) - t4)) s")
check "4 spec image $(spec_image)" test "$(spec_image)" = "$IMAGE_ROLLED"
if POLL=2 wait_until 60 healthy_replicas 3 "$IMAGE_ROLLED"; then pass "4 three healthy replicas on $IMAGE_ROLLED"; else fail "4 not three healthy replicas on $IMAGE_ROLLED"; fi
# start-first, per slot: the new container started before the old one stopped.
slots=""
order_ok=0
for c in $before; do
    slot=$(inspect "$c" '{{index .Config.Labels "com.docker.swarm.task.name"}}' | cut -d. -f2)
    old_end=$(inspect "$c" '{{.State.FinishedAt}}')
    new=""
    for n in $(containers "$SVC"); do
        [ "$(inspect "$n" '{{index .Config.Labels "com.docker.swarm.task.name"}}' | cut -d. -f2)" = "$slot" ] && new=$n
    done
    [ -n "$new" ] || continue
    new_start=$(inspect "$new" '{{.State.StartedAt}}')
    overlap=$((($(to_ns "$old_end") - $(to_ns "$new_start")) / 1000000))
    slots+="slot $slot: ${overlap} ms; "
    ((overlap > 0)) && order_ok=$((order_ok + 1))
done
info "old container stopped after the new one started, by: $slots(most containers running at once: $MAX_RUNNING)"
check "4 start-first honoured: in all 3 slots the new container started before the old one stopped" test "$order_ok" = 3
api_on_every_replica "4"

# --- 5. roll to an unhealthy image: automatic rollback -------------------------------------------------------------------
log "5. roll to $IMAGE_BAD (listens on 9999, health check asks 8080): Swarm must roll back by itself"
before=$(containers "$SVC" | sort | tr '\n' ' ')
t5=$(date +%s)
BOOKS_REPLICAS=3 BOOKS_IMAGE="$IMAGE_BAD" deploy || die "5 docker stack deploy failed"
if watch_update 300 rollback_completed rollback_paused paused completed; then :; fi
state=$(update_state)
check "5 UpdateStatus rollback_completed after $(($(date +%s) - t5)) s (is: $state)" test "$state" = rollback_completed
SUMMARY+=("roll to an unhealthy image: $state after $(($(date +%s) - t5)) s")
err=""
for t in $(docker service ps -q --no-trunc "$SVC"); do
    if [ "$(docker inspect -f '{{.Spec.ContainerSpec.Image}} {{.Status.State}}' "$t")" = "$IMAGE_BAD failed" ]; then
        err=$(docker inspect -f '{{.Status.State}}: {{.Status.Err}}' "$t")
        break
    fi
done
check "5 the new task failed its health check ($err)" grep -q 'unhealthy container' <<<"$err"
check "5 spec image back to $(spec_image)" test "$(spec_image)" = "$IMAGE_ROLLED"
if POLL=2 wait_until 90 healthy_replicas 3 "$IMAGE_ROLLED"; then pass "5 three healthy replicas on $IMAGE_ROLLED"; else fail "5 not three healthy replicas after the rollback"; fi
check "5 the replicas that served before the failed update were never stopped (same containers)" \
    test "$(containers "$SVC" | sort | tr '\n' ' ')" = "$before"
api_on_every_replica "5"
