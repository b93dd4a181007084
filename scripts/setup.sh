#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for smt-monitor: the Debian packages the demo and the tests run
# (Prometheus, promtool, Alertmanager, blackbox_exporter for the benchmark, Chromium for the review-page
# tests, a C++ toolchain for better-sqlite3, docker-compose to validate docker-compose.yml), then the npm packages.
# Safe to run again: it skips what is already there.
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
# docker-compose.yml is validated with Debian's docker-compose (1.29) in npm test; no Docker engine needed.
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The Debian packages start system services; the demo and the tests run their own instances.
  for svc in prometheus prometheus-alertmanager prometheus-blackbox-exporter prometheus-node-exporter; do
    $SUDO systemctl disable --now "$svc" >/dev/null 2>&1 || true
  done
fi

# --defer-native-build (.ci/run): npm ci without install scripts; the caller runs `npm rebuild
# better-sqlite3` (the one install script package.json's allowScripts approves) beside other work.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if [ "${1:-}" = "--defer-native-build" ]; then
    npm ci --no-audit --no-fund --ignore-scripts
  else
    # JOBS=max: node-gyp compiles SQLite and the binding side by side (SQLite's one C file is most of it).
    JOBS=max npm ci --no-audit --no-fund
  fi
fi
