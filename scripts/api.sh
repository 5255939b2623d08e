#!/usr/bin/env bash
# Installs what the REST API needs (into .venv) and serves it on the bundled corpus.
# Listens on 127.0.0.1:$PORT (default 8000; $HOST to change). OpenAPI docs at /docs.
# Adding plans (POST /documents) needs the token in $PLANS_API_TOKEN, sent as "Authorization: Bearer …".
# The first start builds the index from corpus/ if there is none (about a minute and a half on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh || echo "!! could not install the OCR/LibreOffice packages: scanned PDFs and .doc/.odt/.rtf files will be refused" >&2
scripts/setup.sh .venv requirements-api.txt
exec .venv/bin/python -m api --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" "$@"
