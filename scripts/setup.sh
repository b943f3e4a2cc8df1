#!/usr/bin/env bash
# Installs everything vetarchive needs on a fresh Debian/Ubuntu machine, idempotently:
# system packages (OCR engine with Chinese and orientation data, poppler, the sample fonts)
# and the Python distribution with its dependencies in ./.venv.
# Usage: scripts/setup.sh [--dev]   (--dev adds test, lint and type-check tools)
set -euo pipefail
cd "$(dirname "$0")/.."

extras=""
[ "${1:-}" = "--dev" ] && extras="[dev]"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

system_packages=(
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-osd tesseract-ocr-eng
  poppler-utils
  libgl1 libglib2.0-0
  fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
  python3-venv
  curl  # scripts/elasticsearch.sh asks the server whether it answers
)
# The staff pages are tested in a real browser: Debian's headless Chromium and its driver;
# scripts/bench_api.py loads the API with wrk.
[ -n "$extras" ] && system_packages+=(chromium chromium-driver wrk)
missing=()
for p in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[setup] installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "[setup] creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last successful install; an install
# with the dev extras also satisfies a plain one.
hash="$(sha256sum pyproject.toml | cut -c1-16)"
stamp=".venv/.installed-${hash}${extras}"
if [ ! -f "$stamp" ] && [ ! -f ".venv/.installed-${hash}[dev]" ]; then
  echo "[setup] installing Python dependencies${extras}"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras}"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "[setup] ready: $(.venv/bin/archive --version)"
