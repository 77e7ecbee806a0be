#!/usr/bin/env bash
# publish-image.sh - build the container image with Jib and push it to a registry (jib:build).
#
# The one place where the push command lives: .github/workflows/publish.yml runs it against
# ghcr.io, and the local container test runs the very same script against a registry on
# 127.0.0.1, so the two cannot drift apart.
#
# Environment:
#   IMAGE   image name WITHOUT a tag or digest, e.g. ghcr.io/owner/repo (lower-case)
#   TAGS    comma-separated tags, e.g. "main,sha-0123abc,latest". The first one goes into the
#           image reference (-Djib.to.image=IMAGE:FIRST); all of them are passed as
#           -Djib.to.tags. Exactly these tags are pushed (the pom has no <tags>). `latest` is
#           refused outside the publish workflow: only publish.yml moves it.
#   VERSION optional release version, e.g. 1.4.2 (publish.yml sets it on a v1.4.2 tag): built
#           as -Drevision=VERSION, so the jar and the image's version label carry it.
#   MVNW    Maven command (default: ./mvnw from the repository root)
# Arguments: extra Maven arguments, appended as given, e.g.
#   -Djib.allowInsecureRegistries=true -Djib.from.image=localhost:5000/base:tag
#
# Prints the pushed digest and, under GitHub Actions, writes image=, digest= and tags= to
# $GITHUB_OUTPUT. Credentials are not handled here: Jib takes them from the Docker config
# (`docker login`, credential helpers) for the registry it pushes to, and from nothing else.
set -euo pipefail

die() { printf 'publish-image: ERROR: %s\n' "$*" >&2; exit 1; }
log() { printf 'publish-image: %s\n' "$*" >&2; }

: "${IMAGE:?IMAGE must name the image without a tag, e.g. ghcr.io/owner/repo}"
: "${TAGS:?TAGS must be a comma-separated list of tags, e.g. main,sha-0123abc}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MVNW="${MVNW:-./mvnw}"

# IMAGE: registry/path, lower-case, no tag, no digest.
[[ "$IMAGE" != *@* ]] || die "IMAGE must not carry a digest: $IMAGE"
[[ "${IMAGE##*/}" != *:* ]] || die "IMAGE must not carry a tag (tags go in TAGS): $IMAGE"
[[ "$IMAGE" == "${IMAGE,,}" ]] || die "IMAGE must be lower-case: $IMAGE"
[[ "$IMAGE" =~ ^[a-z0-9]([a-z0-9._:-]*[a-z0-9])?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)+$ ]] \
    || die "IMAGE is not a valid repository reference: $IMAGE"

# TAGS: trim blanks, drop empty entries and duplicates, check the tag grammar.
tags=()
IFS=',' read -r -a raw_tags <<<"$TAGS"
for t in "${raw_tags[@]}"; do
    t="${t#"${t%%[![:space:]]*}"}"
    t="${t%"${t##*[![:space:]]}"}"
    [[ -n "$t" ]] || continue
    [[ "$t" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "invalid tag: '$t'"
    dup=0
    for seen in "${tags[@]}"; do [[ "$seen" == "$t" ]] && dup=1; done
    ((dup)) || tags+=("$t")
done
((${#tags[@]} > 0)) || die "TAGS holds no tag: '$TAGS'"
all_tags="$(IFS=,; printf '%s' "${tags[*]}")"

# `latest` is the signed, attested build of main; a push from anywhere else would replace it.
if [[ ",$all_tags," == *,latest,* && "${GITHUB_WORKFLOW_REF:-}" != */.github/workflows/publish.yml@* ]]; then
    die "TAGS holds 'latest': only the publish workflow (.github/workflows/publish.yml) pushes it"
fi

version_args=()
if [[ -n "${VERSION:-}" ]]; then
    [[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+([.+-][0-9A-Za-z.+-]+)?$ ]] || die "VERSION is not a release version: '$VERSION'"
    version_args=("-Drevision=$VERSION")
fi

rm -f target/jib-image.digest
log "pushing ${IMAGE}:${tags[0]} with tags ${all_tags}"
set -x
"$MVNW" -B package -DskipTests jib:build \
    "-Djib.to.image=${IMAGE}:${tags[0]}" \
    "-Djib.to.tags=${all_tags}" \
    ${version_args[@]+"${version_args[@]}"} \
    "$@"
{ set +x; } 2>/dev/null

[[ -s target/jib-image.digest ]] || die "Jib wrote no target/jib-image.digest"
digest="$(tr -d '[:space:]' <target/jib-image.digest)"
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "unexpected digest in target/jib-image.digest: '$digest'"

printf 'image=%s\ndigest=%s\ntags=%s\n' "$IMAGE" "$digest" "$all_tags"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf 'image=%s\ndigest=%s\ntags=%s\n' "$IMAGE" "$digest" "$all_tags" >>"$GITHUB_OUTPUT"
fi
