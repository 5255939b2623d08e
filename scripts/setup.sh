#!/usr/bin/env bash
# Creates or updates a virtual environment with the project's requirements.
# Usage: scripts/setup.sh VENV_DIR REQUIREMENTS_FILE...   (Python 3.10+ on PATH as python3)
set -euo pipefail
venv="$1"; shift
if [ ! -x "$venv/bin/python" ]; then
  echo ">> creating virtual environment $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
fi
for req in "$@"; do
  echo ">> installing $req"
  "$venv/bin/python" -m pip install -q -r "$req"
done
