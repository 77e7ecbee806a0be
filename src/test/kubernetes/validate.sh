#!/usr/bin/env bash
# validate.sh - render the Kubernetes manifests (src/main/kubernetes) and validate them offline.
#
# Usage (from anywhere; paths are resolved from this file):
#   validate.sh               render the base and every overlay, validate every object, check the rules below
#   validate.sh --self-test   the same, then prove that broken copies are rejected (one mutation per check, each
#                             in a temp dir; the repository is never modified)
#
# What it does (the checks themselves are in check.mjs, see its header):
#   1. `kubectl kustomize` renders base/ and overlays/*/ of a temp copy of src/main/kubernetes (a secretGenerator
#      file that does not exist there, e.g. overlays/dev/secrets/db_password.txt, gets a random value in the copy).
#   2. Every object is validated against the Kubernetes OpenAPI schemas (kubernetes-models 4.5.1 = Kubernetes
#      1.33.0, the published set closest to 1.32; unknown fields rejected through the TypeScript compiler) and every
#      custom resource against its bundled CRD schema (schemas/, CloudNativePG's Cluster).
#   3. The packaged service (target/books.jar) is started twice on loopback with a random port: once with an
#      unreachable PostgreSQL, once with its embedded database. Every probe path of the Deployment is requested on
#      both; readiness must be 503/200, startup and liveness 200 while the database is down.
#   4. Rules: references, pod security, probes vs. server.port and the image's port, resources vs. JVM flags,
#      shutdown timeline, connection budget, and no Secret value in anything git would commit.
#
# Tools (versions pinned in package.json + package-lock.json beside this file, integrity-checked by `npm ci`,
# installed with --ignore-scripts into a cache OUTSIDE the work tree):
#   kubernetes-models 4.5.1, typescript 5.9.3, ajv 8.20.0, yaml 2.9.1, @marcbachmann/cel-js 8.0.0
# Needs: kubectl (with its built-in kustomize), node >= 20.19 and npm (registry access on the first run), git, curl,
# and for step 3 a JDK 21+ (JAVA_HOME or java on the PATH) and the packaged jar.
#
# Environment:
#   BOOKS_K8S_CACHE        install dir for the npm packages (default: $BOOKS_CI_CACHE/kubernetes-validate,
#                          /var/cache/books-ci/kubernetes-validate as root, else ~/.cache/books-ci/kubernetes-validate)
#   BOOKS_JAR              the packaged service (default: target/books.jar of this repository)
#   BOOKS_K8S_LIVE_PROBES  require (default when CI=true): step 3 must run; auto (default otherwise): run it when the
#                          jar exists, else compare the probe paths with the documented endpoints; skip: never run it
# Ends with "kubernetes-validate: N passed, N failed" (and "self-test: N passed, N failed" with --self-test).
# The self-test's mutations are perl expressions in single quotes: their $ is perl's.
# shellcheck disable=SC2016
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
SRC="$REPO/src/main/kubernetes"
# Only npm_tools_cache and npm_tools are used from it; log and die are this script's own.
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$REPO/src/test/lib/harness.sh"

log() { printf '[k8s-validate] %s\n' "$*" >&2; }
die() { printf '[k8s-validate] ERROR: %s\n' "$*" >&2; exit 2; }

SELF_TEST=0
while (($#)); do
    case "$1" in
        --self-test) SELF_TEST=1; shift ;;
        -h|--help) sed -n '2,38p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done

# ------------------------------------------------------------------------------ tools
for tool in kubectl node npm git curl; do command -v "$tool" >/dev/null || die "$tool is missing"; done
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "node >= 20.19 needed, found $(node --version)"
[[ -d "$SRC/base" ]] || die "no $SRC/base"

CACHE="${BOOKS_K8S_CACHE:-$(npm_tools_cache kubernetes-validate)}"
case "$CACHE/" in "$REPO"/*) die "BOOKS_K8S_CACHE must be outside the work tree: $CACHE" ;; esac
npm_tools "$HERE" "$CACHE" tools
export K8S_NODE_MODULES="$NPM_PREFIX/node_modules"

WORK="$(mktemp -d)"
JVM_PIDS=()
cleanup() {
    local pid
    for pid in "${JVM_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# ------------------------------------------------------------------------------ the running service (step 3)
LIVE="${BOOKS_K8S_LIVE_PROBES:-}"
if [[ -z "$LIVE" ]]; then
    if [[ "${CI:-}" == true ]]; then LIVE=require; else LIVE=auto; fi
fi
JAR="${BOOKS_JAR:-$REPO/target/books.jar}"
JAVA="java"
[[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] && JAVA="$JAVA_HOME/bin/java"
DB_DOWN_URL=""
DB_UP_URL=""

# start_service NAME [ENV=VALUE...]: start the jar on a random loopback-reachable port; sets STARTED_URL.
start_service() {
    local name="$1" logf="$WORK/$1.log" port=""
    shift
    env SERVER_PORT=0 SERVER_HOST=127.0.0.1 BOOKS_SAMPLE_DATA=false "$@" \
        "$JAVA" -Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$JAR" >"$logf" 2>&1 &
    JVM_PIDS+=("$!")
    for _ in $(seq 1 120); do
        port="$(sed -nE "s/.*http:\/\/[0-9.:]+:([0-9]+) bound for socket '@default'.*/\1/p" "$logf" | head -1)"
        [[ -n "$port" ]] && break
        kill -0 "${JVM_PIDS[-1]}" 2>/dev/null || break
        sleep 0.5
    done
    if [[ -z "$port" ]]; then
        sed 's/^/    /' "$logf" >&2
        die "the service ($name) did not start: see its log above"
    fi
    STARTED_URL="http://127.0.0.1:$port"
    # The live endpoint answers once the server is up (the readiness one may still be DOWN).
    for _ in $(seq 1 60); do
        curl -fsS -o /dev/null "$STARTED_URL/observe/health/live" 2>/dev/null && return 0
        sleep 0.5
    done
    die "the service ($name) does not answer on $STARTED_URL"
}

if [[ "$LIVE" != skip ]]; then
    if [[ -f "$JAR" ]] && "$JAVA" -version >/dev/null 2>&1; then
        java_major="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
        ((${java_major%%.*} >= 21)) || die "$JAVA is Java $java_major; the service needs 21+ (set JAVA_HOME)"
        # An address where nothing listens: a port the kernel just handed out and that was closed again.
        closed_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{const p=s.address().port;s.close(()=>console.log(p));});')"
        log "starting $JAR twice (database unreachable on 127.0.0.1:$closed_port / embedded database)"
        start_service db-down DB_URL="jdbc:postgresql://127.0.0.1:$closed_port/books" DB_USERNAME=books \
            DB_PASSWORD=unused DB_POOL_CONNECTION_TIMEOUT=PT1S
        DB_DOWN_URL="$STARTED_URL"
        start_service db-up DB_URL= DB_USERNAME= DB_PASSWORD=
        DB_UP_URL="$STARTED_URL"
        # The embedded database is ready within moments of start-up.
        for _ in $(seq 1 30); do
            curl -fsS -o /dev/null "$DB_UP_URL/observe/health/ready" 2>/dev/null && break
            sleep 0.5
        done
    elif [[ "$LIVE" == require ]]; then
        die "no packaged service at $JAR (or no java): build it first (./mvnw -B package), or set BOOKS_K8S_LIVE_PROBES=auto|skip outside CI"
    else
        log "no packaged service at $JAR: probe paths are compared with the documented endpoints only"
    fi
fi

# ------------------------------------------------------------------------------ validate one tree
# validate_tree SRC_DIR LABEL: copy to $WORK/LABEL, render, check; prints a report; returns 0 only when everything
# passed.
validate_tree() {
    local src="$1" dir="$WORK/$2" rc=0 d name f renders=() failed_renders=0
    mkdir -p "$dir/rendered" "$dir/tmp"
    cp -R "$src" "$dir/kubernetes"
    # Files a secretGenerator reads but that do not exist (they are never in git): a random value, in the copy only.
    while IFS= read -r f; do
        [[ -n "$f" && ! -e "$dir/kubernetes/$f" ]] || continue
        mkdir -p "$(dirname "$dir/kubernetes/$f")"
        head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/kubernetes/$f"
    done < <(node "$HERE/check.mjs" --generator-files "$dir/kubernetes")
    for d in "$dir/kubernetes/base" "$dir/kubernetes"/overlays/*/; do
        d="${d%/}"
        [[ -f "$d/kustomization.yaml" || -f "$d/kustomization.yml" ]] || continue
        name="$(basename "$d")"
        if kubectl kustomize "$d" >"$dir/rendered/$name.yaml" 2>"$dir/rendered/$name.err"; then
            echo "ok    render     $name ($(grep -c '^kind:' "$dir/rendered/$name.yaml") objects)"
            renders+=("$name=$dir/rendered/$name.yaml")
        else
            echo "FAIL  render     $name: $(tr '\n' ' ' <"$dir/rendered/$name.err")"
            failed_renders=$((failed_renders + 1))
            rc=1
        fi
    done
    ((${#renders[@]})) || { echo "kubernetes-validate: 0 passed, $failed_renders failed"; return 1; }
    local service_args=()
    [[ -n "$DB_DOWN_URL" ]] && service_args=(--service-down "$DB_DOWN_URL" --service-up "$DB_UP_URL")
    # check.mjs counts the failed renders into its closing line.
    K8S_EXTRA_FAILED="$failed_renders" node "$HERE/check.mjs" --repo "$REPO" --tree "$dir/kubernetes" \
        --tmp "$dir/tmp" "${service_args[@]}" "${renders[@]}" || rc=1
    return "$rc"
}

if ((SELF_TEST == 0)); then
    log "validating $SRC (kubectl $(kubectl version --client -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.clientVersion.gitVersion+", kustomize "+j.kustomizeVersion)})'))"
    if validate_tree "$SRC" tree; then log "all valid"; exit 0; fi
    log "problems found (see above)"
    exit 1
fi

# ------------------------------------------------------------------------------ self-test
log "self-test, step 1: the manifests themselves must pass"
validate_tree "$SRC" tree || { log "the manifests do not pass their own validation"; exit 1; }

# mutate NAME FILE PERL-EXPRESSION: copy src/main/kubernetes to a temp tree, apply the edit to FILE (relative to
# src/main/kubernetes) there (it must change the file), and expect the validation to fail.
mutations=0 rejected=0
mutate() {
    local name="$1" file="$2" expr="$3" tree="$WORK/src-$1"
    cp -R "$SRC" "$tree"
    cp "$tree/$file" "$tree/$file.orig"
    perl -0pi -e "$expr" "$tree/$file"
    if cmp -s "$tree/$file" "$tree/$file.orig"; then
        log "self-test: mutation '$name' did not change $file (fix the self-test)"; exit 1
    fi
    rm -f "$tree/$file.orig"
    mutations=$((mutations + 1))
    if validate_tree "$tree" "m-$name" >"$WORK/$name.log" 2>&1; then
        echo "MISSED  $name: the validation accepted a broken $file"
        sed 's/^/        /' "$WORK/$name.log"
    else
        rejected=$((rejected + 1))
        echo "caught  $name: $(grep -m1 -E '^FAIL' "$WORK/$name.log" | sed -E 's/^FAIL +//' | cut -c1-220)"
    fi
}

log "self-test, step 2: broken copies must be rejected"
D=base/deployment.yaml
mutate unknown-field        $D 's/readinessProbe:/readinesProbe:/'
mutate wrong-type           $D 's/containerPort: 8080/containerPort: "8080"/'
mutate bad-enum             base/service.yaml 's/type: ClusterIP/type: ClusterIp/'
mutate missing-required     base/horizontalpodautoscaler.yaml 's/(    kind: Deployment\n)    name: books\n/$1/'
mutate unknown-api-version  base/horizontalpodautoscaler.yaml 's/autoscaling\/v2$/autoscaling\/v2beta3/m'
mutate render-error         base/kustomization.yaml 's/- service\.yaml/- services.yaml/'
mutate crd-wrong-type       overlays/prod/database.yaml 's/instances: 3/instances: "3"/'
mutate crd-unknown-field    overlays/prod/database.yaml 's/storage:\n    size: 10Gi/storage:\n    sise: 10Gi/'
mutate crd-cel-rule         overlays/prod/database.yaml 's/(  instances: 3\n)/$1  imageCatalogRef:\n    apiGroup: postgresql.cnpg.io\n    kind: ImageCatalog\n    name: postgresql\n    major: 17\n/'
mutate crd-name             overlays/prod/database.yaml 's/^  name: books-db$/  name: books-pg/m'
mutate probe-path           $D 's/path: \/observe\/health\/ready/path: \/observe\/health\/readiness/'
mutate liveness-on-db       $D 's/(livenessProbe:\n            httpGet:\n              path: \/observe\/health\/)live/$1ready/'
mutate startup-on-db        $D 's/(startupProbe:\n            httpGet:\n              path: \/observe\/health\/)started/$1ready/'
mutate probe-port           $D 's/containerPort: 8080/containerPort: 8081/'
mutate probe-exec           $D 's/(livenessProbe:\n)            httpGet:\n              path: \S+\n              port: http\n/$1            exec:\n              command: [java, -cp, \/app\/classes, dev.books.probe.HealthProbe, "http:\/\/localhost:8080\/observe\/health\/live"]\n/'
mutate service-selector     base/service.yaml 's/(  selector:\n    app.kubernetes.io\/name: books\n    app.kubernetes.io\/component: )api/$1web/'
mutate writable-rootfs      $D 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/'
mutate capabilities         $D 's/(drop:\n\s+- )ALL/$1NET_RAW/'
mutate run-as-root          $D 's/runAsNonRoot: true/runAsNonRoot: false/g'
mutate other-uid            $D 's/runAsUser: 65532/runAsUser: 1000/g'
mutate sa-token             $D 's/automountServiceAccountToken: false/automountServiceAccountToken: true/'
mutate no-tmp               $D 's/mountPath: \/tmp/mountPath: \/scratch/'
mutate memory-overcommit    $D 's/(limits:\n              cpu: "1"\n              memory: )512Mi/${1}1Gi/'
mutate short-grace          $D 's/terminationGracePeriodSeconds: 30/terminationGracePeriodSeconds: 12/'
mutate no-drain-delay       $D 's/seconds: 10/seconds: 1/'
mutate password-in-env      base/kustomization.yaml 's/(      - DB_USERNAME=books\n)/$1      - DB_PASSWORD=letmein-please\n/'
mutate secret-literal       overlays/dev/kustomization.yaml 's/    files:\n      - password=secrets\/db_password.txt/    literals:\n      - password=not-a-secret-anymore/'
mutate secret-tracked-file  overlays/dev/kustomization.yaml 's/password=secrets\/db_password.txt/password=secrets\/README.md/'
mutate connection-budget    overlays/prod/kustomization.yaml 's/value: 8/value: 30/'
mutate replicas-under-hpa   $D 's/^spec:\n/spec:\n  replicas: 2\n/m'
mutate overlay-replicas     overlays/prod/kustomization.yaml 's/(kind: Deployment\n      name: books\n    patch: \|-\n)/$1      - op: add\n        path: \/spec\/replicas\n        value: 3\n/'
P=overlays/prod/kustomization.yaml
mutate writes-open          $P 's/      - op: add\n        path: \/spec\/template\/spec\/containers\/0\/env\/-\n        value:\n          name: BOOKS_AUTH_TOKENS_FILE\n          value: \S+\n//'
mutate not-required         $P 's/          name: BOOKS_AUTH_REQUIRED\n          value: "true"/          name: BOOKS_AUTH_REQUIRED\n          value: "false"/'
mutate tokens-not-mounted   $P 's/value: \/var\/run\/secrets\/books\/auth\/tokens/value: \/etc\/books\/tokens/'
mutate tokens-subpath       $P 's/(          mountPath: \/var\/run\/secrets\/books\/auth\n)/          subPath: tokens\n$1/'
mutate tokens-world-mode    $P 's/defaultMode: 0440/defaultMode: 0444/'
mutate token-in-env         base/kustomization.yaml 's/(      - DB_USERNAME=books\n)/$1      - BOOKS_API_TOKEN=not-a-secret-anymore\n/'
mutate jwt-without-issuer   $P 's/\z/configMapGenerator:\n  - name: books-config\n    behavior: merge\n    literals:\n      - BOOKS_AUTH_JWT_JWKS=https:\/\/idp.example.com\/certs\n      - BOOKS_AUTH_JWT_AUDIENCE=books-api\n/'

echo "self-test: ${rejected} passed, $((mutations - rejected)) failed"
((rejected == mutations)) || { log "some broken copies were accepted"; exit 1; }
log "every broken copy was rejected"
