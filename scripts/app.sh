#!/usr/bin/env bash
# Installs what the page needs (into .venv) and starts it on the bundled corpus.
# The first start builds the index from corpus/ (about a minute and a half on 2 cores, progress shown).
# Listens on 127.0.0.1:8501 ($HOST, $PORT to change); sends no usage statistics anywhere.
# Served beyond this machine (HOST=0.0.0.0), adding plans needs the token in $PLANS_API_TOKEN.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh || echo "!! could not install the OCR/LibreOffice packages: scanned PDFs and .doc/.odt/.rtf files will be refused" >&2
scripts/setup.sh .venv requirements.txt
exec .venv/bin/streamlit run app.py --server.headless true --browser.gatherUsageStats false \
  --server.address "${HOST:-127.0.0.1}" --server.port "${PORT:-8501}" "$@"
