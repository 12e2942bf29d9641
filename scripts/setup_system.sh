#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium (browser tests), PostgreSQL (storage tests) and fonts-liberation
# (the hand-out measures its text with Liberation Sans, the metrics of Arial: gtm/export/deck/layout.py).
# Starts PostgreSQL and creates the test role and database. Needs root; prints what it skips otherwise.
set -euo pipefail
if [ "$(id -u)" != "0" ]; then
  echo "setup_system: not root; skipping apt-get (Chromium, PostgreSQL and fonts-liberation must already be installed)" >&2
  exit 0
fi
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx main; then
  pg_createcluster "$ver" main >/dev/null
fi
pg_ctlcluster "$ver" main start 2>/dev/null || true
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 && break
  sleep 0.5
done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gtm') THEN
    CREATE ROLE gtm LOGIN PASSWORD 'gtm' CREATEDB;
  END IF;
END $$;
-- The test role's commits return without waiting for the WAL to reach the disk: a crash could lose the last
-- moments of a test database, never corrupt one, and no test waits on the disk (the unit tests took 121 s
-- instead of 131 s on 2 workers). Only the sessions of gtm, the test role this script makes (password gtm):
-- other roles and their databases are untouched.
ALTER ROLE gtm SET synchronous_commit = off;
SQL
runuser -u postgres -- psql -q -tc "SELECT 1 FROM pg_database WHERE datname='gtm_test'" | grep -q 1 \
  || runuser -u postgres -- createdb -O gtm gtm_test
echo "setup_system: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), PostgreSQL $ver on 127.0.0.1:5432"
