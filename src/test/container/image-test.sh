#!/usr/bin/env bash
# image-test.sh - prove the Jib container image of books on a real Docker engine.
#
# From nothing (a new Debian machine with a JDK 21+, root, no registry on the internet):
#   1. lib/docker-env.sh up + lib/base-images.sh all: Docker engine, registry on 127.0.0.1:5000 and
#      the test-only shell-less JRE 25 base images (see lib/README.md); jq and curl if missing.
#   2. ./mvnw -B package -DskipTests jib:dockerBuild with only the base overridden (the multi-arch
#      stand-in; Jib picks the engine's platform) -> books:latest (and no other tag) in the engine;
#      image config: user, port, JVM flags, labels, creation time; no Dockerfile in the tree.
#      Bare goals after that package: ./mvnw jib:dockerBuild and ./mvnw jib:buildTar (no lifecycle)
#      build the same application layers, labelled revision=unknown; before any package, a bare goal
#      stops with Jib's message to compile first.
#   3. runs it (127.0.0.1:$BOOKS_TEST_PORT), waits for the health probe, drives the API with curl
#      (create, read, partial update, delete, 404), checks the uid of the process, that there is no shell.
#   4. the probe: healthy, 404, closed port, a server that never answers, a stopping service; each < 5 s.
#   5. memory: a container with --memory 256m gets a heap of ~75 % of it.
#   6. docker stop: < 8 s, exit 0/143, "Stopped" in the log.
#   7. .github/scripts/publish-image.sh (jib:build, amd64 + arm64) twice - in this tree and in a fresh
#      copy - must give the same digest; the manifest list names linux/amd64 and linux/arm64;
#      jib:buildTar gives a tar that `docker load` accepts, the same image as jib:dockerBuild.
#   8. layers: prints base/dependencies/resources/classes/jvm-arg-file layers with their sizes; after a
#      code-only change exactly one layer (classes) differs and it is small.
#   9. pushes and credentials: the README's push command (jib:build -Djib.to.image=...:TAG) pushes TAG and
#      neither latest nor the version; publish-image.sh refuses `latest` outside the publish workflow;
#      with GITHUB_TOKEN/GITHUB_ACTOR set, a push to a registry with htpasswd auth (a second registry
#      behind a socat recorder) sends no Authorization header and fails 401; the same push with those
#      values as explicit credentials (what the old ghcr-auth profile did) is seen on the wire (the
#      recorder works); after `docker login` to that registry the push succeeds with those credentials.
#  10. release version: VERSION=X publish-image.sh (publish.yml on a vX tag) labels both platform images
#      version X, and the SBOM command with -Drevision=X names X.
#  11. removes every container, tag, pushed manifest, process and temp dir it made (also on failure);
#      leaves dockerd, the registry and books:latest in place.
#
# Usage:  bash src/test/container/image-test.sh        (as root; ~7 min warm)
# Environment (optional):
#   BOOKS_TEST_PORT          host port for the service container (default 18080, bound to 127.0.0.1)
#   BOOKS_TEST_AUTH_PORT     port of the recorder in front of the auth registry (default 15080; the registry
#                            itself listens on the next port), both on 127.0.0.1
#   BOOKS_TEST_START_TIMEOUT seconds to wait for the container to become healthy (default 90)
#   BOOKS_TEST_MVN_TIMEOUT   bound of each Maven run in seconds (default 900)
#   JAVA_HOME                JDK 21+ for Maven (default: first JDK 21+ under /usr/lib/jvm)
#   BOOKS_TEST_KEEP_TMP=1    keep the temp dir (Maven logs, the tree copy) for debugging

# jq/awk programs and the conditions passed to `check ... eval '...'` are single-quoted on purpose: they
# expand their variables themselves, when they run (no re-parsing of values such as response bodies).
# shellcheck disable=SC2016
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LIB="$HERE/lib"
HARNESS_TAG=image-test
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"

PORT="${BOOKS_TEST_PORT:-18080}"
START_TIMEOUT="${BOOKS_TEST_START_TIMEOUT:-90}"
MVN_TIMEOUT="${BOOKS_TEST_MVN_TIMEOUT:-900}"
REGISTRY=localhost:5000
REGISTRY_HTTP=http://127.0.0.1:5000
BASE_DOCKER="docker://$REGISTRY/books-test/jre:25"   # linux/amd64 only, from the engine (jib:buildTar)
BASE_MULTI="$REGISTRY/books-test/jre:25-multi"        # manifest list amd64 + arm64, from the registry
PUSH_REPO=books-ci/image-test                         # repository in the local registry
LOCAL_IMAGE=books                                     # the pom's default <to><image>
PROBE_CLASS=dev.books.probe.HealthProbe
READY_URL=http://localhost:8080/observe/health/ready
RUN_ID="$(date +%Y%m%d%H%M%S)-$$"
NAME="books-ci-imgtest-$$"                            # prefix of container names and tar image
ML_ACCEPT='application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json'
M_ACCEPT='application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json'

CONTAINERS=()   # containers to remove
TAGS=()         # image tags to remove (never books:latest)
PUSHED_TAGS=()  # "REPO:TAG" pushed (or attempted) to the local registry
PIDS=()         # processes started here (auth registry, recorder)
PUBLISHED=""    # digest reported by the last publish
TMP=""
TIMES=()
PREV_ID=""      # books:latest before this run's build

# check DESCRIPTION COMMAND... -> PASS/FAIL on the command's status: the harness's check, with the command's
# stdout discarded.
check() {
    local what="$1"
    shift
    if "$@" >/dev/null; then pass "$what"; else fail "$what"; fi
}
# logs_have CONTAINER REGEX (no pipe into grep -q: with pipefail an early exit of grep reads as a failure)
logs_have() {
    local l
    l="$(docker logs "$1" 2>&1)"
    grep -Eq -- "$2" <<<"$l"
}
phase_time() { TIMES+=("$(printf '%-44s %4ss' "$1" "$2")"); }

cleanup() {
    local rc=$? c t d p child digests=()
    set +e
    for c in "${CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
    for t in "${TAGS[@]}"; do
        [[ "$t" == "$LOCAL_IMAGE:latest" ]] || docker rmi "$t" >/dev/null 2>&1
    done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    # Pushed manifests: the platform manifests first, then the list (deleting by digest drops its tags).
    for t in "${PUSHED_TAGS[@]}"; do
        d="$(curl -fsS -m 10 -I -H "Accept: $ML_ACCEPT" "$REGISTRY_HTTP/v2/${t%%:*}/manifests/${t#*:}" 2>/dev/null \
            | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p')"
        [[ -n "$d" ]] && digests+=("${t%%:*}@$d")
    done
    for d in "${digests[@]}"; do
        for child in $(curl -fsS -m 10 -H "Accept: $ML_ACCEPT" "$REGISTRY_HTTP/v2/${d%%@*}/manifests/${d#*@}" 2>/dev/null \
            | jq -r '.manifests[]?.digest' 2>/dev/null); do
            curl -fsS -m 10 -o /dev/null -X DELETE "$REGISTRY_HTTP/v2/${d%%@*}/manifests/$child" 2>/dev/null
        done
        curl -fsS -m 10 -o /dev/null -X DELETE "$REGISTRY_HTTP/v2/${d%%@*}/manifests/${d#*@}" 2>/dev/null
    done
    # The books:latest this run replaced, if nothing refers to it any more (no tag; no container, or rmi fails).
    if [[ -n "$PREV_ID" && "$PREV_ID" != "$(docker image inspect -f '{{.Id}}' "$LOCAL_IMAGE:latest" 2>/dev/null)" \
        && "$(docker image inspect -f '{{len .RepoTags}}' "$PREV_ID" 2>/dev/null)" == 0 ]]; then
        docker rmi "$PREV_ID" >/dev/null 2>&1
    fi
    if [[ -n "$TMP" && -d "$TMP" ]]; then
        if [[ "${BOOKS_TEST_KEEP_TMP:-}" == 1 ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
    fi
    echo
    echo "=== timings"
    for t in "${TIMES[@]}"; do echo "  $t"; done
    echo "  total                                        ${SECONDS}s"
    echo "=== summary: ${PASSES} passed, ${#FAILED[@]} failed"
    for t in "${FAILED[@]}"; do echo "  FAILED: $t"; done
    if ((${#FAILED[@]} > 0)); then
        echo "IMAGE TEST FAILED"
        exit 1
    fi
    if ((rc != 0)); then
        echo "IMAGE TEST FAILED (exit $rc)"
        exit "$rc"
    fi
    echo "IMAGE TEST PASSED"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers --------------------------------------------------------------------------------------------------

ensure_tools() {
    local missing=() t
    for t in jq curl socat; do command -v "$t" >/dev/null || missing+=("$t"); done
    command -v htpasswd >/dev/null || missing+=(apache2-utils)
    ((${#missing[@]} == 0)) && return 0
    info "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
}

# mvn LOG DIR ARGS...: ./mvnw in DIR, output to LOG; on failure show its tail.
mvn() {
    local logf="$1" dir="$2" attempt
    shift 2
    info "(cd $dir && ./mvnw $*)   log: $logf"
    for attempt in 1 2; do
        if (cd "$dir" && timeout "$MVN_TIMEOUT" ./mvnw "$@") >"$logf" 2>&1; then
            return 0
        fi
        # A connection to the local registry dropped while Jib read the base image (seen once in a CI run:
        # "I/O error for image [localhost:5000/books-test/jre]: Socket closed") is this machine, not the build:
        # one more try, said in the output. Any other failure counts at once.
        if ((attempt == 1)) && grep -q '^\[ERROR\] I/O error for image' "$logf"; then
            info "Jib lost its connection, trying once more: $(grep -m1 -A2 'I/O error for image' "$logf" | tr -s '\n ' ' ')"
            continue
        fi
        break
    done
    tail -n 40 "$logf" | grep -v '^WARNING' || true
    return 1
}

# publish DIR TAG LOG [VERSION]: .github/scripts/publish-image.sh of DIR (the publish workflow's command)
# against the local registry with the multi-arch test base; sets PUBLISHED to the digest it reported.
publish() {
    local dir="$1" tag="$2" logf="$3" version="${4:-}" digest
    PUBLISHED=""
    PUSHED_TAGS+=("$PUSH_REPO:$tag")
    info "IMAGE=$REGISTRY/$PUSH_REPO TAGS=$tag VERSION=$version .github/scripts/publish-image.sh" \
        "-Djib.from.image=$BASE_MULTI -Djib.allowInsecureRegistries=true   (in $dir, log: $logf)"
    if ! (cd "$dir" && IMAGE="$REGISTRY/$PUSH_REPO" TAGS="$tag" VERSION="$version" timeout "$MVN_TIMEOUT" \
        .github/scripts/publish-image.sh "-Djib.from.image=$BASE_MULTI" -Djib.allowInsecureRegistries=true) \
        >"$logf" 2>&1; then
        tail -n 40 "$logf" | grep -v '^WARNING' >&2 || true
        return 1
    fi
    digest="$(sed -n 's/^digest=//p' "$logf" | tail -n 1)"
    [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || return 1
    PUBLISHED="$digest"
}

reg() { curl -fsS -m 30 -H "Accept: $1" "$REGISTRY_HTTP/v2/$2"; }
# platform_manifest REPO REF ARCH -> digest of the linux/ARCH manifest in the list REPO:REF
platform_manifest() {
    reg "$ML_ACCEPT" "$1/manifests/$2" \
        | jq -r --arg a "$3" '.manifests[] | select(.platform.os == "linux" and .platform.architecture == $a) | .digest'
}
# layers REPO MANIFEST-DIGEST BASE-LAYER-COUNT -> lines "kind<TAB>label<TAB>digest<TAB>compressed size"
layers() {
    local repo="$1" m="$2" nbase="$3" manifest config
    manifest="$(reg "$M_ACCEPT" "$repo/manifests/$m")"
    config="$(reg '*/*' "$repo/blobs/$(jq -r .config.digest <<<"$manifest")")"
    jq -r --argjson cfg "$config" --argjson nbase "$nbase" '
        ([$cfg.history[] | select(.empty_layer != true) | .comment // "base"]) as $labels
        | .layers | to_entries[]
        | [(if .key < $nbase then "base" else "app" end),
           (if .key < $nbase then "base" else ($labels[.key] // "?") end),
           .value.digest, (.value.size | tostring)] | @tsv' <<<"$manifest"
}
human() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }

probe() { # probe CONTAINER URL [extra java args before -cp] -> runs the health probe inside the container
    local c="$1" url="$2"
    shift 2
    timeout 15 docker exec "$c" java "$@" -cp /app/classes "$PROBE_CLASS" "$url"
}

# wait_healthy CONTAINER: bounded wait until the in-container probe says HEALTHY.
wait_healthy() {
    local c="$1" deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if [[ "$(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null)" != true ]]; then
            docker logs --tail 40 "$c" 2>&1 || true
            return 1
        fi
        probe "$c" "$READY_URL" >/dev/null 2>&1 && return 0
        sleep 1
    done
    docker logs --tail 40 "$c" 2>&1 || true
    return 1
}

# http METHOD PATH [JSON]: curl against the published port; sets CODE, BODY, HDRS.
http() {
    local method="$1" path="$2" data="${3:-}" args=(-sS -m 10 -X "$1" -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}')
    [[ -n "$data" ]] && args+=(-H 'Content-Type: application/json' --data "$data")
    CODE="$(curl "${args[@]}" "http://127.0.0.1:$PORT$path" 2>"$TMP/curl.err" || true)"
    BODY="$(cat "$TMP/body" 2>/dev/null || true)"
    HDRS="$(tr -d '\r' <"$TMP/headers" 2>/dev/null || true)"
    info "$method $path -> $CODE ${BODY:0:160}"
}

# --- 0. environment -------------------------------------------------------------------------------------------
log "environment (tree: $ROOT, run $RUN_ID)"
t0=$SECONDS
[[ "$(id -u)" -eq 0 ]] || die "must run as root (installs packages, starts dockerd)"
JAVA_HOME="$(pick_jdk)" || die "no JDK 21+ found (set JAVA_HOME)"
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
info "JAVA_HOME=$JAVA_HOME"
ensure_tools || die "could not install jq/curl/socat/apache2-utils"
timeout 600 bash "$LIB/docker-env.sh" up || die "lib/docker-env.sh up"
timeout 1800 bash "$LIB/base-images.sh" all >/dev/null || die "lib/base-images.sh all"
docker image inspect "${BASE_DOCKER#docker://}" >/dev/null 2>&1 || die "base ${BASE_DOCKER#docker://} not in the engine"
if ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .; then
    die "port $PORT is in use; set BOOKS_TEST_PORT to a free port"
fi
TMP="$(mktemp -d /tmp/books-image-test.XXXXXX)"
REVISION="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null)" || die "$ROOT is not a git checkout (the image is labelled from git)"
COMMIT_TIME="$(TZ=UTC0 git -C "$ROOT" log -1 --date='format-local:%Y-%m-%dT%H:%M:%SZ' --format=%cd)"
info "HEAD $REVISION, committed $COMMIT_TIME"
phase_time "environment (docker, registry, base images)" $((SECONDS - t0))

# --- 1. jib:dockerBuild ---------------------------------------------------------------------------------------
log "jib:dockerBuild"
t0=$SECONDS
dockerfiles="$(cd "$ROOT" && find . \( -path ./target -o -path ./.git -o -name node_modules \) -prune -o \
    -type f \( -iname 'Dockerfile*' -o -iname 'Containerfile*' -o -iname '*.dockerfile' \) -print)"
check "no Dockerfile/Containerfile in the tree" test -z "$dockerfiles"
VERSION="$(cd "$ROOT" && timeout 300 ./mvnw -B -q help:evaluate -Dexpression=project.version -DforceStdout 2>/dev/null \
    | tail -n 1)"
[[ "$VERSION" =~ ^[0-9A-Za-z._-]+$ ]] || die "could not read project.version (got '$VERSION')"
PREV_ID="$(docker image inspect -f '{{.Id}}' "$LOCAL_IMAGE:latest" 2>/dev/null || true)"
# Only the base is overridden: the multi-arch stand-in in the local registry, so the pom's two platforms
# stay and Jib picks the engine's one, as with the real distroless base.
mvn "$TMP/dockerBuild.log" "$ROOT" -B package -DskipTests jib:dockerBuild \
    "-Djib.from.image=$BASE_MULTI" -Djib.allowInsecureRegistries=true \
    || die "./mvnw -B package -DskipTests jib:dockerBuild"
IMAGE_ID="$(docker image inspect -f '{{.Id}}' "$LOCAL_IMAGE:latest" 2>/dev/null)" || die "$LOCAL_IMAGE:latest not in the engine"
pass "jib:dockerBuild made $LOCAL_IMAGE:latest ($IMAGE_ID)"
ENGINE_ARCH="$(docker version -f '{{.Server.Arch}}')"
check "image platform = the engine's (linux/$ENGINE_ARCH)" \
    test "$(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$LOCAL_IMAGE:latest")" == "linux/$ENGINE_ARCH"
check "target/jib-image.json names the image ID and the one tag latest (the pom adds no tags)" \
    jq -e --arg id "$IMAGE_ID" '.imageId == $id and .tags == ["latest"]' "$ROOT/target/jib-image.json"
phase_time "jib:dockerBuild" $((SECONDS - t0))

# --- 2. image configuration -----------------------------------------------------------------------------------
log "image configuration ($LOCAL_IMAGE:latest)"
CFG="$(docker image inspect "$LOCAL_IMAGE:latest" | jq '.[0]')"
jq -c '{Created, User: .Config.User, ExposedPorts: .Config.ExposedPorts, Entrypoint: .Config.Entrypoint,
    Env: .Config.Env, Size}' <<<"$CFG"
jq -r '.Config.Labels | to_entries[] | "      label \(.key)=\(.value)"' <<<"$CFG"
check "user is numeric non-root 65532:65532" test "$(jq -r .Config.User <<<"$CFG")" == "65532:65532"
check "ExposedPorts has 8080/tcp" jq -e '.Config.ExposedPorts | has("8080/tcp")' <<<"$CFG"
for flag in -XX:MaxRAMPercentage= -XX:+ExitOnOutOfMemoryError; do
    check "entrypoint carries $flag" jq -e --arg f "$flag" '[.Config.Entrypoint[] | startswith($f)] | any' <<<"$CFG"
done
check "no JAVA_TOOL_OPTIONS/JDK_JAVA_OPTIONS/_JAVA_OPTIONS in Env (nothing leaks into the probe JVM)" \
    jq -e '[.Config.Env[]? | test("^(JAVA_TOOL_OPTIONS|JDK_JAVA_OPTIONS|_JAVA_OPTIONS)=")] | any | not' <<<"$CFG"
for l in source revision version title description licenses; do
    check "label org.opencontainers.image.$l present" \
        jq -e --arg k "org.opencontainers.image.$l" '(.Config.Labels[$k] // "") | length > 0' <<<"$CFG"
done
check "label revision = git rev-parse HEAD ($REVISION)" \
    test "$(jq -r '.Config.Labels["org.opencontainers.image.revision"]' <<<"$CFG")" == "$REVISION"
check "label version = project version ($VERSION)" \
    test "$(jq -r '.Config.Labels["org.opencontainers.image.version"]' <<<"$CFG")" == "$VERSION"
check "image creation time = commit time ($COMMIT_TIME)" test "$(jq -r .Created <<<"$CFG")" == "$COMMIT_TIME"
# JVM flags of the entrypoint (everything between "java" and "-cp"), reused for the memory check.
mapfile -t JVM_FLAGS < <(jq -r '.Config.Entrypoint as $e | ($e | index("-cp")) as $i | $e[1:$i][]' <<<"$CFG")
info "entrypoint JVM flags: ${JVM_FLAGS[*]}"

# --- 2b. bare goals after the package ----------------------------------------------------------------------------
# No lifecycle phase runs, so neither does git-commit-id: the image gets the pom's fixed revision and time, and
# otherwise the same application as the lifecycle build above (same layers, same version label).
log "bare goals after ./mvnw package: ./mvnw jib:dockerBuild, ./mvnw jib:buildTar"
t0=$SECONDS
BARE_IMAGE="$NAME-bare:$RUN_ID"
TAGS+=("$BARE_IMAGE")
mvn "$TMP/bare-dockerBuild.log" "$ROOT" -B jib:dockerBuild "-Djib.to.image=$BARE_IMAGE" \
    "-Djib.from.image=$BASE_MULTI" -Djib.allowInsecureRegistries=true \
    || die "./mvnw -B jib:dockerBuild (bare, after a package)"
check "bare jib:dockerBuild ran no lifecycle plugin (no git-commit-id, no compiler)" \
    eval '! grep -Eq -- "--- (git-commit-id|compiler|jar):" "$TMP/bare-dockerBuild.log"'
BARE_CFG="$(docker image inspect "$BARE_IMAGE" | jq '.[0]')"
check "bare jib:dockerBuild: labels revision=unknown, version=$VERSION, created 1970-01-01T00:00:01Z" \
    jq -e --arg v "$VERSION" '.Config.Labels["org.opencontainers.image.revision"] == "unknown"
        and .Config.Labels["org.opencontainers.image.version"] == $v and .Created == "1970-01-01T00:00:01Z"' \
    <<<"$BARE_CFG"
check "bare jib:dockerBuild: the same layers as the lifecycle build (the packaged classes and libraries)" \
    test "$(jq -c .RootFS.Layers <<<"$BARE_CFG")" == "$(docker image inspect "$LOCAL_IMAGE:latest" | jq -c '.[0].RootFS.Layers')"
BARE_TAR_IMAGE="$NAME-baretar:$RUN_ID"
mvn "$TMP/bare-buildTar.log" "$ROOT" -B jib:buildTar "-Djib.to.image=$BARE_TAR_IMAGE" \
    "-Djib.from.image=$BASE_DOCKER" -Djib.from.platforms=linux/amd64 \
    || die "./mvnw -B jib:buildTar (bare, after a package)"
if loaded="$(timeout 120 docker load -i "$ROOT/target/jib-image.tar")"; then
    TAGS+=("$BARE_TAR_IMAGE")
    check "bare jib:buildTar: docker load gives the bare jib:dockerBuild image" \
        test "$(docker image inspect -f '{{.Id}}' "$BARE_TAR_IMAGE" 2>/dev/null)" == "$(jq -r .Id <<<"$BARE_CFG")"
else
    fail "docker load -i target/jib-image.tar (bare jib:buildTar)"
fi
rm -f "$ROOT/target/jib-image.tar"
phase_time "bare jib:dockerBuild + jib:buildTar" $((SECONDS - t0))

# --- 3. run it, API -------------------------------------------------------------------------------------------
log "run the container on 127.0.0.1:$PORT"
t0=$SECONDS
C1="$NAME-svc"
CONTAINERS+=("$C1")
docker run -d --name "$C1" -p "127.0.0.1:$PORT:8080" "$LOCAL_IMAGE:latest" >/dev/null || die "docker run $C1"
wait_healthy "$C1" || die "container $C1 healthy (probe inside the container) within ${START_TIMEOUT}s"
pass "container healthy after $((SECONDS - t0))s (probe via docker exec)"
check "log says 'books is up'" logs_have "$C1" 'books is up'

top="$(docker top "$C1" -eo uid,gid,pid,comm)"
printf '%s\n' "$top" | sed 's/^/      /'
check "every process in the container runs as uid/gid 65532 (docker top)" \
    awk 'NR > 1 { n++; if ($1 != 65532 || $2 != 65532) bad = 1 } END { exit (n == 0 || bad) }' <<<"$top"
if timeout 15 docker exec "$C1" /bin/sh -c true >/dev/null 2>&1; then
    fail "no shell: docker exec $C1 /bin/sh -c true succeeded"
else pass "no shell: docker exec /bin/sh -c true fails"; fi
if timeout 15 docker exec "$C1" sh -c true >/dev/null 2>&1; then fail "no shell: 'sh' found on PATH"
else pass "no shell: no 'sh' on PATH either"; fi

log "API through 127.0.0.1:$PORT"
http GET /books
check "GET /books -> 200 JSON object" eval '[[ $CODE == 200 ]] && jq -e "type == \"object\"" <<<"$BODY"'
http POST /books '{"title": "Dune", "author": "Frank Herbert", "year": 1965}'
ID="$(jq -r '.id // empty' <<<"$BODY" 2>/dev/null || true)"
LOCATION="$(sed -n 's/^[Ll]ocation: *//p' <<<"$HDRS")"
check "POST /books -> 201 with an id" eval '[[ $CODE == 201 && -n $ID ]]'
check "POST /books -> Location ends with /books/$ID ($LOCATION)" eval '[[ -n $ID && $LOCATION == */books/"$ID" ]]'
http GET "/books/$ID"
check "GET /books/$ID -> 200, the book" \
    eval '[[ $CODE == 200 ]] && jq -e ".title == \"Dune\" and .year == 1965" <<<"$BODY"'
http PUT "/books/$ID" '{"year": 1966}'
check "PUT /books/$ID {year} -> 200, year changed, title/author kept" eval '[[ $CODE == 200 ]] &&
    jq -e ".year == 1966 and .title == \"Dune\" and .author == \"Frank Herbert\"" <<<"$BODY"'
http GET "/books/$ID"
check "GET after PUT -> year 1966" eval '[[ $CODE == 200 ]] && jq -e ".year == 1966" <<<"$BODY"'
http DELETE "/books/$ID"
check "DELETE /books/$ID -> 204, empty body" eval '[[ $CODE == 204 && -z $BODY ]]'
http GET "/books/$ID"
check "GET /books/$ID after DELETE -> 404" test "$CODE" == 404

# --- 4. health probe ------------------------------------------------------------------------------------------
log "health probe (java -cp /app/classes $PROBE_CLASS URL) inside $C1"
# probe_case DESCRIPTION EXPECTED-EXIT EXPECTED-OUTPUT-REGEX CONTAINER URL [java args]
probe_case() {
    local what="$1" want="$2" re="$3" c="$4" url="$5" out rc start ms
    shift 5
    start=$(now_ms)
    rc=0
    out="$(probe "$c" "$url" "$@" 2>&1)" || rc=$?
    ms=$(($(now_ms) - start))
    info "$url -> exit $rc in ${ms} ms: $out"
    if [[ "$rc" == "$want" && "$out" =~ $re ]] && ((ms <= 5000)); then
        pass "probe $what: exit $rc, ${ms} ms"
    else
        fail "probe $what: exit $rc (want $want), ${ms} ms (max 5000), output '$out'"
    fi
}
probe_case "healthy" 0 '^HEALTHY: HTTP 200' "$C1" "$READY_URL"
probe_case "healthy, lean JVM flags as in compose.yaml" 0 '^HEALTHY: HTTP 200' "$C1" "$READY_URL" \
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -XX:-UsePerfData
probe_case "liveness endpoint" 0 '^HEALTHY' "$C1" http://localhost:8080/observe/health/live
probe_case "wrong path (404)" 1 '^UNHEALTHY: HTTP 404' "$C1" http://localhost:8080/observe/health/nope
probe_case "port nothing listens on" 1 '^UNHEALTHY: .*(Connect|refused)' "$C1" http://localhost:9/
# Time-out: a server that accepts connections and never answers, in the service container's network
# namespace (a class compiled here, run with the image's own java; there is no nc in the image).
mkdir -p "$TMP/silent"
cat >"$TMP/silent/Silent.java" <<'JAVA'
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

public class Silent {
    public static void main(String[] args) throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]))) {
            System.out.println("listening");
            while (true) {
                held.add(server.accept());
            }
        }
    }
}
JAVA
C3="$NAME-silent"
if "$JAVA_HOME/bin/javac" --release 21 -d "$TMP/silent" "$TMP/silent/Silent.java" && chmod -R a+rX "$TMP/silent" \
    && CONTAINERS+=("$C3") \
    && docker run -d --name "$C3" --network "container:$C1" -v "$TMP/silent:/silent:ro" --entrypoint java \
        "$LOCAL_IMAGE:latest" -cp /silent Silent 9999 >/dev/null; then
    for _ in $(seq 1 40); do logs_have "$C3" listening && break; sleep 0.5; done
    probe_case "server that never answers (read time-out)" 1 '^UNHEALTHY: .*(Timeout|timed out)' "$C1" \
        http://localhost:9999/observe/health/ready
    docker rm -f "$C3" >/dev/null 2>&1 || true
else
    fail "could not start the silent server for the time-out case"
fi

# --- 5. memory limit + a service that is stopping -------------------------------------------------------------
log "memory limit (--memory 256m) and the probe against a stopping service"
C2="$NAME-mem"
CONTAINERS+=("$C2")
docker run -d --name "$C2" --memory 256m -e BOOKS_SHUTDOWN_DELAY=PT6S \
    -p 127.0.0.1::8080 "$LOCAL_IMAGE:latest" >/dev/null || die "docker run $C2"
MEM_LIMIT=$((256 * 1024 * 1024))
flags="$(timeout 60 docker run --rm --memory 256m --entrypoint java "$LOCAL_IMAGE:latest" "${JVM_FLAGS[@]}" \
    -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" { print $4 }')"
info "java ${JVM_FLAGS[*]} -XX:+PrintFlagsFinal in a 256 MiB container: MaxHeapSize=$flags"
check "image JVM flags + 256 MiB limit -> MaxHeapSize = 75 % (got ${flags:-none} of $MEM_LIMIT)" \
    awk -v h="${flags:-0}" -v m="$MEM_LIMIT" 'BEGIN { exit !(h >= 0.74 * m && h <= 0.76 * m) }'
if wait_healthy "$C2"; then
    pass "256 MiB container healthy"
    p2="$(docker port "$C2" 8080/tcp | head -n 1)"
    heap="$(curl -fsS -m 10 -H 'Accept: application/json' "http://$p2/observe/metrics" 2>/dev/null \
        | jq -r '.base["memory.maxHeap"] // empty' || true)"
    info "running service: memory.maxHeap = ${heap:-?} bytes ($(human "${heap:-0}"))"
    check "running service's max heap is 65-76 % of 256 MiB (metrics memory.maxHeap)" \
        awk -v h="${heap:-0}" -v m="$MEM_LIMIT" 'BEGIN { exit !(h >= 0.65 * m && h <= 0.76 * m) }'
    docker kill -s TERM "$C2" >/dev/null
    # BOOKS_SHUTDOWN_DELAY=PT6S: after SIGTERM it keeps serving for 6 s with readiness DOWN.
    probe_case "service stopping (SIGTERM received, readiness DOWN)" 1 '^UNHEALTHY: HTTP 503' "$C2" "$READY_URL"
    if timeout 30 docker wait "$C2" >/dev/null; then
        rc2="$(docker inspect -f '{{.State.ExitCode}}' "$C2")"
        check "stopping container exited cleanly after the delay (exit $rc2, 'Stopped' logged)" \
            eval '[[ $rc2 == 0 || $rc2 == 143 ]] && logs_have "$C2" Stopped'
        if timeout 15 docker exec "$C2" java -version >/dev/null 2>&1; then
            fail "probe against a stopped container cannot run (docker exec must fail)"
        else pass "stopped container: docker exec of the probe fails (the health check fails)"; fi
    else
        fail "stopping container exited within 30 s"
    fi
else
    fail "256 MiB container healthy within ${START_TIMEOUT}s"
fi

# --- 6. docker stop -------------------------------------------------------------------------------------------
log "docker stop $C1 (SIGTERM, 10 s grace)"
start=$(now_ms)
timeout 30 docker stop "$C1" >/dev/null || true
ms=$(($(now_ms) - start))
rc1="$(docker inspect -f '{{.State.ExitCode}}' "$C1")"
info "docker stop took ${ms} ms; exit code $rc1; last log lines:"
docker logs --tail 4 "$C1" 2>&1 | sed 's/^/        /'
check "docker stop returns within 8 s (${ms} ms)" test "$ms" -le 8000
check "exit code 0 or 143 (got $rc1)" eval '[[ $rc1 == 0 || $rc1 == 143 ]]'
check "log contains 'Stopped' (clean shutdown)" logs_have "$C1" Stopped
phase_time "container checks (API, probe, memory, stop)" $((SECONDS - t0))

# --- 7. reproducibility: jib:build twice, manifest list, jib:buildTar ------------------------------------------
log "jib:build to $REGISTRY/$PUSH_REPO twice with .github/scripts/publish-image.sh"
t0=$SECONDS
publish "$ROOT" "r1-$RUN_ID" "$TMP/publish-1.log" || die "publish-image.sh (run 1, in $ROOT)"
D1="$PUBLISHED"
info "run 1 (this tree):  $D1"
# Run 2: the same inputs in a fresh copy - another path, no target/ (fresh compile, empty Jib project cache).
COPY="$TMP/tree"
mkdir -p "$COPY"
tar -C "$ROOT" --exclude=./target --exclude=node_modules -cf - . | tar -C "$COPY" -xf -
# A bare goal before any package: Jib stops and says to compile first.
if (cd "$COPY" && timeout "$MVN_TIMEOUT" ./mvnw -B jib:buildTar "-Djib.from.image=$BASE_DOCKER" \
    -Djib.from.platforms=linux/amd64) >"$TMP/bare-unbuilt.log" 2>&1; then
    fail "bare jib:buildTar in a tree that was never built must fail"
else
    check "bare jib:buildTar before any package fails and says to compile first" \
        grep -q 'make sure you have compiled your project' "$TMP/bare-unbuilt.log"
fi
publish "$COPY" "r2-$RUN_ID" "$TMP/publish-2.log" || die "publish-image.sh (run 2, in $COPY)"
D2="$PUBLISHED"
info "run 2 (fresh copy): $D2"
check "two jib:build runs of the same commit give the same digest" test "$D1" == "$D2"
check "publish-image.sh's digest = target/jib-image.digest" \
    test "$(tr -d '[:space:]' <"$ROOT/target/jib-image.digest")" == "$D1"
LIST="$(reg "$ML_ACCEPT" "$PUSH_REPO/manifests/r1-$RUN_ID")"
jq -c '.mediaType, (.manifests[] | {platform, digest, size})' <<<"$LIST" | sed 's/^/      /'
check "tag r1 resolves to the printed digest" \
    test "$(curl -fsS -m 10 -I -H "Accept: $ML_ACCEPT" "$REGISTRY_HTTP/v2/$PUSH_REPO/manifests/r1-$RUN_ID" \
        | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p')" == "$D1"
for arch in amd64 arm64; do
    check "manifest list has linux/$arch" \
        jq -e --arg a "$arch" '[.manifests[].platform | select(.os == "linux" and .architecture == $a)] | length == 1' \
        <<<"$LIST"
done
M1_AMD64="$(platform_manifest "$PUSH_REPO" "r1-$RUN_ID" amd64)"
M1_ARM64="$(platform_manifest "$PUSH_REPO" "r1-$RUN_ID" arm64)"
CFG_AMD64="$(reg "$M_ACCEPT" "$PUSH_REPO/manifests/$M1_AMD64" | jq -r .config.digest)"
check "pushed linux/amd64 image = the jib:dockerBuild image (config $CFG_AMD64)" test "$CFG_AMD64" == "$IMAGE_ID"
phase_time "jib:build x2 (publish-image.sh)" $((SECONDS - t0))

log "jib:buildTar (single platform) + docker load"
t0=$SECONDS
TAR_IMAGE="$NAME-tar:$RUN_ID"
mvn "$TMP/buildTar.log" "$COPY" -B package -DskipTests jib:buildTar \
    "-Djib.from.image=$BASE_DOCKER" -Djib.from.platforms=linux/amd64 "-Djib.to.image=$TAR_IMAGE" \
    || die "./mvnw -B package -DskipTests jib:buildTar"
check "target/jib-image.tar written" test -s "$COPY/target/jib-image.tar"
info "target/jib-image.tar: $(human "$(stat -c %s "$COPY/target/jib-image.tar")")"
if loaded="$(timeout 120 docker load -i "$COPY/target/jib-image.tar")"; then
    while read -r line; do info "$line"; done <<<"$loaded"
    while read -r ref; do TAGS+=("$ref"); done < <(sed -n 's/^Loaded image: //p' <<<"$loaded")
    pass "docker load accepts target/jib-image.tar"
    check "loaded image = the jib:dockerBuild image" \
        test "$(docker image inspect -f '{{.Id}}' "$TAR_IMAGE" 2>/dev/null)" == "$IMAGE_ID"
else
    fail "docker load -i target/jib-image.tar"
fi
rm -f "$COPY/target/jib-image.tar"
phase_time "jib:buildTar + docker load" $((SECONDS - t0))

# --- 8. layers ------------------------------------------------------------------------------------------------
log "layers of $REGISTRY/$PUSH_REPO:r1-$RUN_ID"
t0=$SECONDS
BASE_AMD64="$(platform_manifest books-test/jre 25-multi amd64)"
BASE_ARM64="$(platform_manifest books-test/jre 25-multi arm64)"
NB_AMD64="$(reg "$M_ACCEPT" "books-test/jre/manifests/$BASE_AMD64" | jq '.layers | length')"
NB_ARM64="$(reg "$M_ACCEPT" "books-test/jre/manifests/$BASE_ARM64" | jq '.layers | length')"
L1_AMD64="$(layers "$PUSH_REPO" "$M1_AMD64" "$NB_AMD64")"
L1_ARM64="$(layers "$PUSH_REPO" "$M1_ARM64" "$NB_ARM64")"
printf '      %-5s %-14s %-20s %12s %12s\n' arch layer digest compressed uncompressed
app_total=0
while IFS=$'\t' read -r kind label digest size; do
    raw="$(curl -fsS -m 60 "$REGISTRY_HTTP/v2/$PUSH_REPO/blobs/$digest" | gzip -dc | wc -c)"
    printf '      %-5s %-14s %-20s %12s %12s\n' amd64 "$label" "${digest:7:12}" "$size ($(human "$size"))" \
        "$(human "$raw")"
    [[ "$kind" == app ]] && app_total=$((app_total + size))
done <<<"$L1_AMD64"
info "amd64 app layers together: $app_total bytes compressed ($(human "$app_total"))"
while IFS=$'\t' read -r _ label digest size; do
    printf '      %-5s %-14s %-20s %12s\n' arm64 "$label" "${digest:7:12}" "$size ($(human "$size"))"
done <<<"$L1_ARM64"
check "app layers are: dependencies, resources, classes, jvm arg files (amd64)" \
    test "$(awk -F'\t' '$1 == "app" { printf "%s,", $2 }' <<<"$L1_AMD64")" == "dependencies,resources,classes,jvm arg files,"
check "base layers of the image = the base image's layers (amd64)" test \
    "$(awk -F'\t' '$1 == "base" { print $3 }' <<<"$L1_AMD64")" == \
    "$(reg "$M_ACCEPT" "books-test/jre/manifests/$BASE_AMD64" | jq -r '.layers[].digest')"

log "code-only change -> only the classes layer changes"
PROBE_SRC="$COPY/src/main/java/dev/books/probe/HealthProbe.java"
if grep -q '^public final class HealthProbe {' "$PROBE_SRC"; then
    sed -i '/^public final class HealthProbe {/a\    private static final String IMAGE_TEST_MARK = "code-only change";' "$PROBE_SRC"
    info "added to $PROBE_SRC: $(grep -n IMAGE_TEST_MARK "$PROBE_SRC")"
    publish "$COPY" "code-$RUN_ID" "$TMP/publish-3.log" || die "publish-image.sh after the code change"
    D3="$PUBLISHED"
    info "after the change: $D3"
    check "a code change gives a new digest" test "$D3" != "$D1"
    for arch in amd64 arm64; do
        if [[ $arch == amd64 ]]; then nb=$NB_AMD64 before=$L1_AMD64; else nb=$NB_ARM64 before=$L1_ARM64; fi
        after="$(layers "$PUSH_REPO" "$(platform_manifest "$PUSH_REPO" "code-$RUN_ID" "$arch")" "$nb")"
        # label, digest before, digest after, size after -> "label<TAB>size" of each changed layer
        changed="$(paste <(cut -f2,3 <<<"$before") <(cut -f3,4 <<<"$after") \
            | awk -F'\t' '$2 != $3 { print $1 "\t" $4 }')"
        info "$arch changed layers: $(tr '\t\n' ' ;' <<<"$changed")"
        check "$arch: same number of layers before and after" \
            test "$(wc -l <<<"$before")" == "$(wc -l <<<"$after")"
        check "$arch: exactly one layer differs and it is 'classes'" \
            test "$(cut -f1 <<<"$changed" | tr '\n' ,)" == "classes,"
        csize="$(cut -f2 <<<"$changed" | head -n 1)"
        check "$arch: the new classes layer is small (${csize:-?} bytes < 1 MiB)" \
            eval '((${csize:-0} > 0 && ${csize:-0} < 1048576))'
    done
else
    fail "code change: 'public final class HealthProbe {' not found in $PROBE_SRC"
fi
phase_time "layers + code-only rebuild" $((SECONDS - t0))

# --- 9. pushes: tags and credentials --------------------------------------------------------------------------
log "the README's push command pushes exactly its tag"
t0=$SECONDS
README_REPO=books-ci/readme-push
README_TAG="r-$RUN_ID"
# Tags of earlier runs must not count: drop latest and the version from this repository first.
PUSHED_TAGS+=("$README_REPO:$README_TAG" "$README_REPO:latest" "$README_REPO:$VERSION")
for t in latest "$VERSION"; do
    d="$(curl -fsS -m 10 -I -H "Accept: $ML_ACCEPT" "$REGISTRY_HTTP/v2/$README_REPO/manifests/$t" 2>/dev/null \
        | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p')" || true
    [[ -z "$d" ]] || curl -fsS -m 10 -o /dev/null -X DELETE "$REGISTRY_HTTP/v2/$README_REPO/manifests/$d" || true
done
mvn "$TMP/readme-push.log" "$ROOT" -B package -DskipTests jib:build \
    "-Djib.to.image=$REGISTRY/$README_REPO:$README_TAG" \
    "-Djib.from.image=$BASE_MULTI" -Djib.allowInsecureRegistries=true \
    || die "./mvnw -B package -DskipTests jib:build -Djib.to.image=$REGISTRY/$README_REPO:$README_TAG"
readme_tags="$(curl -fsS -m 10 "$REGISTRY_HTTP/v2/$README_REPO/tags/list" | jq -c '.tags // [] | sort')"
info "tags of $README_REPO after the push: $readme_tags"
check "jib:build -Djib.to.image=...:$README_TAG pushed $README_TAG, and neither latest nor $VERSION" \
    jq -e --arg t "$README_TAG" --arg v "$VERSION" 'index($t) != null and index("latest") == null and index($v) == null' \
    <<<"$readme_tags"
if (cd "$ROOT" && env -u GITHUB_WORKFLOW_REF IMAGE="$REGISTRY/$PUSH_REPO" TAGS="x-$RUN_ID,latest" MVNW=false \
    .github/scripts/publish-image.sh) >"$TMP/publish-latest.log" 2>&1; then
    fail "publish-image.sh with TAGS holding latest, outside the publish workflow, must refuse"
else
    check "publish-image.sh refuses TAGS with latest outside the publish workflow" \
        grep -q "only the publish workflow" "$TMP/publish-latest.log"
fi

log "credentials: only those the user configured (docker login), never GITHUB_TOKEN"
# A second registry with htpasswd auth on 127.0.0.1:$((AUTH_PORT + 1)), and socat in front of it on
# 127.0.0.1:$AUTH_PORT writing every byte it relays (-v) to $WIRE: what the registry was sent.
AUTH_PORT="${BOOKS_TEST_AUTH_PORT:-15080}"
AUTH_UP=$((AUTH_PORT + 1))
AUTH_REGISTRY="127.0.0.1:$AUTH_PORT"
AUTH_USER=books-test
AUTH_PASS="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
SENTINEL_TOKEN="ghp_imagetest$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"   # stands for GITHUB_TOKEN
SENTINEL_ACTOR=books-test-actor
WIRE="$TMP/wire.log"
for p in "$AUTH_PORT" "$AUTH_UP"; do
    if ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then die "port $p is in use; set BOOKS_TEST_AUTH_PORT"; fi
done
mkdir -p "$TMP/auth-registry" "$TMP/docker-none" "$TMP/docker-login"
htpasswd -Bbn "$AUTH_USER" "$AUTH_PASS" >"$TMP/htpasswd"
cat >"$TMP/auth-registry.yml" <<YML
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $TMP/auth-registry
http:
  addr: 127.0.0.1:$AUTH_UP
auth:
  htpasswd:
    realm: books-image-test
    path: $TMP/htpasswd
YML
docker-registry serve "$TMP/auth-registry.yml" >"$TMP/auth-registry.log" 2>&1 &
PIDS+=("$!")
socat -v "TCP-LISTEN:$AUTH_PORT,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$AUTH_UP" 2>>"$WIRE" &
PIDS+=("$!")
wait_until 20 eval '[[ "$(curl -s -o /dev/null -w "%{http_code}" "http://$AUTH_REGISTRY/v2/")" == 401 ]]' \
    || die "the auth registry on $AUTH_REGISTRY does not answer 401 (see $TMP/auth-registry.log)"
pass "registry with htpasswd auth on $AUTH_REGISTRY answers 401 without credentials"

# auth_push NAME DOCKER_CONFIG_DIR [MAVEN ARGS...]: bare jib:build of the packaged tree (base scratch, one
# platform: only the application layers travel) to $AUTH_REGISTRY with GITHUB_TOKEN and GITHUB_ACTOR in the
# environment; Jib may send credentials over plain HTTP (-DsendCredentialsOverHttp), so whatever it has
# reaches the wire. Sets PUSH_RC; the relayed bytes are in $WIRE (emptied first).
auth_push() {
    local name="$1" config="$2"
    shift 2
    : >"$WIRE"
    PUSH_RC=0
    info "GITHUB_TOKEN=<sentinel> GITHUB_ACTOR=$SENTINEL_ACTOR DOCKER_CONFIG=$config ./mvnw -B jib:build" \
        "-Djib.to.image=$AUTH_REGISTRY/books-ci/auth:$name-$RUN_ID $*   (log: $TMP/auth-$name.log)"
    (cd "$ROOT" && GITHUB_TOKEN="$SENTINEL_TOKEN" GITHUB_ACTOR="$SENTINEL_ACTOR" DOCKER_CONFIG="$config" \
        timeout "$MVN_TIMEOUT" ./mvnw -B jib:build "-Djib.to.image=$AUTH_REGISTRY/books-ci/auth:$name-$RUN_ID" \
        -Djib.from.image=scratch -Djib.from.platforms=linux/amd64 \
        -Djib.allowInsecureRegistries=true -DsendCredentialsOverHttp=true "$@") >"$TMP/auth-$name.log" 2>&1 \
        || PUSH_RC=$?
    sleep 1   # socat's children flush when the connections close
}
# authorizations: the Authorization header values the registry was sent, decoded when Basic, one a line.
authorizations() {
    local v
    # socat -v writes a CR as the two characters \r
    sed -n 's/\\r$//; s/^[Aa]uthorization: *//p' "$WIRE" | while read -r scheme v; do
        if [[ "$scheme" == Basic ]]; then printf 'Basic %s\n' "$(base64 -d <<<"$v" 2>/dev/null)"; else printf '%s %s\n' "$scheme" "$v"; fi
    done
}
# (Here-strings, not pipes into grep -q: with pipefail, grep's early exit would fail the pipeline.)
leaked() { grep -aqF -- "$SENTINEL_TOKEN" "$WIRE" || grep -qF -- "$SENTINEL_TOKEN" <<<"$(authorizations)"; }

auth_push env-only "$TMP/docker-none"
info "registry saw $(grep -ac '^[A-Z]* /v2/' "$WIRE") request(s); Authorization headers: $(authorizations | sed 's/:.*/:<hidden>/' | sort | uniq -c | tr '\n' ' ')"
check "GITHUB_TOKEN set, no docker login: the push fails" test "$PUSH_RC" != 0
check "... with 401/Unauthorized from the registry" grep -Eq 'Unauthorized|401' "$TMP/auth-env-only.log"
check "... and the registry was sent no Authorization header at all" eval '[[ -z "$(authorizations)" ]]'
check "... and never the token" eval '! leaked'
# The control: the same push with the token as explicit credentials - what the removed ghcr-auth profile
# configured. The recorder must see it, or the checks above prove nothing.
auth_push explicit "$TMP/docker-none" "-Djib.to.auth.username=$SENTINEL_ACTOR" "-Djib.to.auth.password=$SENTINEL_TOKEN"
check "control: explicit credentials (the old ghcr-auth profile) reach the wire, and the recorder sees them" \
    eval 'grep -qxF -- "Basic $SENTINEL_ACTOR:$SENTINEL_TOKEN" <<<"$(authorizations)"'
check "control: the registry refuses them (401)" test "$PUSH_RC" != 0
# What the user configured: docker login to that registry (its own config dir), GITHUB_TOKEN still set.
if printf '%s' "$AUTH_PASS" | DOCKER_CONFIG="$TMP/docker-login" docker login "$AUTH_REGISTRY" -u "$AUTH_USER" \
    --password-stdin >"$TMP/docker-login.log" 2>&1; then
    pass "docker login $AUTH_REGISTRY (config in $TMP/docker-login)"
    auth_push login "$TMP/docker-login"
    check "after docker login the push succeeds (GITHUB_TOKEN still set)" test "$PUSH_RC" == 0
    check "... with the docker login credentials" eval 'grep -qxF -- "Basic $AUTH_USER:$AUTH_PASS" <<<"$(authorizations)"'
    check "... and never the token" eval '! leaked'
    check "... and the registry holds the tag" eval 'curl -fsS -m 10 -u "$AUTH_USER:$AUTH_PASS" \
        "http://$AUTH_REGISTRY/v2/books-ci/auth/tags/list" | jq -e --arg t "login-$RUN_ID" ".tags | index(\$t)"'
else
    sed 's/^/      /' "$TMP/docker-login.log"
    fail "docker login $AUTH_REGISTRY"
fi
phase_time "pushes: README tag, latest guard, credentials" $((SECONDS - t0))

# --- 10. release version --------------------------------------------------------------------------------------
log "release version: VERSION=X publish-image.sh (publish.yml on a vX tag)"
t0=$SECONDS
RELEASE=9.8.7
publish "$COPY" "v-$RUN_ID" "$TMP/publish-release.log" "$RELEASE" || die "VERSION=$RELEASE publish-image.sh"
for arch in amd64 arm64; do
    m="$(platform_manifest "$PUSH_REPO" "v-$RUN_ID" "$arch")"
    cfg="$(reg "$M_ACCEPT" "$PUSH_REPO/manifests/$m" | jq -r .config.digest)"
    label="$(reg '*/*' "$PUSH_REPO/blobs/$cfg" | jq -r '.config.Labels["org.opencontainers.image.version"]')"
    check "linux/$arch image of the release build: label version = $RELEASE (got $label)" test "$label" == "$RELEASE"
done
# The SBOM step of publish.yml: ./mvnw -B cyclonedx:makeAggregateBom -Drevision=VERSION
mvn "$TMP/sbom.log" "$COPY" -B cyclonedx:makeAggregateBom "-Drevision=$RELEASE" || die "cyclonedx:makeAggregateBom"
check "SBOM of the release build names version $RELEASE" \
    jq -e --arg v "$RELEASE" '.metadata.component.version == $v' "$COPY/target/bom.json"
phase_time "release version (publish + SBOM)" $((SECONDS - t0))

log "done; cleaning up (books:latest stays)"
