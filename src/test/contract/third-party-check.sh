#!/usr/bin/env bash
# third-party-check.sh - the OpenAPI document (src/main/resources/META-INF/openapi.yaml) checked by tools we did
# not write:
#   1. Redocly CLI lint, the recommended rules (redocly.yaml beside this file): 0 errors.
#   2. Spectral lint, spectral:oas + the OWASP API Security ruleset (spectral.yaml beside this file): 0 errors.
#   3. Stoplight Prism as a validating proxy in front of the service while the contract traffic runs through it:
#      the OpenAPI conformance suite on H2 and on PostgreSQL (H2PrismOpenApiCheck, PostgresPrismOpenApiCheck) and
#      the text/number properties on H2 (H2PrismBookTextPropertiesCheck). Any answer Prism finds in breach of the
#      document fails the build. Excluded, with the reason in PrismProxy.java / OpenApiDocument.java: HEAD
#      requests (Prism 5.16 answers every proxied HEAD with 500) and Prism's verdicts on the requests (the suites
#      send invalid requests on purpose, and Prism reads int64 query values as JavaScript numbers).
#
# Usage: third-party-check.sh
#
# Tools: node >= 20 and npm; @redocly/cli, @stoplight/spectral-cli, @stoplight/spectral-owasp-ruleset and
# @stoplight/prism-cli pinned by package.json + package-lock.json beside this file, installed with `npm ci
# --ignore-scripts` into a cache OUTSIDE the work tree ($BOOKS_CI_CACHE/contract-check, /var/cache/books-ci/
# contract-check as root, else ~/.cache/books-ci/contract-check). A JDK 21+ (JAVA_HOME, else
# /usr/lib/jvm/temurin-25-jdk-amd64); the PostgreSQL suite needs BOOKS_TEST_PG_URL (and is mandatory with CI=true).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$ROOT/src/test/lib/harness.sh"
parse_args "" "$@"
default_java_home
export PATH="$JAVA_HOME/bin:$PATH"
cd "$ROOT"
trap 'finish $?' EXIT

DOCUMENT=src/main/resources/META-INF/openapi.yaml
command -v node >/dev/null || die "node is missing"
npm_tools "$HERE" "$(npm_tools_cache contract-check)" "OpenAPI tools (Redocly, Spectral, Prism)"
BIN="$NPM_PREFIX/node_modules/.bin"
version() { node -p "require('$NPM_PREFIX/node_modules/$1/package.json').version"; }
info "Redocly CLI $(version @redocly/cli), Spectral $(version @stoplight/spectral-cli)," \
    "OWASP ruleset $(version @stoplight/spectral-owasp-ruleset), Prism $(version @stoplight/prism-cli)"

log "Redocly lint (recommended)"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
check "Redocly lint: no errors" "$BIN/redocly" lint --config "$HERE/redocly.yaml" "$DOCUMENT"

log "Spectral lint (spectral:oas + OWASP)"
# The ruleset names the OWASP package, which Spectral resolves beside the ruleset file: run it from the install.
cp "$HERE/spectral.yaml" "$NPM_PREFIX/spectral.yaml"
check "Spectral lint: no errors" "$BIN/spectral" lint --fail-severity error --ruleset "$NPM_PREFIX/spectral.yaml" \
    "$DOCUMENT"

log "the lints reject broken copies of the document"
BROKEN="$(mktemp -d)"
sed 's/operationId: getBook$/operationId: listBooks/' "$DOCUMENT" >"$BROKEN/duplicate-operation-id.yaml"
sed '/^    Isbn:$/,/^    IsbnInput:$/{/maxLength: 13/d}' "$DOCUMENT" >"$BROKEN/unbounded-string.yaml"
# rejects RULE CMD...: the lint fails, and for the rule broken on purpose.
rejects() {
    local rule=$1
    shift
    ! "$@" >"$BROKEN/out.txt" 2>&1 && grep -q -- "$rule" "$BROKEN/out.txt"
}
check "Redocly rejects a duplicate operationId" rejects operation-operationId-unique "$BIN/redocly" lint --config "$HERE/redocly.yaml" \
    "$BROKEN/duplicate-operation-id.yaml"
check "Spectral rejects an unbounded string" rejects owasp:api4:2023-string-limit "$BIN/spectral" lint --fail-severity error \
    --ruleset "$NPM_PREFIX/spectral.yaml" "$BROKEN/unbounded-string.yaml"
rm -rf "$BROKEN"

log "Prism in front of the service: contract traffic on H2 and PostgreSQL"
check "Prism: every answer of the contract suites conforms" ./mvnw -B -q test \
    -Dtest='H2PrismOpenApiCheck,PostgresPrismOpenApiCheck,H2PrismBookTextPropertiesCheck' \
    -Dsurefire.failIfNoSpecifiedTests=true -Dbooks.prism="$BIN/prism" -Djacoco.skip=true
