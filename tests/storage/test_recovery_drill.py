"""Recovery drill: back up a live database while another process writes decisions, lose it, restore, check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from gtm.domain.permissions import Actor, Role
from gtm.services import decisions
from gtm.storage.backup import restore_sqlite
from gtm.storage.repository import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import load_concurrent_writes as load

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or (str(PG_BIN / name) if (PG_BIN / name).exists() else None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is needed for the PostgreSQL recovery drill")
        pytest.skip(f"{name} not found (PATH, {PG_BIN}): the PostgreSQL recovery drill is skipped outside CI")
    return found


def _during_writes(url: str, backup: Callable[[], None]) -> int:
    """Run ``backup`` while another process records decisions; returns how many that process recorded."""
    stop = Path(tempfile.mktemp(prefix="gtm-drill-stop-"))
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        writing: Future[int] = pool.submit(load.decide_until, url, str(stop))
        store = Store(url)
        deadline = time.monotonic() + 60
        while store.counts()["decisions"] < 20 and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until the writer is well under way
        try:
            backup()
            time.sleep(0.3)  # and goes on writing after the backup
        finally:
            stop.touch()
        written = writing.result()
        store.dispose()
    stop.unlink()
    return written


def _check_restored(url: str, base_version: int, written: int) -> int:
    """The restored database holds exactly the decisions its data version counts, d0..dn-1, and takes new ones."""
    store = Store(url)
    kept = store.data_version() - base_version  # every decision bumped the data version by one, nothing else wrote
    rationales = store.decisions(load.ACCOUNTS[0])["rationale"].tolist()
    assert 20 <= kept < written, (kept, written)  # taken mid-stream: not empty, not the end
    assert sorted(rationales, key=lambda r: int(r[1:])) == [f"d{i}" for i in range(kept)]
    decisions.record_decision(store, Actor("Lee", Role.SALES_LEADER), load.ACCOUNTS[0], "lead_unit", "after restore")
    assert store.counts()["decisions"] == kept + 1
    store.dispose()
    return kept


def test_sqlite_backup_taken_while_writing_restores_every_committed_decision(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    url = f"sqlite:///{db}"
    load.prepare(url)
    base = Store(url).data_version()
    copy = tmp_path / "backup" / "live-copy.db"
    written = _during_writes(url, lambda: Store(url, migrate=False).backup(copy))
    for suffix in ("", "-wal", "-shm"):  # the database is lost
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    restore_sqlite(copy, url, create=True)  # as `gtm restore FILE --create` (README, 'Backups')
    _check_restored(url, base + 1, written)  # the restore is a write: it advanced the data version once


@pytest.mark.postgres
def test_postgresql_dump_taken_while_writing_restores_every_committed_decision(
        empty_postgres: Callable[[], str], tmp_path: Path) -> None:
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    url = empty_postgres()
    load.prepare(url)
    base = Store(url).data_version()
    libpq = make_url(url).set(drivername="postgresql")
    dump = tmp_path / "gtm.dump"

    def backup() -> None:
        subprocess.run([pg_dump, "-Fc", "-f", str(dump), "-d", libpq.render_as_string(hide_password=False)],
                       check=True, capture_output=True, timeout=60)

    written = _during_writes(url, backup)
    fresh = f"{libpq.database}_restored"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh}"'))
        conn.execute(text(f'CREATE DATABASE "{fresh}"'))
    try:
        subprocess.run([pg_restore, "--no-owner", "-d", libpq.set(database=fresh).render_as_string(hide_password=False),
                        str(dump)], check=True, capture_output=True, timeout=60)
        _check_restored(make_url(url).set(database=fresh).render_as_string(hide_password=False), base, written)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        admin.dispose()
