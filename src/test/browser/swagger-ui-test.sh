#!/usr/bin/env bash
# swagger-ui-test.sh - Swagger UI (/openapi/ui/) of the packaged service in a real browser.
#
# Usage: swagger-ui-test.sh [--build]     (--build: ./mvnw package -DskipTests first)
#
# Starts target/books.jar (embedded H2 with the sample books) on 127.0.0.1:${BOOKS_UI_PORT:-18092} and runs
# swagger-ui.test.mjs with node's test runner: Debian's chromium, headless, driven by playwright-core, with a fresh
# profile. It checks that the page lists the five book operations, that "Try it out" on GET /books/{id} with id 1
# shows 200 and "1984", and that nothing is loaded from outside the service. Screenshot: target/swagger-ui.png.
#
# Tools: chromium (Debian package; installed with apt-get when missing and running as root), node >= 20 and npm;
# playwright-core pinned by package.json + package-lock.json beside this file, installed with `npm ci
# --ignore-scripts` (it downloads no browser) into a cache OUTSIDE the work tree ($BOOKS_CI_CACHE/browser-test,
# /var/cache/books-ci/browser-test as root, else ~/.cache/books-ci/browser-test).
# Needs a JDK 21+ (JAVA_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64) and curl.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"
parse_args "--build" "$@"
default_java_home
cd "$ROOT"

PORT="${BOOKS_UI_PORT:-18092}"
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
SERVICE_PID=""
cleanup() {
    local rc=$?
    if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
        kill "$SERVICE_PID" 2>/dev/null || true
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    finish "$rc"
}
trap cleanup EXIT

if ((BUILD)); then
    log "./mvnw -B -q package -DskipTests"
    ./mvnw -B -q package -DskipTests
fi
[[ -f target/books.jar ]] || die "target/books.jar is missing: run ./mvnw package first (or pass --build)"

if ! command -v chromium >/dev/null; then
    [[ "$(id -u)" -eq 0 ]] || die "chromium is missing: apt-get install chromium"
    log "installing chromium (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q -o DPkg::Lock::Timeout=300 chromium >"$WORK/apt.log" 2>&1 \
        || { apt-get update -q >>"$WORK/apt.log" 2>&1 \
            && apt-get install -y -q -o DPkg::Lock::Timeout=300 chromium >>"$WORK/apt.log" 2>&1; } \
        || { cat "$WORK/apt.log" >&2; die "apt-get install chromium failed"; }
fi
command -v node >/dev/null || die "node is missing"
npm_tools "$HERE" "$(npm_tools_cache browser-test)" "browser test tools (playwright-core)"
info "$(chromium --version 2>/dev/null | tail -1), playwright-core $(node -p "require('$NPM_PREFIX/node_modules/playwright-core/package.json').version")"

log "starting target/books.jar on $BASE"
if curl -s -o /dev/null "$BASE/"; then die "port $PORT is in use (set BOOKS_UI_PORT)"; fi
SERVER_PORT="$PORT" SERVER_HOST=127.0.0.1 "$JAVA_HOME/bin/java" -jar target/books.jar >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
ready() { [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/observe/health/ready")" == 200 ]]; }
POLL=0.2 wait_until 60 ready || { tail -20 "$WORK/service.log" >&2; die "the service did not become ready in 60 s"; }

log "browser test (node --test swagger-ui.test.mjs)"
rm -f target/swagger-ui.png
check "Swagger UI in chromium: operations listed, Try it out GET /books/1 = 200 1984, offline" \
    env BOOKS_URL="$BASE" BROWSER_NODE_MODULES="$NPM_PREFIX/node_modules" BROWSER_SCREENSHOT=target/swagger-ui.png \
    node --test --test-timeout=120000 --test-reporter=spec "$HERE/swagger-ui.test.mjs"
check "screenshot target/swagger-ui.png is a PNG" \
    bash -c '[[ "$(head -c 8 target/swagger-ui.png | od -An -tx1 | tr -d " \n")" == 89504e470d0a1a0a ]]'
check "the service logged no error" bash -c "! grep -E ' (SEVERE|ERROR) |Exception' '$WORK/service.log'"
