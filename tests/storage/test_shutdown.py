"""A stopped process leaves its SQLite database as one file: the WAL checkpointed, -wal and -shm gone."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from gtm.storage import engine as db
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]


def _integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


def test_closing_checkpoints_every_sqlite_database_and_removes_its_wal(tmp_path: Path) -> None:
    stores = [Store(f"sqlite:///{tmp_path / 'gtm.db'}"), Store(f"sqlite:///{tmp_path / 'gtm.db'}", workspace="demo")]
    for store in stores:
        with store.transaction() as tx:
            store.bump(tx)
    versions = [s.data_version() for s in stores]  # a pooled connection stays open, as in a server
    assert {"gtm.db-wal", "gtm-demo.db-wal"} <= {p.name for p in tmp_path.iterdir()}
    db.close_sqlite()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gtm-demo.db", "gtm-demo.db.lock", "gtm.db", "gtm.db.lock"]
    assert [s.data_version() for s in stores] == versions  # the stores still work: they connect again
    assert _integrity(tmp_path / "gtm.db") == [("ok",)]


def test_a_stopped_process_leaves_no_wal_even_when_a_thread_still_holds_the_store(tmp_path: Path) -> None:
    """As `streamlit run` after SIGTERM: threads still hold stores, so connections are never garbage-collected;
    the exit handler checkpoints and closes them, and SQLite removes -wal and -shm."""
    child = textwrap.dedent("""
        import sys, threading, time
        from gtm.storage.repository import Store
        store = Store(sys.argv[1])
        with store.transaction() as tx:
            store.bump(tx)
        threading.Thread(target=lambda held=store: time.sleep(3600), daemon=True).start()
        print(sorted(p.name for p in __import__("pathlib").Path(sys.argv[2]).iterdir()))
    """)
    path = tmp_path / "gtm.db"
    done = subprocess.run([sys.executable, "-c", child, f"sqlite:///{path}", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "gtm.db-wal" in done.stdout  # while it ran
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gtm.db", "gtm.db.lock"]
    assert _integrity(path) == [("ok",)]
