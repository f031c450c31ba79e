#!/usr/bin/env bash
# Newcomer command 2: install everything, then run every test (lint, jest, wheel build and checks,
# pytest against the installed wheel, Galata in Debian's Chromium). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh

# System packages: for the browser tests Debian's Chromium and the fonts Galata expects; for the
# compatibility tests PostgreSQL (they start their own throwaway cluster, not the package's one).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

ensure_build_venv
exec "$PYTHON" scripts/run_tests.py "$@"
