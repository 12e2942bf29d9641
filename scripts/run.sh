#!/usr/bin/env bash
# Install and start the app on its embedded default (SQLite + the demo portfolio): bash scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements.txt
.venv/bin/python -m pip install -q --no-deps -e .
exec .venv/bin/python -m streamlit run app.py "$@"
