#!/usr/bin/env bash
# Installs what the page needs (into .venv) and starts it on the bundled corpus.
# The first start builds the index from corpus/ (about a minute on 2 cores, progress shown).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh .venv requirements.txt
exec .venv/bin/streamlit run app.py --server.headless true "$@"
