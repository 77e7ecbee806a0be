#!/usr/bin/env bash
# base-images.sh - build the TEST-ONLY base images used by the container tests and push
# them to the local registry (localhost:5000), keeping each one in the local docker
# engine under the same reference too. No registry on the internet is needed: all
# images are made from Debian trixie packages (debootstrap + apt-get download + dpkg)
# and the machine's JDK 25, then `docker import`ed.
#
# Usage: base-images.sh [ACTION]...
#   all        (default) jre + jre-multi + postgres, then print the references
#   jre        localhost:5000/books-test/jre:25        shell-less JRE, linux/amd64
#   jre-multi  localhost:5000/books-test/jre:25-multi  manifest list amd64 + arm64
#              (also pushes :25-amd64 and :25-arm64)
#   postgres   localhost:5000/books-test/postgres:17   stand-in for postgres:17
#   verify     run the checks on the images (needs them built; cleans up after itself)
#   refs       print the image references
#   clean      delete the cache directory (images stay in docker and the registry)
#
# Environment (optional):
#   BOOKS_CI_CACHE       cache root (default /var/cache/books-ci)
#   BOOKS_CI_JDK         JDK used for jlink (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BOOKS_CI_REFRESH=1   refresh the apt lists of the build chroot now (else: weekly)
#   BOOKS_CI_MIRROR      Debian mirror (default http://deb.debian.org/debian)
#
# Needs root. Calls docker-env.sh up first (installs/starts docker + registry).

# ok/bad (verify) always return 0, so "A && ok || bad" is a plain if-then-else here.
# shellcheck disable=SC2015
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${BOOKS_CI_CACHE:-/var/cache/books-ci}"
JDK="${BOOKS_CI_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
MIRROR="${BOOKS_CI_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${BOOKS_CI_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
SUITE=trixie
APT_MAX_AGE_MIN=$((7 * 24 * 60))
# Fixed file time in the image tarballs (2025-01-01) so equal inputs give equal tars.
EPOCH=1735689600
CREATED=2025-01-01T00:00:00Z
# Bump to force a rebuild of the debootstrap tree (the rest is keyed by this file).
BUILDER_RECIPE=1

REGISTRY=localhost:5000
REGISTRY_HTTP=http://127.0.0.1:5000
REF_JRE="$REGISTRY/books-test/jre:25"
REF_JRE_AMD64="$REGISTRY/books-test/jre:25-amd64"
REF_JRE_ARM64="$REGISTRY/books-test/jre:25-arm64"
REF_JRE_MULTI="$REGISTRY/books-test/jre:25-multi"
REF_PG="$REGISTRY/books-test/postgres:17"

JLINK_MODULES=java.se,jdk.unsupported,jdk.management,jdk.management.agent,jdk.management.jfr,jdk.jfr,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.naming.dns,jdk.localedata,jdk.charsets,jdk.net,jdk.httpserver,jdk.jcmd,jdk.attach,jdk.security.auth,jdk.security.jgss
JLINK_FLAGS=(--strip-debug --no-man-pages --no-header-files --generate-cds-archive)
# Debian packages that make the distroless-like root filesystem (see assemble_jre_rootfs).
JRE_BASE_PKGS=(libc6 libgcc-s1 zlib1g)   # per architecture
JRE_ALL_PKGS=(tzdata netbase)            # Architecture: all
# Sonames that may stay unresolved: GUI/sound/printing libraries a headless server
# never loads (java.desktop's X11/ALSA/CUPS/fontconfig back ends).
ALLOWED_MISSING='^(libX[A-Za-z0-9]*|libxcb.*|libasound|libcups|libfontconfig|libfreetype|libharfbuzz|libgif|libpng16|libgtk.*|libgdk.*|libgio.*|libglib.*|libgobject.*|libGL|libEGL)\.so'
PATH_DEFAULT=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

BUILDER=""       # set by ensure_builder: path of the build chroot
BUILDER_KEY=""   # set by ensure_builder
FETCHED=()       # set by fetch_debs
LIBS=()          # set by lib_closure
MINBASE_TAR=""   # set by ensure_builder: pristine debootstrap tree as a tarball
MOUNTS=()        # proc mounts to undo on exit
TMP_DIRS=()      # scratch dirs to delete on exit
SCRATCH=""       # set by scratch
VERIFY_CONTAINERS=() VERIFY_VOLUMES=() VERIFY_NETWORKS=()

log() { printf '[base-images +%ss] %s\n' "$SECONDS" "$*" >&2; }
die() { printf '[base-images] ERROR: %s\n' "$*" >&2; exit 1; }
key_of() { sha256sum | cut -c1-16; }
# Source of the functions that make a rootfs (part of its cache key), plus the tar flags.
recipe_code() { declare -f "$@" tar_rootfs; echo "$EPOCH"; }

cleanup() {
    local rc=$? m d c
    for c in "${VERIFY_CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
    for c in "${VERIFY_VOLUMES[@]}"; do docker volume rm -f "$c" >/dev/null 2>&1 || true; done
    for c in "${VERIFY_NETWORKS[@]}"; do docker network rm "$c" >/dev/null 2>&1 || true; done
    for m in "${MOUNTS[@]}"; do
        if mountpoint -q "$m"; then umount "$m" || umount -l "$m" || true; fi
    done
    for d in "${TMP_DIRS[@]}"; do safe_rm "$d" || true; done
    if [[ $rc -ne 0 ]]; then log "FAILED (exit $rc)"; fi
    return "$rc"
}
trap cleanup EXIT

# mounted_under DIR: is DIR or anything below it a mount point?
mounted_under() {
    awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' /proc/mounts
}

# rm -rf that refuses to descend into mounted file systems (chroot /proc!).
safe_rm() {
    local d="$1"
    [[ -e "$d" ]] || return 0
    [[ "$d" == "$CACHE"/* || "$d" == /tmp/* ]] || die "refusing to delete $d"
    if mounted_under "$d"; then
        die "refusing to delete $d: something is mounted under it"
    fi
    rm -rf --one-file-system "$d"
}

# scratch NAME -> SCRATCH=new empty dir under $CACHE/tmp, deleted on exit.
# (A global, not output: in $(...) the registration for cleanup would be lost.)
scratch() {
    mkdir -p "$CACHE/tmp"
    SCRATCH="$(mktemp -d "$CACHE/tmp/$1.XXXXXX")"
    TMP_DIRS+=("$SCRATCH")
}

# Mount /proc in a chroot (in the main shell, so that cleanup() unmounts it).
chroot_mount() {
    if ! mountpoint -q "$1/proc"; then
        mount -t proc proc "$1/proc"
        MOUNTS+=("$1/proc")
    fi
}

in_chroot() {
    local root="$1"
    shift
    mountpoint -q "$root/proc" || die "internal: $root/proc not mounted"
    chroot "$root" /usr/bin/env -i PATH="$PATH_DEFAULT" HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@"
}

leave_chroot() {
    local root="$1"
    if mountpoint -q "$root/proc"; then umount "$root/proc"; fi
}

# prune_older DIR PREFIX KEEP: delete DIR/PREFIX* except KEEP (and KEEP.sha256).
prune_older() {
    local f
    for f in "$1/$2"*; do
        [[ -e "$f" && "$f" != "$3" && "$f" != "$3.sha256" ]] || continue
        log "  removing stale cache entry $(basename "$f")"
        rm -f "$f"
    done
}

# Deterministic tarball of a root file system.
tar_rootfs() {
    local dir="$1" out="$2"
    tar --format=gnu --sort=name --numeric-owner --mtime="@$EPOCH" \
        --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
        -C "$dir" -cf "$out.part" .
    mv "$out.part" "$out"
}

# ---------------------------------------------------------------- build chroot
write_sources() {
    cat >"$1/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
    # Keep apt from starting services inside the chroot.
    printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
    chmod 755 "$1/usr/sbin/policy-rc.d"
}

ensure_builder() {
    command -v debootstrap >/dev/null || die "debootstrap missing (docker-env.sh up installs it)"
    local key dir
    key="$(printf '%s\n' "$SUITE" "$MIRROR" "$SECURITY_MIRROR" minbase "$BUILDER_RECIPE" | key_of)"
    dir="$CACHE/builder/$SUITE-$key"
    BUILDER="$dir/root"
    BUILDER_KEY="$key"
    MINBASE_TAR="$dir/minbase.tar"
    if [[ ! -f "$dir/.complete" ]]; then
        log "debootstrap --variant=minbase $SUITE (cold cache; ~1 min)"
        safe_rm "$dir"
        mkdir -p "$dir"
        debootstrap --variant=minbase "$SUITE" "$BUILDER" "$MIRROR" >"$dir/debootstrap.log" 2>&1 \
            || { tail -n 20 "$dir/debootstrap.log" >&2; die "debootstrap failed (log $dir/debootstrap.log)"; }
        write_sources "$BUILDER"
        rm -rf "$BUILDER/var/cache/apt/archives/"*.deb
        tar_rootfs "$BUILDER" "$MINBASE_TAR"
        chroot_mount "$BUILDER"
        in_chroot "$BUILDER" dpkg --add-architecture arm64
        in_chroot "$BUILDER" apt-get update -q >"$dir/apt-update.log" 2>&1 \
            || { cat "$dir/apt-update.log" >&2; die "apt-get update in chroot failed"; }
        in_chroot "$BUILDER" apt-get install -y -q --no-install-recommends ca-certificates >"$dir/apt-install.log" 2>&1 \
            || { tail -n 20 "$dir/apt-install.log" >&2; die "installing ca-certificates in chroot failed"; }
        touch "$dir/.complete"
    elif [[ "${BOOKS_CI_REFRESH:-0}" == 1 ]] || \
         [[ -z "$(find "$BUILDER/var/lib/apt/lists" -maxdepth 1 -name '*InRelease' -mmin "-$APT_MAX_AGE_MIN" -print -quit)" ]]; then
        log "refreshing apt lists of the build chroot"
        chroot_mount "$BUILDER"
        in_chroot "$BUILDER" apt-get update -q >"$dir/apt-update.log" 2>&1 \
            || { cat "$dir/apt-update.log" >&2; die "apt-get update in chroot failed"; }
        in_chroot "$BUILDER" apt-get install -y -q --no-install-recommends ca-certificates >"$dir/apt-install.log" 2>&1 \
            || die "upgrading ca-certificates in chroot failed"
    fi
    chroot_mount "$BUILDER"
    mkdir -p "$BUILDER/debs/amd64" "$BUILDER/debs/arm64" "$BUILDER/debs/all"
    in_chroot "$BUILDER" chown _apt:root /debs/amd64 /debs/arm64 /debs/all
}

# apt_query CMD...: read-only apt command in the build chroot, memoized until the apt
# lists or the installed package set change (keeps a warm run at a few seconds).
apt_query() {
    local stamp key memo
    stamp="$(stat -c '%n %Y %s' "$BUILDER"/var/lib/apt/lists/*_Packages* "$BUILDER/var/lib/dpkg/status" 2>/dev/null | key_of)"
    key="$(printf '%s\n' "$stamp" "$@" | key_of)"
    memo="$BUILDER/../apt-memo/$key"
    if [[ ! -f "$memo" ]]; then
        mkdir -p "$BUILDER/../apt-memo"
        in_chroot "$BUILDER" "$@" >"$memo.part" || { rm -f "$memo.part"; return 1; }
        mv "$memo.part" "$memo"
    fi
    cat "$memo"
}

# fetch_debs ARCH|all PKG... -> FETCHED=(absolute paths of the .deb files); downloads missing.
# (Sets a global instead of printing, so that a failure stops the script.)
fetch_debs() {
    local arch="$1" p specs=() uris missing=() f
    shift
    for p in "$@"; do
        if [[ "$arch" == all ]]; then specs+=("$p"); else specs+=("$p:$arch"); fi
    done
    uris="$(apt_query apt-get download --print-uris "${specs[@]}")" \
        || die "apt-get download --print-uris failed for: ${specs[*]}"
    while read -r _ f _; do
        [[ -n "$f" ]] || continue
        [[ -s "$BUILDER/debs/$arch/$f" ]] || missing+=("$f")
    done <<<"$uris"
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "downloading ${#missing[@]} $arch package(s)"
        in_chroot "$BUILDER" sh -c "cd /debs/$arch && apt-get download -qq $(printf '%q ' "${specs[@]}")" >&2 \
            || die "apt-get download failed for: ${specs[*]}"
    fi
    FETCHED=()
    while read -r _ f _; do
        [[ -n "$f" ]] || continue
        [[ -s "$BUILDER/debs/$arch/$f" ]] || die "missing after download: $f"
        FETCHED+=("$BUILDER/debs/$arch/$f")
    done <<<"$uris"
}

# LIBS=(library packages in the Depends closure of PKG), for soname resolution.
lib_closure() {
    local arch="$1" pkg="$2" out
    out="$(apt_query apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances "$pkg:$arch" \
        | awk -v a=":$arch" '/^[a-z0-9]/ { n=$1; if (n ~ a"$") { sub(a"$", "", n); if (n ~ /^(lib|zlib1g)/) print n } }' \
        | sort -u)" || die "apt-cache depends $pkg:$arch failed"
    mapfile -t LIBS <<<"$out"
}

extract_deb() { dpkg-deb --fsys-tarfile "$1" | tar -x --keep-directory-symlink -C "$2"; }

elf_needed() {
    find "$1" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0 \
        | xargs -0 -r readelf -d 2>/dev/null | awk '/\(NEEDED\)/ { gsub(/[][]/, "", $5); print $5 }' | sort -u
}

present_sonames() { find "$1" \( -type f -o -type l \) -name '*.so*' -printf '%f\n' | sort -u; }

# resolve_needed ROOTFS DEB... : extract, from the given .debs, whatever provides the
# sonames that ELF files in ROOTFS need, until nothing more can be resolved.
resolve_needed() {
    local root="$1" deb so missing unresolved
    shift
    declare -A provider=() used=()
    for deb in "$@"; do
        while read -r so; do
            [[ -n "$so" && -z "${provider[$so]:-}" ]] && provider[$so]="$deb"
        done < <(dpkg-deb -c "$deb" | awk '{print $6}' | grep -E '\.so(\.[0-9]+)*$' | xargs -r -n1 basename)
    done
    local round added
    for round in 1 2 3 4 5 6 7 8; do
        missing="$(comm -23 <(elf_needed "$root") <(present_sonames "$root"))"
        added=0
        for so in $missing; do
            deb="${provider[$so]:-}"
            if [[ -n "$deb" && -z "${used[$deb]:-}" ]]; then
                log "  + $(basename "$deb") (for $so)"
                extract_deb "$deb" "$root"
                used[$deb]=1
                added=1
            fi
        done
        [[ $added -eq 1 ]] || break
    done
    : "$round"
    unresolved="$(comm -23 <(elf_needed "$root") <(present_sonames "$root") | grep -Ev "$ALLOWED_MISSING" || true)"
    [[ -z "$unresolved" ]] || die "unresolved shared libraries in $root: $(echo "$unresolved" | tr '\n' ' ')"
    local allowed
    allowed="$(comm -23 <(elf_needed "$root") <(present_sonames "$root") | tr '\n' ' ')"
    [[ -z "${allowed// /}" ]] || log "  (not needed headless, left out: $allowed)"
}

# ---------------------------------------------------------------- JRE images
ensure_jlink() {
    [[ -x "$JDK/bin/jlink" ]] || die "no jlink at $JDK/bin/jlink (set BOOKS_CI_JDK)"
    local key dir
    key="$( { cat "$JDK/release"; "$JDK/bin/java" -version 2>&1; echo "$JLINK_MODULES ${JLINK_FLAGS[*]}"; } | key_of)"
    dir="$CACHE/jlink/$key"
    if [[ ! -f "$dir/.complete" ]]; then
        log "jlink $JDK -> $dir/jre"
        safe_rm "$dir"
        mkdir -p "$dir"
        "$JDK/bin/jlink" --add-modules "$JLINK_MODULES" "${JLINK_FLAGS[@]}" --output "$dir/jre"
        "$dir/jre/bin/java" -version >/dev/null 2>&1 || die "jlinked java does not run"
        touch "$dir/.complete"
    fi
    JLINK_KEY="$key"
    JLINK_DIR="$dir/jre"
}

# Skeleton shared by both architectures: merged /usr, users, certs, /tmp.
jre_skeleton() {
    local root="$1" arch_triplet="$2"
    mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/etc/ssl/certs "$root"/tmp "$root"/root \
        "$root"/home/nonroot "$root"/var "$root"/proc "$root"/sys "$root"/dev "$root"/run "$root/usr/lib/$arch_triplet"
    ln -s usr/bin "$root/bin"
    ln -s usr/sbin "$root/sbin"
    ln -s usr/lib "$root/lib"
    ln -s usr/lib64 "$root/lib64"
    ln -s ../tmp "$root/var/tmp"
    chmod 1777 "$root/tmp"
    chmod 700 "$root/root"
    chown 65532:65532 "$root/home/nonroot"
    chmod 700 "$root/home/nonroot"
    cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
    cat >"$root/etc/group" <<'EOF'
root:x:0:
tty:x:5:
staff:x:50:
nonroot:x:65532:
nogroup:x:65534:
EOF
    cat >"$root/etc/nsswitch.conf" <<'EOF'
passwd:   files
group:    files
shadow:   files
hosts:    files dns
networks: files
protocols: files
services: files
EOF
    cat >"$root/etc/os-release" <<'EOF'
PRETTY_NAME="books-test distroless-like (Debian GNU/Linux 13 packages)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
ID=debian
HOME_URL="https://github.com/GoogleContainerTools/distroless"
EOF
    cp "$BUILDER/etc/ssl/certs/ca-certificates.crt" "$root/etc/ssl/certs/ca-certificates.crt"
}

# Remove everything a JVM does not need: no shell, no coreutils, no docs.
jre_prune() {
    local root="$1"
    find "$root/usr/bin" "$root/usr/sbin" -mindepth 1 -maxdepth 1 ! -name java -exec rm -rf {} +
    rm -rf "$root/usr/libexec" "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" \
        "$root/usr/share/lintian" "$root/usr/share/locale" "$root/usr/share/bug" "$root/etc/init.d" \
        "$root/etc/default" "$root/etc/cron.daily" "$root/usr/lib/systemd" "$root/usr/share/bash-completion"
    local sh
    for sh in bin/sh bin/bash bin/dash usr/bin/env bin/busybox bin/ls; do
        [[ ! -e "$root/$sh" ]] || die "$sh still present in $root"
    done
}

# assemble_jre_rootfs ARCH -> sets ROOTFS_TAR
assemble_jre_rootfs() {
    local arch="$1" triplet debs=() lib_debs=() jdk_pkg="" key out root
    case "$arch" in
        amd64) triplet=x86_64-linux-gnu ;;
        arm64) triplet=aarch64-linux-gnu; jdk_pkg=openjdk-25-jre-headless ;;
        *) die "unsupported arch $arch" ;;
    esac
    fetch_debs "$arch" "${JRE_BASE_PKGS[@]}" ${jdk_pkg:+"$jdk_pkg"}
    debs=("${FETCHED[@]}")
    fetch_debs all "${JRE_ALL_PKGS[@]}"
    debs+=("${FETCHED[@]}")
    if [[ -n "$jdk_pkg" ]]; then
        lib_closure "$arch" "$jdk_pkg"
        [[ ${#LIBS[@]} -gt 1 ]] || die "no library dependencies found for $jdk_pkg:$arch"
        fetch_debs "$arch" "${LIBS[@]}"
        lib_debs=("${FETCHED[@]}")
    fi
    # Keyed by the recipe's own code (not the whole script) and every input file.
    key="$( { printf '%s\n' "$arch" "${JLINK_KEY:-}"; recipe_code assemble_jre_rootfs jre_skeleton jre_prune resolve_needed extract_deb; printf '%s\n' "${debs[@]}" "${lib_debs[@]}" | xargs -n1 basename;
              sha256sum "$BUILDER/etc/ssl/certs/ca-certificates.crt" "$JDK/lib/security/cacerts"; } | key_of)"
    out="$CACHE/rootfs/jre-$arch-$key.tar"
    ROOTFS_TAR="$out"
    if [[ -f "$out" ]]; then
        log "jre rootfs $arch: cached ($out)"
        return 0
    fi
    log "assembling jre rootfs for $arch"
    scratch "jre-$arch"
    root="$SCRATCH/root"
    mkdir -p "$root"
    jre_skeleton "$root" "$triplet"
    local deb
    for deb in "${debs[@]}"; do extract_deb "$deb" "$root"; done
    if [[ "$arch" == amd64 ]]; then
        mkdir -p "$root/usr/lib/jvm"
        cp -a "$JLINK_DIR" "$root/usr/lib/jvm/jre"
    else
        local home
        home="$(cd "$root/usr/lib/jvm" && find . -mindepth 1 -maxdepth 1 -type d -name 'java-*-openjdk-*' -printf '%f\n' | head -n1)"
        [[ -n "$home" ]] || die "no JDK directory in $jdk_pkg"
        ln -s "$home" "$root/usr/lib/jvm/jre"
        # Debian points lib/security/cacerts at /etc/ssl/certs/java/cacerts, which
        # ca-certificates-java generates by running java: use the JDK's keystore instead.
        mkdir -p "$root/etc/ssl/certs/java"
        cp "$JDK/lib/security/cacerts" "$root/etc/ssl/certs/java/cacerts"
        rm -rf "$root/usr/lib/jvm/$home/man" "$root/usr/share/doc"
        resolve_needed "$root" "${lib_debs[@]}"
    fi
    [[ -x "$root/usr/lib/jvm/jre/bin/java" ]] || die "no java in the $arch rootfs"
    ln -sf ../lib/jvm/jre/bin/java "$root/usr/bin/java"
    jre_prune "$root"
    # Every ELF dependency must be inside the image (amd64 needs only glibc).
    local unresolved
    unresolved="$(comm -23 <(elf_needed "$root") <(present_sonames "$root") | grep -Ev "$ALLOWED_MISSING" || true)"
    [[ -z "$unresolved" ]] || die "unresolved shared libraries ($arch): $(echo "$unresolved" | tr '\n' ' ')"
    mkdir -p "$CACHE/rootfs"
    tar_rootfs "$root" "$out"
    log "jre rootfs $arch: $(du -sh "$root" | cut -f1) -> $out"
    prune_older "$CACHE/rootfs" "jre-$arch-" "$out"
}

# ---------------------------------------------------------------- docker / registry
registry_digest() {   # REF -> digest of the manifest (or list) in the local registry
    local ref="$1" name tag
    name="${ref#"$REGISTRY"/}"; tag="${name##*:}"; name="${name%:*}"
    curl -fsS -I -m 10 \
        -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        -H 'Accept: application/vnd.oci.image.index.v1+json' \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        "$REGISTRY_HTTP/v2/$name/manifests/$tag" 2>/dev/null \
        | awk 'tolower($1) == "docker-content-digest:" { print $2 }' | tr -d '\r' || true
}

local_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

state_file() { echo "$CACHE/state/$(echo "$1" | tr '/:' '__')"; }

# Images are written as `docker load` archives with a hand-made config (instead of
# `docker import`): that sets the architecture right for arm64, allows STOPSIGNAL, and
# makes the image ID a pure function of the rootfs tarball and the config below.
#
# image_config ARCH DIFF_ID CONFIG_FRAGMENT -> the image config JSON (one line)
image_config() {
    local arch="$1" diff="$2" cfg="$3" variant=""
    [[ "$arch" == arm64 ]] && variant='"variant":"v8",'
    printf '{"architecture":"%s",%s"os":"linux","created":"%s","config":{%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"books-ci base-images.sh"}]}' \
        "$arch" "$variant" "$CREATED" "$cfg" "$diff" "$CREATED"
}

# publish REF TAR ARCH CONFIG_FRAGMENT: load into docker (unless there), tag, push.
publish() {
    local ref="$1" tar="$2" arch="$3" cfg="$4" diff config id state sid sdig dig dir
    if [[ ! -s "$tar.sha256" || "$tar.sha256" -ot "$tar" ]]; then
        sha256sum "$tar" | cut -d' ' -f1 >"$tar.sha256"
    fi
    diff="$(cat "$tar.sha256")"
    config="$(image_config "$arch" "$diff" "$cfg")"
    id="sha256:$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
    state="$(state_file "$ref")"
    mkdir -p "$CACHE/state"
    sid="" sdig=""
    if [[ -f "$state" ]]; then read -r sid sdig <"$state" || true; fi
    dig="$(registry_digest "$ref")"
    if [[ "$(local_id "$ref")" == "$id" && "$sid" == "$id" && -n "$dig" && "$dig" == "$sdig" ]]; then
        log "$ref: up to date ($dig)"
        return 0
    fi
    local old
    old="$(local_id "$ref")"
    if [[ -z "$(local_id "$id")" ]]; then
        log "$ref: docker load (linux/$arch, $(du -h "$tar" | cut -f1) rootfs)"
        scratch load
        dir="$SCRATCH"
        printf '%s' "$config" >"$dir/${id#sha256:}.json"
        mkdir "$dir/$diff"
        ln "$tar" "$dir/$diff/layer.tar" 2>/dev/null || cp "$tar" "$dir/$diff/layer.tar"
        printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "${id#sha256:}" "$ref" "$diff" >"$dir/manifest.json"
        tar -C "$dir" -cf - manifest.json "${id#sha256:}.json" "$diff" | docker load -q >/dev/null \
            || die "docker load for $ref failed"
        safe_rm "$dir"
    fi
    docker tag "$id" "$ref"
    [[ "$(local_id "$ref")" == "$id" ]] || die "$ref: unexpected image id after load"
    # Drop the image this reference pointed to before, once nothing else names it.
    if [[ -n "$old" && "$old" != "$id" && "$(docker image inspect -f '{{len .RepoTags}}' "$old" 2>/dev/null)" == 0 ]]; then
        docker rmi "$old" >/dev/null 2>&1 || true
    fi
    if [[ "$sid" != "$id" || -z "$dig" || "$dig" != "$sdig" ]]; then
        log "$ref: pushing"
        docker push -q "$ref" >/dev/null || die "docker push $ref failed"
        dig="$(registry_digest "$ref")"
        [[ -n "$dig" ]] || die "$ref not found in the registry after push"
    fi
    echo "$id $dig" >"$state"
}

# publish_alias SRC DST: DST = the very same image as SRC (same digest), locally and pushed.
publish_alias() {
    local src="$1" dst="$2"
    if [[ "$(local_id "$dst")" == "$(local_id "$src")" && "$(registry_digest "$dst")" == "$(registry_digest "$src")" ]]; then
        log "$dst: up to date (= $src)"
        return 0
    fi
    log "$dst: tagging $src and pushing"
    docker tag "$src" "$dst"
    docker push -q "$dst" >/dev/null || die "docker push $dst failed"
    [[ "$(registry_digest "$dst")" == "$(registry_digest "$src")" ]] || die "$dst digest differs from $src"
}

# Like gcr.io/distroless/java25-debian13:nonroot, minus its ENTRYPOINT ["/usr/bin/java","-jar"]
# (so that `docker run IMAGE java -version` works; Jib sets its own entrypoint anyway).
JRE_CONFIG='"User":"65532:65532","Env":["PATH=/usr/lib/jvm/jre/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/usr/lib/jvm/jre","LANG=C.UTF-8","SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],"WorkingDir":"/home/nonroot","Labels":{"org.opencontainers.image.description":"TEST-ONLY distroless-like JRE 25 base (books-ci)"}'

build_jre() {
    ensure_builder
    ensure_jlink
    assemble_jre_rootfs amd64
    publish "$REF_JRE" "$ROOTFS_TAR" amd64 "$JRE_CONFIG"
}

build_jre_multi() {
    build_jre
    publish_alias "$REF_JRE" "$REF_JRE_AMD64"
    assemble_jre_rootfs arm64
    publish "$REF_JRE_ARM64" "$ROOTFS_TAR" arm64 "$JRE_CONFIG"

    local want state sdig cur
    want="$(registry_digest "$REF_JRE_AMD64") $(registry_digest "$REF_JRE_ARM64")"
    state="$(state_file "$REF_JRE_MULTI")"
    cur="$(registry_digest "$REF_JRE_MULTI")"
    if [[ -f "$state" ]]; then
        sdig="$(sed -n 2p "$state")"
        if [[ "$(sed -n 1p "$state")" == "$want" && -n "$cur" && "$cur" == "$sdig" ]]; then
            log "$REF_JRE_MULTI: up to date ($cur)"
            ensure_local_multi
            return 0
        fi
    fi
    log "$REF_JRE_MULTI: creating manifest list (linux/amd64 + linux/arm64)"
    docker manifest rm "$REF_JRE_MULTI" >/dev/null 2>&1 || true
    docker manifest create --insecure "$REF_JRE_MULTI" "$REF_JRE_AMD64" "$REF_JRE_ARM64" >/dev/null
    docker manifest annotate "$REF_JRE_MULTI" "$REF_JRE_AMD64" --os linux --arch amd64
    docker manifest annotate "$REF_JRE_MULTI" "$REF_JRE_ARM64" --os linux --arch arm64 --variant v8
    docker manifest push --insecure --purge "$REF_JRE_MULTI" >/dev/null
    cur="$(registry_digest "$REF_JRE_MULTI")"
    [[ -n "$cur" ]] || die "manifest list not in the registry after push"
    check_multi_platforms
    printf '%s\n%s\n' "$want" "$cur" >"$state"
    ensure_local_multi
}

check_multi_platforms() {
    local body
    body="$(curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
        "$REGISTRY_HTTP/v2/books-test/jre/manifests/25-multi")"
    grep -q '"architecture": *"amd64"' <<<"$body" || die "25-multi lacks linux/amd64"
    grep -q '"architecture": *"arm64"' <<<"$body" || die "25-multi lacks linux/arm64"
}

# The engine keeps the host platform's image of the list under the same reference.
ensure_local_multi() {
    if [[ "$(local_id "$REF_JRE_MULTI")" != "$(local_id "$REF_JRE_AMD64")" ]]; then
        docker pull -q "$REF_JRE_MULTI" >/dev/null
    fi
}

# ---------------------------------------------------------------- postgres image
# Mirrors postgres:17's config. STOPSIGNAL SIGINT as there; the entrypoint also turns a
# SIGTERM into SIGINT, so `docker kill -s TERM` and runtimes that ignore it stop fast too.
PG_CONFIG='"Env":["PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","PG_MAJOR=17","PGDATA=/var/lib/postgresql/data","LANG=C.UTF-8"],"Entrypoint":["docker-entrypoint.sh"],"Cmd":["postgres"],"ExposedPorts":{"5432/tcp":{}},"Volumes":{"/var/lib/postgresql/data":{}},"StopSignal":"SIGINT","Labels":{"org.opencontainers.image.description":"TEST-ONLY stand-in for postgres:17 (Debian trixie postgresql-17, books-ci)"}'

assemble_pg_rootfs() {
    local plan key out root
    plan="$(apt_query apt-get install -s --no-install-recommends postgresql-17 tzdata xz-utils zstd util-linux \
        | awk '/^Inst / { print $2, $3 }' | sort)" || die "apt-get -s install postgresql-17 failed"
    [[ -n "$plan" ]] || die "empty install plan for postgresql-17"
    key="$( { echo "$BUILDER_KEY"; recipe_code assemble_pg_rootfs; cat "$HERE/postgres-entrypoint.sh"; echo "$plan"; } | key_of)"
    out="$CACHE/rootfs/postgres-17-$key.tar"
    ROOTFS_TAR="$out"
    if [[ -f "$out" ]]; then
        log "postgres rootfs: cached ($out)"
        return 0
    fi
    log "assembling postgres rootfs (apt-get install postgresql-17 in a fresh $SUITE tree)"
    scratch postgres
    root="$SCRATCH/root"
    mkdir -p "$root"
    tar -C "$root" -xf "$MINBASE_TAR"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    local logf="$CACHE/tmp/postgres-build.log"
    # Use the build chroot's apt lists: the install plan (and so the cache key) above
    # is exactly what gets installed.
    cp -a "$BUILDER/var/lib/apt/lists/." "$root/var/lib/apt/lists/"
    cat >"$root/tmp/build.sh" <<'BUILD'
set -eux
# Same uid/gid (999) as the official image, so volumes can be swapped between them.
groupadd -r postgres --gid=999
useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres
install -d -o postgres -g postgres -m 755 /var/lib/postgresql
apt-get install -y -q --no-install-recommends postgresql-common
# No cluster from the package: the entrypoint runs initdb on an empty volume.
sed -ri 's/#(create_main_cluster) .*$/\1 = false/' /etc/postgresql-common/createcluster.conf
apt-get install -y -q --no-install-recommends postgresql-17 tzdata xz-utils zstd util-linux
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" /usr/share/postgresql/17/postgresql.conf.sample
grep -F "listen_addresses = '*'" /usr/share/postgresql/17/postgresql.conf.sample
install -d -o postgres -g postgres -m 3777 /var/run/postgresql
install -d -o postgres -g postgres -m 1777 /var/lib/postgresql/data
install -d -m 755 /docker-entrypoint-initdb.d
apt-get clean
BUILD
    chroot_mount "$root"
    in_chroot "$root" bash /tmp/build.sh >"$logf" 2>&1 \
        || { tail -n 30 "$logf" >&2; die "postgres chroot build failed (log $logf)"; }
    leave_chroot "$root"
    install -m 755 "$HERE/postgres-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
    ln -s usr/local/bin/docker-entrypoint.sh "$root/docker-entrypoint.sh"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* \
        "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log "$root"/var/log/apt/* \
        "$root"/var/cache/debconf/*-old "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf" "$root"/tmp/*
    [[ -x "$root/usr/lib/postgresql/17/bin/postgres" ]] || die "postgres binary missing"
    [[ -x "$root/usr/bin/setpriv" ]] || die "setpriv missing"
    mkdir -p "$CACHE/rootfs"
    tar_rootfs "$root" "$out"
    log "postgres rootfs: $(du -sh "$root" | cut -f1) -> $out"
    prune_older "$CACHE/rootfs" "postgres-17-" "$out"
}

build_postgres() {
    ensure_builder
    assemble_pg_rootfs
    publish "$REF_PG" "$ROOTFS_TAR" amd64 "$PG_CONFIG"
}

# ---------------------------------------------------------------- verification
ok() { printf '[verify] OK   %s\n' "$*"; }
bad() { printf '[verify] FAIL %s\n' "$*" >&2; VERIFY_FAILED=1; }

verify_jre() {
    local out
    out="$(docker run --rm "$REF_JRE" java -version 2>&1)" && ok "jre:25 java -version: $(head -n1 <<<"$out")" \
        || bad "jre:25 java -version: $out"
    if docker run --rm --entrypoint /bin/sh "$REF_JRE" -c true >/dev/null 2>&1; then bad "jre:25 has /bin/sh"
    else ok "jre:25 has no /bin/sh"; fi
    if docker run --rm --entrypoint /usr/bin/ls "$REF_JRE" / >/dev/null 2>&1; then bad "jre:25 has ls"
    else ok "jre:25 has no coreutils"; fi
    [[ "$(docker image inspect -f '{{.Config.User}}' "$REF_JRE")" == 65532:65532 ]] && ok "jre:25 USER 65532:65532" \
        || bad "jre:25 user"
    # A small program: user name/home, TLS trust store, time zones, JFR, tmp dir.
    local src
    scratch verify-java
    src="$SCRATCH"
    chmod 755 "$src"
    cat >"$src/Check.java" <<'EOF'
public class Check {
    public static void main(String[] a) throws Exception {
        var ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(System.getProperty("java.home"), "lib/security/cacerts"))) { ks.load(in, null); }
        var tmp = java.nio.file.Files.createTempFile("x", ".tmp");
        try (var r = new jdk.jfr.Recording()) { r.start(); }
        System.out.println("user=" + System.getProperty("user.name") + " home=" + System.getProperty("user.home")
            + " cacerts=" + ks.size() + " tz=" + java.time.ZoneId.of("Europe/Paris").getRules().getOffset(java.time.Instant.EPOCH)
            + " tmp=" + tmp.getParent() + " jfr=ok sslctx=" + javax.net.ssl.SSLContext.getDefault().getProtocol());
    }
}
EOF
    "$JDK/bin/javac" --release 25 -d "$src" "$src/Check.java" || die "javac Check.java failed"
    chmod -R a+rX "$src"
    out="$(docker run --rm -v "$src:/src:ro" "$REF_JRE" java -cp /src Check 2>&1)" \
        && grep -q 'user=nonroot home=/home/nonroot' <<<"$out" && ok "jre:25 program: $out" || bad "jre:25 program: $out"
}

verify_multi() {
    local body
    body="$(curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
        "$REGISTRY_HTTP/v2/books-test/jre/manifests/25-multi")" || { bad "25-multi not in the registry"; return; }
    if grep -q '"architecture": *"amd64"' <<<"$body" && grep -q '"architecture": *"arm64"' <<<"$body"; then
        ok "jre:25-multi lists linux/amd64 and linux/arm64"
    else bad "jre:25-multi platforms: $body"; fi
    if docker run --rm --platform linux/arm64 --entrypoint /bin/sh "$REF_JRE_ARM64" -c true >/dev/null 2>&1; then
        bad "jre:25-arm64 has /bin/sh"
    else ok "jre:25-arm64 has no /bin/sh"; fi
    if [[ -f /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] && grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64; then
        local out
        out="$(docker run --rm --platform linux/arm64 "$REF_JRE_ARM64" java -version 2>&1)" \
            && ok "jre:25-arm64 under qemu: $(grep -m1 -i 'openjdk version' <<<"$out")" || bad "jre:25-arm64 under qemu: $out"
    else
        ok "jre:25-arm64 not run (no qemu-aarch64 binfmt; docker-env.sh qemu enables it)"
    fi
}

# logs_have CONTAINER TEXT (no `docker logs | grep -q`: with pipefail, grep's early exit
# can fail the pipeline through SIGPIPE).
logs_have() {
    local logs
    logs="$(docker logs "$1" 2>&1)"
    grep -qF -- "$2" <<<"$logs"
}

wait_ready() {   # CONTAINER: until pg_isready over TCP inside the container
    local c="$1" i
    for ((i = 0; i < 60; i++)); do
        docker exec "$c" pg_isready -q -h 127.0.0.1 -U books -d books 2>/dev/null && return 0
        [[ "$(docker inspect -f '{{.State.Running}}' "$c")" == true ]] || { docker logs "$c" >&2; return 1; }
        sleep 1
    done
    return 1
}

verify_postgres() {
    local tag net vol c1 c2 dir out t0 t1 ms
    tag="bci-verify-$$"
    net="$tag-net"; vol="$tag-data"; c1="$tag-pg1"; c2="$tag-pg2"
    scratch verify-pg
    dir="$SCRATCH"
    chmod 755 "$dir"
    printf 'S3cret-pw\n' >"$dir/pw"
    chmod 644 "$dir/pw"
    mkdir -p "$dir/initdb"
    # Holds the init phase for 4 s so the socket-only temporary server can be observed.
    printf 'CREATE TABLE seeded(x int); INSERT INTO seeded VALUES (42); SELECT pg_sleep(4);\n' >"$dir/initdb/01-seed.sql"
    chmod -R a+rX "$dir"
    VERIFY_NETWORKS+=("$net"); VERIFY_VOLUMES+=("$vol"); VERIFY_CONTAINERS+=("$c1" "$c2" "$tag-client")
    docker network create "$net" >/dev/null
    docker volume create "$vol" >/dev/null

    docker run -d --name "$c1" --network "$net" --network-alias db -v "$vol:/var/lib/postgresql/data" \
        -v "$dir/pw:/run/secrets/pg_password:ro" -v "$dir/initdb:/docker-entrypoint-initdb.d:ro" \
        -e POSTGRES_USER=books -e POSTGRES_DB=books -e POSTGRES_PASSWORD_FILE=/run/secrets/pg_password \
        "$REF_PG" >/dev/null
    local saw_socket_only=""
    for ((i = 0; i < 40; i++)); do
        if docker exec "$c1" pg_isready -q -U books -d books 2>/dev/null; then
            if ! docker exec "$c1" pg_isready -q -h 127.0.0.1 -U books -d books 2>/dev/null \
                && ! logs_have "$c1" 'init process complete'; then
                saw_socket_only=1
            fi
            break
        fi
        sleep 0.5
    done
    [[ -n "$saw_socket_only" ]] && ok "postgres: during init the server answers on the socket only" \
        || bad "postgres: did not observe the socket-only init server"
    if wait_ready "$c1"; then ok "postgres: fresh start with POSTGRES_PASSWORD_FILE ready over TCP"
    else bad "postgres: fresh start not ready"; docker logs "$c1" >&2; return; fi
    logs_have "$c1" 'running /docker-entrypoint-initdb.d/01-seed.sql' \
        && ok "postgres: ran /docker-entrypoint-initdb.d/01-seed.sql" || bad "postgres: init script not run"
    docker exec "$c1" psql -q -U books -d books -c 'CREATE TABLE kept(v text); INSERT INTO kept VALUES ($$hello$$);' \
        && ok "postgres: docker exec psql works" || bad "postgres: docker exec psql"
    for b in pg_dump pg_restore psql pg_isready; do
        docker exec "$c1" sh -c "command -v $b" >/dev/null || bad "postgres: $b not on PATH"
    done
    docker exec "$c1" pg_dump -U books -d books -Fc -f /tmp/d.dump && docker exec "$c1" pg_restore -l /tmp/d.dump >/dev/null \
        && ok "postgres: pg_dump/pg_restore via docker exec" || bad "postgres: pg_dump/pg_restore"

    out="$(docker run --rm --name "$tag-client" --network "$net" -e PGPASSWORD=wrong-pw "$REF_PG" \
        psql -h db -U books -d books -tAc 'select 1' 2>&1)" \
        && bad "postgres: wrong password accepted" \
        || { grep -q 'password authentication failed' <<<"$out" && ok "postgres: wrong password refused over TCP" \
             || bad "postgres: wrong password: $out"; }
    out="$(docker run --rm --name "$tag-client" --network "$net" -e PGPASSWORD=S3cret-pw "$REF_PG" \
        psql -h db -U books -d books -tAc 'select x from seeded' 2>&1)"
    [[ "$out" == 42 ]] && ok "postgres: right password over TCP (scram-sha-256), seeded data" || bad "postgres: right password: $out"
    out="$(docker exec "$c1" psql -U books -d books -tAc 'show listen_addresses; show password_encryption' | tr '\n' ' ')"
    [[ "$out" == "* scram-sha-256 " ]] && ok "postgres: listen_addresses=* password_encryption=scram-sha-256" || bad "postgres: settings $out"
    [[ "$(docker top "$c1" -eo pid,uid,comm | awk 'NR > 1 && $3 ~ /^postgres/ { print $2 }' | sort -u)" == 999 ]] \
        && ok "postgres: server runs as user postgres" || bad "postgres: server user"

    t0="$(date +%s%N)"; docker stop "$c1" >/dev/null; t1="$(date +%s%N)"
    ms=$(((t1 - t0) / 1000000))
    [[ $ms -lt 5000 ]] && ok "postgres: docker stop took ${ms} ms" || bad "postgres: docker stop took ${ms} ms"
    # Log of the real server only (the init phase has its own fast shutdown).
    out="$(docker logs "$c1" 2>&1 | sed -n '/init process complete/,$p')"
    grep -q 'received fast shutdown request' <<<"$out" && grep -q 'database system is shut down' <<<"$out" \
        && [[ "$(docker inspect -f '{{.State.ExitCode}}' "$c1")" == 0 ]] \
        && ok "postgres: clean fast shutdown, exit 0" || bad "postgres: shutdown log: $out"

    docker run -d --name "$c2" --network "$net" -v "$vol:/var/lib/postgresql/data" \
        -e POSTGRES_USER=books -e POSTGRES_DB=books -e POSTGRES_PASSWORD=ignored-on-restart "$REF_PG" >/dev/null
    if wait_ready "$c2"; then
        out="$(docker exec "$c2" psql -U books -d books -tAc 'select v from kept')"
        [[ "$out" == hello ]] && ok "postgres: restart on the volume kept the data" || bad "postgres: data after restart: $out"
        logs_have "$c2" 'Skipping initialization' && ! logs_have "$c2" 'initdb' \
            && ok "postgres: no re-init on an existing volume" || bad "postgres: re-init on restart?"
    else bad "postgres: restart not ready"; fi
    # SIGTERM (what a runtime without STOPSIGNAL support sends) must also be a fast shutdown.
    t0="$(date +%s%N)"; docker kill -s TERM "$c2" >/dev/null
    timeout 10 docker wait "$c2" >/dev/null || true
    t1="$(date +%s%N)"; ms=$(((t1 - t0) / 1000000))
    out="$(docker logs "$c2" 2>&1 | tail -n 8)"
    [[ $ms -lt 5000 ]] && grep -q 'received fast shutdown request' <<<"$out" && grep -q 'database system is shut down' <<<"$out" \
        && ok "postgres: SIGTERM -> fast shutdown in ${ms} ms" || bad "postgres: SIGTERM took ${ms} ms: $out"
    docker rm -f "$c1" "$c2" >/dev/null

    out="$(docker run --rm -e POSTGRES_PASSWORD=a -e POSTGRES_PASSWORD_FILE=/x "$REF_PG" 2>&1)" \
        && bad "postgres: both PASSWORD and PASSWORD_FILE accepted" \
        || { grep -q 'are exclusive' <<<"$out" && ok "postgres: PASSWORD + PASSWORD_FILE refused" || bad "postgres: both: $out"; }
    out="$(docker run --rm "$REF_PG" 2>&1)" && bad "postgres: started without a password" \
        || { grep -q 'superuser password is not specified' <<<"$out" && ok "postgres: no password refused" || bad "postgres: none: $out"; }
}

verify() {
    VERIFY_FAILED=0
    verify_jre
    verify_multi
    verify_postgres
    [[ $VERIFY_FAILED -eq 0 ]] || die "verification failed"
    log "verification passed"
}

print_refs() {
    local r
    for r in "$REF_JRE" "$REF_JRE_MULTI" "$REF_JRE_AMD64" "$REF_JRE_ARM64" "$REF_PG"; do
        printf '%-42s %s\n' "$r" "$(registry_digest "$r")"
    done
}

main() {
    [[ $# -gt 0 ]] || set -- all
    case "$1" in -h|--help|help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
    [[ "$(id -u)" -eq 0 ]] || die "must run as root"
    local a
    for a in "$@"; do
        case "$a" in
            all|jre|jre-multi|postgres|verify) "$HERE/docker-env.sh" up; mkdir -p "$CACHE" ;;
            refs|clean) ;;
            *) die "unknown action '$a' (all|jre|jre-multi|postgres|verify|refs|clean)" ;;
        esac
        break
    done
    for a in "$@"; do
        case "$a" in
            all) build_jre_multi; build_postgres; print_refs ;;
            jre) build_jre ;;
            jre-multi) build_jre_multi ;;
            postgres) build_postgres ;;
            verify) verify ;;
            refs) print_refs ;;
            clean)
                if mounted_under "$CACHE"; then die "something is mounted under $CACHE"; fi
                # Only this script's entries: other tools may keep caches in $CACHE too.
                log "deleting $CACHE/{builder,jlink,rootfs,state,tmp}"
                rm -rf --one-file-system "$CACHE/builder" "$CACHE/jlink" "$CACHE/rootfs" "$CACHE/state" "$CACHE/tmp" ;;
        esac
    done
}

main "$@"
