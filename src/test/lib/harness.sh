# shellcheck shell=bash
# harness.sh - helpers shared by the bash test scripts under src/test. Sourced, never executed:
#     HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
#     ROOT="$(cd "$HERE/../../.." && pwd)"
#     # shellcheck source-path=SCRIPTDIR source=../lib/harness.sh
#     . "$ROOT/src/test/lib/harness.sh"
# The caller sets `set -euo pipefail` (and its traps) itself. Sourcing defines the functions and variables below
# and prints nothing; a caller may redefine any function after sourcing (image-test.sh has its own check,
# lint-workflows.sh and validate.sh their own log and die).
#
# Checks (compose-test.sh, image-test.sh, swarm-test.sh, rolling-restart.sh, fault-suite.sh):
#   PASSES, FAILS      counts of passed / failed checks
#   FAILED             names of the failed checks; RESULTS: "PASS|name" / "FAIL|name" of every check, in order
#   pass NAME, fail NAME   count it, print "PASS NAME" / "FAIL NAME"
#   check NAME CMD...  pass or fail NAME by the exit status of CMD
#   die MSG            fail MSG and exit 1 (a failed prerequisite: later checks cannot run)
#   log MSG            a heading; info MSG: an indented detail line
#   SUMMARY, figures   lines collected by the caller; `figures` prints them under a "figures" heading (if any)
#   finish RC          "N passed, N failed in N s" and the failed checks, then exit RC (1 if RC is 0 but a check failed)
# Two output formats; docs/ quote them and people read them, so they stay as they are:
#   HARNESS_TAG unset  "=== 12:34:56 [ 42s] heading", "PASS name", details indented by 5 (compose-test.sh,
#                      swarm-test.sh, rolling-restart.sh); the seconds count from T0, the time of sourcing
#   HARNESS_TAG=NAME   "=== [NAME +42s] heading", "PASS  name", details indented by 6 (image-test.sh,
#                      fault-suite.sh); the seconds are bash's $SECONDS
# Time: now_ms (epoch ms), to_ns RFC3339 (epoch ns), wait_until SECONDS CMD... (polls every ${POLL:-1} s).
# Set-up: parse_args FLAGS "$@" (--build/--keep/--help), pick_jdk and default_java_home (a JDK 21+),
# npm_tools (the pinned npm packages of src/test/ci and src/test/kubernetes).

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    echo "harness.sh is sourced by the test scripts, not run" >&2
    exit 2
fi

# --- checks and output -----------------------------------------------------------------------------------------
PASSES=0
FAILS=0
FAILED=()
RESULTS=()
SUMMARY=()
T0=$(date +%s)

log() {
    if [[ -n "${HARNESS_TAG:-}" ]]; then
        printf '\n=== [%s +%ss] %s\n' "$HARNESS_TAG" "$SECONDS" "$*"
    else
        printf '\n=== %s [%3ds] %s\n' "$(date +%H:%M:%S)" "$(($(date +%s) - T0))" "$*"
    fi
}
info() {
    if [[ -n "${HARNESS_TAG:-}" ]]; then printf '      %s\n' "$*"; else printf '     %s\n' "$*"; fi
}
pass() {
    PASSES=$((PASSES + 1))
    RESULTS+=("PASS|$*")
    if [[ -n "${HARNESS_TAG:-}" ]]; then printf 'PASS  %s\n' "$*"; else printf 'PASS %s\n' "$*"; fi
}
fail() {
    FAILS=$((FAILS + 1))
    FAILED+=("$*")
    RESULTS+=("FAIL|$*")
    if [[ -n "${HARNESS_TAG:-}" ]]; then printf 'FAIL  %s\n' "$*"; else printf 'FAIL %s\n' "$*"; fi
}
# check NAME CMD...: PASS or FAIL by the command's status.
check() {
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}
die() {
    fail "$*"
    exit 1
}
figures() {
    local line
    if ((${#SUMMARY[@]} > 0)); then
        log "figures"
        for line in "${SUMMARY[@]}"; do info "$line"; done
    fi
}
# finish RC: the last lines of a run (from the EXIT trap), then exit.
finish() {
    local rc=$1 name
    log "$PASSES passed, $FAILS failed in $(($(date +%s) - T0)) s"
    for name in "${FAILED[@]}"; do printf '  failed: %s\n' "$name"; done
    if ((rc == 0 && FAILS > 0)); then rc=1; fi
    exit "$rc"
}

# --- time ------------------------------------------------------------------------------------------------------
now_ms() { date +%s%3N; }
# RFC 3339 timestamp (as docker prints it) -> nanoseconds since the epoch.
to_ns() { date -d "$1" +%s%N; }
# wait_until SECONDS CMD...: runs CMD every POLL seconds (default 1) until it succeeds; 1 on time-out.
wait_until() {
    local timeout=$1
    shift
    local deadline=$(($(now_ms) + timeout * 1000))
    until "$@"; do
        if (($(now_ms) >= deadline)); then return 1; fi
        sleep "${POLL:-1}"
    done
}

# --- set-up ----------------------------------------------------------------------------------------------------
# parse_args "FLAGS" "$@": FLAGS is the accepted subset of "--build --keep" (sets BUILD=1 / KEEP=1; both start
# at 0); -h/--help prints the script's header comment and exits 0; anything else exits 2.
# shellcheck disable=SC2034 # BUILD and KEEP are read by the caller
parse_args() {
    local accepted=" $1 " arg
    shift
    BUILD=0
    KEEP=0
    for arg in "$@"; do
        case "$arg" in
            -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
            --build|--keep)
                [[ "$accepted" == *" $arg "* ]] || { echo "unknown argument: $arg (see --help)" >&2; exit 2; }
                if [[ "$arg" == --build ]]; then BUILD=1; else KEEP=1; fi
                ;;
            *) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
        esac
    done
}

# pick_jdk: prints the first JDK 21+ (with javac) of $JAVA_HOME, /usr/lib/jvm/temurin-25-jdk-amd64,
# /usr/lib/jvm/*; 1 when there is none.
pick_jdk() {
    local candidate version
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
        [[ -n "$candidate" && -x "$candidate/bin/javac" ]] || continue
        version="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java.specification.version = //p')"
        if [[ "${version%%.*}" =~ ^[0-9]+$ ]] && ((${version%%.*} >= 21)); then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}
# default_java_home: keeps JAVA_HOME when its java is 21+, else exports JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
# (not checked here: a missing JDK shows when it is used).
default_java_home() {
    if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
        export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
    fi
}

# npm_tools_cache NAME: default install dir of pinned npm packages: $BOOKS_CI_CACHE/NAME, /var/cache/books-ci/NAME
# as root, else ${XDG_CACHE_HOME:-~/.cache}/books-ci/NAME.
npm_tools_cache() {
    if [[ -n "${BOOKS_CI_CACHE:-}" ]]; then
        echo "$BOOKS_CI_CACHE/$1"
    elif [[ "$(id -u)" -eq 0 ]]; then
        echo "/var/cache/books-ci/$1"
    else
        echo "${XDG_CACHE_HOME:-$HOME/.cache}/books-ci/$1"
    fi
}
# npm_tools DIR CACHE WHAT: the packages pinned by DIR/package.json + DIR/package-lock.json, installed once per
# content of these two files (npm ci --ignore-scripts: integrity-checked, no install scripts) into
# NPM_PREFIX=CACHE/<hash>. Logs "installing the pinned WHAT into ..." first; on failure shows npm's log on
# stderr and dies (log and die: the caller's).
npm_tools() {
    local dir=$1 cache=$2 what=$3 key
    key="$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -c1-16)"
    NPM_PREFIX="$cache/$key"
    if [[ ! -f "$NPM_PREFIX/.complete" ]]; then
        log "installing the pinned $what into $NPM_PREFIX"
        rm -rf "$NPM_PREFIX"
        mkdir -p "$NPM_PREFIX"
        cp "$dir/package.json" "$dir/package-lock.json" "$NPM_PREFIX/"
        (cd "$NPM_PREFIX" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >"$NPM_PREFIX/npm-ci.log" 2>&1) \
            || { cat "$NPM_PREFIX/npm-ci.log" >&2; die "npm ci failed"; }
        touch "$NPM_PREFIX/.complete"
    fi
}
