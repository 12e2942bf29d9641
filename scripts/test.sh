#!/usr/bin/env bash
# Install everything and run the whole test suite: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_system.sh
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt
.venv/bin/python -m pip install -q --no-deps -e .  # gtm importable from scripts/ without sys.path tricks
if [ -z "${GTM_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1; then
  export GTM_TEST_POSTGRES_URL="postgresql+psycopg://gtm:gtm@127.0.0.1:5432/gtm_test"
fi
.venv/bin/ruff check gtm tests app.py pages scripts
.venv/bin/mypy gtm pages app.py scripts  # strict (pyproject), each file once
.venv/bin/lint-imports --no-cache  # the layer contract of pyproject.toml
# Two workers, a test file each at a time: the whole suite on 2 cores. Unit tests run first (a failure shows within
# minutes), then the pages in AppTest, then the browser flows (tests/conftest.py sorts them; pyproject's
# --no-loadscope-reorder keeps xdist to that order). A worker's browser modules share one streamlit server, each
# module restoring a clean database into it (tests/browser/conftest.py); a module that tests a fresh server, other
# settings or several servers starts its own.
# Property tests try a third of their hundreds of examples (Hypothesis's ci profile, tests/conftest.py); before
# changing a property's code, run them all: bash scripts/test.sh --hypothesis-profile=thorough tests/domain tests/ingest
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
