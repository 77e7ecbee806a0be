#!/usr/bin/env bash
# smoke-api.sh - exercise a running books service through its published port: readiness and
# liveness, create a book, read it back by its Location, list books. Used by the `container`
# job of .github/workflows/ci.yml after `docker compose up -d --wait`; any local Compose test
# can call it the same way.
#
# Usage: smoke-api.sh [BASE_URL]      (default http://localhost:8080)
# Environment: SMOKE_READY_TRIES (default 30) x 2 s to wait for readiness.
# Needs curl and grep only. Every request has a time limit; exits non-zero on the first failure.
set -euo pipefail

BASE="${1:-http://localhost:8080}"
BASE="${BASE%/}"
TRIES="${SMOKE_READY_TRIES:-30}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

log() { printf 'smoke-api: %s\n' "$*" >&2; }
die() { printf 'smoke-api: FAILED: %s\n' "$*" >&2; exit 1; }
# curl with --fail: an HTTP status >= 400 is an error.
fetch() { curl --silent --show-error --fail --max-time 10 "$@"; }

log "waiting for ${BASE}/observe/health/ready"
ready=0
for ((i = 1; i <= TRIES; i++)); do
    if fetch -o /dev/null "${BASE}/observe/health/ready" 2>/dev/null; then ready=1; break; fi
    sleep 2
done
((ready)) || { fetch -o /dev/null "${BASE}/observe/health/ready" || true; die "readiness did not report UP within $((TRIES * 2)) s"; }
fetch -o /dev/null "${BASE}/observe/health/live" || die "liveness is not UP"
log "health: ready and live"

title="Smoke test $(date -u +%Y%m%dT%H%M%SZ)-$$"
body="{\"title\":\"${title}\",\"author\":\"CI\",\"year\":2026}"
status="$(fetch -o "$WORK/created.json" -D "$WORK/created.headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data "$body" "${BASE}/books")" || die "POST /books failed"
[[ "$status" == 201 ]] || die "POST /books answered $status, expected 201"
location="$(tr -d '\r' <"$WORK/created.headers" | sed -n 's/^[Ll]ocation:[[:space:]]*//p' | head -n 1)"
[[ "$location" =~ ^(https?://[^/]+)?/books/[^/]+$ ]] || die "POST /books gave no usable Location header: '$location'"
[[ "$location" == http* ]] || location="${BASE}${location}"
grep -qF "\"title\":\"${title}\"" "$WORK/created.json" || die "created book does not echo its title"
log "created ${location}"

fetch -o "$WORK/read.json" -H 'Accept: application/json' "$location" || die "GET $location failed"
grep -qF "\"title\":\"${title}\"" "$WORK/read.json" || die "GET $location does not return the created book"
log "read it back"

# Ids are ascending numbers: ask for the page that starts right at the new book, so that the
# check also holds on a database that already has many books.
list_url="${BASE}/books"
id="${location##*/}"
if [[ "$id" =~ ^[0-9]+$ ]] && ((id > 0)); then list_url="${BASE}/books?after=$((id - 1))&limit=1"; fi
fetch -o "$WORK/list.json" -H 'Accept: application/json' "$list_url" || die "GET $list_url failed"
grep -qF "\"title\":\"${title}\"" "$WORK/list.json" || die "GET $list_url does not list the created book"
log "listed it"

log "OK"
