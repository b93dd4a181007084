#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for smt-monitor: the Debian packages the demo and the tests run
# (Prometheus, promtool, Alertmanager, VictoriaMetrics, blackbox_exporter for the benchmark, Chromium for the review-page
# tests, a C++ toolchain for better-sqlite3, docker-compose to validate docker-compose.yml, Debian's Docker
# engine and debootstrap to run it, PostgreSQL for the notice store's tests), then the npm packages, starts a Docker engine when none answers,
# and builds the local container images (scripts/container-images.sh, only when their inputs changed).
# Safe to run again: it skips what is already there.
#   --defer-native-build      npm ci without better-sqlite3's native build (.ci/run runs it beside other work)
#   --defer-container-images  no image build (.ci/run runs scripts/container-images.sh beside other work)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || need+=(prometheus-blackbox-exporter)
# The notifier's review-page tests drive Debian's Chromium (playwright-core, no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Browser checks in Firefox drive Debian's Firefox ESR over WebDriver BiDi (puppeteer-core, no browser download).
command -v firefox-esr >/dev/null 2>&1 || need+=(firefox-esr)
# better-sqlite3 (the notifier's store) compiles its native module when no prebuilt one can be fetched.
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The Prometheus pair's long-term store (docs/ha.md): VictoriaMetrics single node; the tests run their own.
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
# docker-compose.yml is validated with Debian's docker-compose (1.29) in npm test; no Docker engine needed.
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
# test/compose-stack.test.ts runs docker-compose.yml on Debian's engine, with images built from a
# debootstrap base (no registry is reachable from our machines).
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
# The notice store's PostgreSQL tests start their own server (initdb, pg_ctl) from Debian's postgresql.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The Debian packages start system services; the demo and the tests run their own instances.
  for svc in prometheus prometheus-alertmanager prometheus-blackbox-exporter prometheus-node-exporter victoria-metrics; do
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
  done
  # postgresql makes and starts a "main" cluster (without systemd too): stop it and leave it to start by hand.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r version cluster _; do
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" stop >/dev/null 2>&1 || true
      echo manual | $SUDO tee "/etc/postgresql/$version/$cluster/start.conf" >/dev/null 2>&1 || true
    done
    $SUDO systemctl disable --now postgresql >/dev/null 2>&1 || true
  fi
fi

# --defer-native-build (.ci/run): npm ci without install scripts; the caller runs `npm rebuild
# better-sqlite3` (the one install script package.json's allowScripts approves) beside other work.
defer_native_build=false
defer_container_images=false
for arg in "$@"; do
  case $arg in
    --defer-native-build) defer_native_build=true ;;
    --defer-container-images) defer_container_images=true ;;
    *)
      echo "setup.sh: unknown option $arg (known: --defer-native-build, --defer-container-images)" >&2
      exit 2
      ;;
  esac
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if [ "$defer_native_build" = true ]; then
    npm ci --no-audit --no-fund --ignore-scripts
  else
    # JOBS=max: node-gyp compiles SQLite and the binding side by side (SQLite's one C file is most of it).
    JOBS=max npm ci --no-audit --no-fund
  fi
fi

# A Docker engine: a running one is left alone; without systemd (our machines), dockerd is started in
# the background with its log in .smt-demo/docker/dockerd.log. Where none can start (no root, no
# kernel support), the container tests skip and say why.
if command -v dockerd >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
  if [ -d /run/systemd/system ]; then
    $SUDO systemctl start docker >/dev/null 2>&1 || true
  elif [ "$(id -u)" -eq 0 ]; then
    mkdir -p .smt-demo/docker
    setsid dockerd >>.smt-demo/docker/dockerd.log 2>&1 </dev/null &
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || echo "setup.sh: no Docker engine answers (see .smt-demo/docker/dockerd.log); the container tests will skip" >&2
fi
if [ "$defer_container_images" = false ] && docker info >/dev/null 2>&1; then
  scripts/container-images.sh
fi
