#!/usr/bin/env bash
# docker-env.sh - bring up (or tear down) the local container tooling used by the
# container tests: a Docker engine (Debian's docker.io) and a plain-HTTP image
# registry on 127.0.0.1:5000 (Debian's docker-registry).
#
# Usage:
#   docker-env.sh up       install missing packages, start dockerd and the registry
#                          if they are not already answering (default action)
#   docker-env.sh down     stop ONLY what an earlier `up` started (pids in the state dir)
#   docker-env.sh status   print what is running and who started it
#   docker-env.sh qemu     optional: qemu-user-static + binfmt_misc so that linux/arm64
#                          images run here (emulated; slow, for smoke tests only)
#   source docker-env.sh   same as `up`, then exports BOOKS_CI_REGISTRY in the caller
#
# Environment (all optional):
#   BOOKS_CI_STATE     state dir with pid files and configs   (default /run/books-ci)
#   BOOKS_CI_LOGS      log dir for dockerd / registry         (default /var/log/books-ci)
#   BOOKS_CI_REGISTRY_STORAGE  registry blob storage          (default /var/lib/books-ci/registry)
#   BOOKS_CI_DOCKER_WAIT       seconds to wait for `docker info` (default 60)
#
# Everything listens on loopback only. Needs root (apt-get, dockerd).

# --- sourced mode: do the work in a child bash so that `set -euo pipefail`
# --- does not leak into the caller's shell.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    bash "${BASH_SOURCE[0]}" up || return 1
    export BOOKS_CI_REGISTRY="localhost:5000"
    return 0
fi

set -euo pipefail

STATE_DIR="${BOOKS_CI_STATE:-/run/books-ci}"
LOG_DIR="${BOOKS_CI_LOGS:-/var/log/books-ci}"
REGISTRY_STORAGE="${BOOKS_CI_REGISTRY_STORAGE:-/var/lib/books-ci/registry}"
DOCKER_WAIT="${BOOKS_CI_DOCKER_WAIT:-60}"
REGISTRY_ADDR="127.0.0.1:5000"
REGISTRY_URL="http://${REGISTRY_ADDR}/v2/"
PACKAGES=(docker.io docker-compose docker-registry debootstrap)
QEMU_PACKAGES=(qemu-user-static binfmt-support)

log() { printf '[docker-env] %s\n' "$*" >&2; }
die() { printf '[docker-env] ERROR: %s\n' "$*" >&2; exit 1; }

need_root() {
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (apt-get, dockerd)"
}

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# apt lists are "usable" when every package has an install candidate.
apt_has_candidates() {
    local p cand
    for p in "$@"; do
        cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')"
        [[ -n "$cand" && "$cand" != "(none)" ]] || return 1
    done
}

install_packages() {
    local missing=() p
    [[ $# -gt 0 ]] || set -- "${PACKAGES[@]}"
    for p in "$@"; do
        pkg_installed "$p" || missing+=("$p")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        log "packages present: $*"
        return 0
    fi
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Keep package maintainer scripts from starting services (docker.io and
    # docker-registry ship init scripts; the registry's default config listens on
    # all interfaces). We start both ourselves, loopback only.
    local made_policy=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    local rc=0
    if ! apt_has_candidates "${missing[@]}"; then
        log "apt lists lack candidates: apt-get update"
        apt-get update -q || rc=$?
    fi
    if [[ $rc -eq 0 ]]; then
        if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
            log "install failed; refreshing apt lists and retrying once"
            apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=$?
        fi
    fi
    [[ -n "$made_policy" ]] && rm -f /usr/sbin/policy-rc.d
    [[ $rc -eq 0 ]] || die "apt-get failed (rc=$rc) installing: ${missing[*]}"
    for p in "${missing[@]}"; do
        pkg_installed "$p" || die "package $p still not installed"
    done
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

read_pid() {
    if [[ -f "$1" ]]; then tr -dc '0-9' < "$1"; fi
}

# who_started NAME -> "ours (pid N)" or "not started by docker-env.sh"
who_started() {
    local pid
    pid="$(read_pid "$STATE_DIR/$1.pid")"
    if pid_alive "$pid"; then echo "started by docker-env.sh, pid $pid"
    else echo "not started by docker-env.sh"; fi
}

docker_ok() { timeout 10 docker info >/dev/null 2>&1; }

start_dockerd() {
    if docker_ok; then
        log "dockerd already answering ($(who_started dockerd))"
        return 0
    fi
    local pid
    pid="$(read_pid "$STATE_DIR/dockerd.pid")"
    if pid_alive "$pid"; then
        log "dockerd (pid $pid, ours) is running but not answering yet; waiting"
    else
        # A dockerd not started by us, still starting up?
        local other
        other="$(read_pid /var/run/docker.pid)"
        if pid_alive "$other" && [[ "$(cat "/proc/$other/comm" 2>/dev/null)" == dockerd ]]; then
            log "dockerd pid $other (not ours) is running but not answering yet; waiting"
        else
            command -v dockerd >/dev/null || die "dockerd not found after install"
            rm -f /var/run/docker.pid
            log "starting dockerd (log: $LOG_DIR/dockerd.log)"
            setsid dockerd >>"$LOG_DIR/dockerd.log" 2>&1 </dev/null &
            pid=$!
            echo "$pid" > "$STATE_DIR/dockerd.pid"
        fi
    fi
    local i
    for ((i = 0; i < DOCKER_WAIT; i++)); do
        docker_ok && { log "dockerd is up"; return 0; }
        if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
            rm -f "$STATE_DIR/dockerd.pid"
            tail -n 30 "$LOG_DIR/dockerd.log" >&2 || true
            die "dockerd exited during start-up (see $LOG_DIR/dockerd.log)"
        fi
        sleep 1
    done
    tail -n 30 "$LOG_DIR/dockerd.log" >&2 || true
    die "docker info did not answer within ${DOCKER_WAIT}s"
}

registry_ok() { curl -fsS -m 5 -o /dev/null "$REGISTRY_URL" 2>/dev/null; }

start_registry() {
    if registry_ok; then
        log "registry already answering on $REGISTRY_ADDR ($(who_started registry))"
        return 0
    fi
    if ss -Hltn "sport = :5000" 2>/dev/null | grep -q .; then
        die "something listens on port 5000 but is not a registry: $(ss -Hltnp 'sport = :5000')"
    fi
    local pid
    pid="$(read_pid "$STATE_DIR/registry.pid")"
    if ! pid_alive "$pid"; then
        command -v docker-registry >/dev/null || die "docker-registry not found after install"
        mkdir -p "$REGISTRY_STORAGE"
        cat > "$STATE_DIR/registry.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${REGISTRY_STORAGE}
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: ${REGISTRY_ADDR}
  headers:
    X-Content-Type-Options: [nosniff]
YML
        log "starting registry on $REGISTRY_ADDR (storage $REGISTRY_STORAGE, log $LOG_DIR/registry.log)"
        setsid docker-registry serve "$STATE_DIR/registry.yml" >>"$LOG_DIR/registry.log" 2>&1 </dev/null &
        pid=$!
        echo "$pid" > "$STATE_DIR/registry.pid"
    fi
    local i
    for ((i = 0; i < 30; i++)); do
        registry_ok && { log "registry is up"; return 0; }
        if ! pid_alive "$pid"; then
            rm -f "$STATE_DIR/registry.pid"
            tail -n 30 "$LOG_DIR/registry.log" >&2 || true
            die "registry exited during start-up (see $LOG_DIR/registry.log)"
        fi
        sleep 1
    done
    die "registry did not answer on $REGISTRY_URL within 30s"
}

# stop_ours NAME EXPECTED_COMM TIMEOUT
stop_ours() {
    local name="$1" comm="$2" timeout="$3" pidfile pid i
    pidfile="$STATE_DIR/$name.pid"
    pid="$(read_pid "$pidfile")"
    if [[ -z "$pid" ]]; then
        log "$name: not started by this script; leaving it alone"
        return 0
    fi
    if ! pid_alive "$pid"; then
        log "$name: pid $pid already gone"
        rm -f "$pidfile"
        return 0
    fi
    if [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$comm" ]]; then
        log "$name: pid $pid is no longer $comm; not touching it"
        rm -f "$pidfile"
        return 0
    fi
    log "stopping $name (pid $pid)"
    kill -TERM "$pid"
    for ((i = 0; i < timeout; i++)); do
        pid_alive "$pid" || { rm -f "$pidfile"; log "$name stopped"; return 0; }
        sleep 1
    done
    die "$name (pid $pid) did not stop within ${timeout}s"
}

setup_qemu() {
    install_packages "${QEMU_PACKAGES[@]}"
    if ! mountpoint -q /proc/sys/fs/binfmt_misc; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc \
            || die "cannot mount binfmt_misc (kernel without CONFIG_BINFMT_MISC, or not allowed here)"
    fi
    if ! grep -qs enabled /proc/sys/fs/binfmt_misc/qemu-aarch64; then
        update-binfmts --enable qemu-aarch64 || die "update-binfmts --enable qemu-aarch64 failed"
    fi
    # The F (fix-binary) flag lets containers use the interpreter without mounting it.
    grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 \
        || die "qemu-aarch64 binfmt registered without the F flag: containers cannot use it"
    log "qemu-aarch64 binfmt enabled: linux/arm64 images run under emulation"
}

status() {
    local n pid
    for n in dockerd registry; do
        pid="$(read_pid "$STATE_DIR/$n.pid")"
        if pid_alive "$pid"; then echo "$n: running, pid $pid (started by docker-env.sh)"
        else echo "$n: no pid recorded by docker-env.sh"; fi
    done
    if docker_ok; then echo "docker info: OK (server $(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    else echo "docker info: NOT answering"; fi
    if registry_ok; then echo "registry $REGISTRY_URL: OK"; else echo "registry $REGISTRY_URL: NOT answering"; fi
}

main() {
    local action="${1:-up}"
    case "$action" in
        up)
            need_root
            mkdir -p "$STATE_DIR" "$LOG_DIR"
            install_packages
            start_dockerd
            start_registry
            ;;
        down)
            need_root
            stop_ours registry docker-registry 30
            stop_ours dockerd dockerd 60
            ;;
        status) status ;;
        qemu)
            need_root
            setup_qemu
            ;;
        -h|--help|help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" ;;
        *) die "unknown action '$action' (use up|down|status|qemu)" ;;
    esac
}

main "$@"
