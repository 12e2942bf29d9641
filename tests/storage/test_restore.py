"""gtm restore on real files: a backup's data exactly, even with a server's WAL beside the live file, or a clear
refusal that leaves the live database as it was."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command

from gtm import cli
from gtm.storage import backup, snapshot
from gtm.storage import engine as db
from gtm.storage.repository import Store

TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but meta (whose data versions a restore advances), in a stable order."""
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute(TABLES) if r[0] != "meta"]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in names}


def _integrity(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as conn:
        try:
            return conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as exc:  # too damaged to check
            return [(str(exc),)]


def _account(conn: sqlite3.Connection, external_id: str) -> None:
    conn.execute("INSERT INTO accounts (external_id, name, updated_at) VALUES (?, ?, '2024-01-01')",
                 (external_id, f"Account {external_id}"))


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder and its content's hash: what 'untouched' means."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A migrated GTM Fit database with three accounts, in WAL mode, as a server leaves it."""
    path = tmp_path / "live" / "gtm.db"
    store = Store(f"sqlite:///{path}")
    with store.transaction() as tx:
        for i in range(3):
            tx.exec_driver_sql(f"INSERT INTO accounts (external_id, name, updated_at) VALUES ('ACC-{i}', 'A{i}', "
                               "'2024-01-01')")
        store.bump(tx)
    store.dispose()
    return path


@pytest.fixture
def server(live: Path) -> sqlite3.Connection:
    """A connection held open on the live database, as a running server holds one: the -wal stays."""
    conn = sqlite3.connect(live, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")  # as between a server's checkpoints: every write stays in the WAL
    return conn


def test_the_drill_with_a_wal_left_behind_restores_exactly_the_backup(
        live: Path, server: sqlite3.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{live}"
    copy = tmp_path / "backup.db"
    assert _run(capsys, "backup", str(copy), "--database", url)[0] == 0
    before_versions = Store(url, migrate=False)
    backup_keys = (before_versions.data_version(), before_versions.portfolio_version(),
                   before_versions.portfolio_stamp())
    # After the backup the server goes on writing: a new account, then many (the WAL holds every frame).
    _account(server, "AFTER-1")
    server.execute("BEGIN")
    for i in range(2000):
        _account(server, f"AFTER-BULK-{i}")
    server.execute("UPDATE meta SET value = value + 5 WHERE key IN ('data_version', 'portfolio_version')")
    server.execute("COMMIT")
    wal = Path(f"{live}-wal")
    assert wal.stat().st_size > 100_000 and Path(f"{live}-shm").exists()
    live_keys = (before_versions.data_version(), before_versions.portfolio_version(), before_versions.portfolio_stamp())
    before_versions.dispose()

    # The old drill, on a copy of the same files: the backup copied over gtm.db, with the server's WAL beside it.
    old = tmp_path / "old-drill"
    old.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{live}{suffix}", old / f"gtm.db{suffix}")
    shutil.copyfile(copy, old / "gtm.db")
    try:
        old_result: object = _rows(old / "gtm.db")
    except sqlite3.DatabaseError as exc:  # "database disk image is malformed"
        old_result = exc
    # The old drill does not give the backup back: the 2,001 accounts written after it survive in the replayed
    # WAL (with other writes: "database disk image is malformed").
    assert isinstance(old_result, sqlite3.DatabaseError) or len(old_result["accounts"]) == 2004  # type: ignore[index]

    code, out, err = _run(capsys, "restore", str(copy), "--database", url)
    assert code == 0, err
    assert f"restored {copy} into {live} (replaced its data)" in out
    assert "rows: accounts 3 · opportunities 0" in out and "checked: integrity ok, rows in all" in out

    assert _rows(live) == _rows(copy)  # every row of every table, exactly; post-backup rows gone
    assert _integrity(live) == [("ok",)]
    # The server's open connection reads the restored data on its next transaction, and writes on.
    assert server.execute("SELECT count(*) FROM accounts WHERE external_id LIKE 'AFTER%'").fetchone() == (0,)
    _account(server, "AFTER-RESTORE")
    server.close()
    assert _integrity(live) == [("ok",)]
    store = Store(url)
    assert store.counts()["accounts"] == 4
    # A restore is a write: versions past both the live database's and the backup's, a stamp of its own.
    assert store.data_version() > max(live_keys[0], backup_keys[0])
    assert store.portfolio_version() > max(live_keys[1], backup_keys[1])
    assert store.portfolio_stamp() not in (live_keys[2], backup_keys[2], 0)
    store.dispose()


def test_restored_versions_name_no_cache_entry_either_side_had(live: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Caches are keyed on (version, stamp): after a restore they are new, so no page or snapshot serves the data
    the live database held before, nor a snapshot of another copy that reached the same version."""
    url = f"sqlite:///{live}"
    store = Store(url)
    copy = store.backup(tmp_path / "backup.db")

    def seen() -> tuple[str | None, int, int, int]:
        versions = (store.data_version(), store.portfolio_version(), store.rows_version())
        return (snapshot.key(url, "main", store.portfolio_version(), store.portfolio_stamp()), *versions)

    at_backup = seen()
    with store.transaction() as tx:
        store.bump(tx)
    live_before = seen()
    assert _run(capsys, "restore", str(copy), "--database", url)[0] == 0
    restored = seen()
    assert restored[0] not in (at_backup[0], live_before[0])
    assert all(r > max(a, b) for r, a, b in zip(restored[1:], at_backup[1:], live_before[1:]))
    store.dispose()


def _damaged(path: Path) -> Path:
    """A GTM Fit database whose accounts' b-tree has a scrambled page: opens, fails the integrity check."""
    store = Store(f"sqlite:///{path}")
    with store.transaction() as tx:
        for i in range(3000):
            tx.exec_driver_sql(f"INSERT INTO accounts (external_id, name, updated_at) VALUES ('D-{i:05}', "
                               f"'{'x' * 40}', '2024-01-01')")
    store.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'accounts'").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        leaf = root + 2  # a page of the accounts table after its root (the table was filled in one go)
    data = bytearray(path.read_bytes())
    data[(leaf - 1) * page + 8:(leaf - 1) * page + 300] = os.urandom(292)
    path.write_bytes(data)
    return path


def test_a_damaged_or_foreign_backup_is_refused_and_the_live_database_untouched(
        live: Path, server: sqlite3.Connection, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _account(server, "LIVE-WRITE")  # the live database has a WAL with frames, as a running server leaves it
    url = f"sqlite:///{live}"
    text = tmp_path / "notes.txt"
    text.write_text("account,value\nACC-1,100\n" * 200)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
    damaged = _damaged(tmp_path / "damaged.db")
    assert _integrity(damaged) != [("ok",)]
    newer = tmp_path / "newer.db"
    shutil.copyfile(Store(f"sqlite:///{tmp_path / 'n.db'}").backup(newer.with_name("n-copy.db")), newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = _fingerprint(live.parent)
    for file, says in ((text, "is not a SQLite database"), (empty, "holds no tables"),
                       (other, "is not a GTM Fit database"), (damaged, "is damaged"),
                       (newer, "written by a newer version of GTM Fit"), (tmp_path / "missing.db", "no such file")):
        code, out, err = _run(capsys, "restore", str(file), "--database", url)
        assert code == 2 and out == "" and says in err and "Traceback" not in err, (file, err)
        assert "nothing was restored" in err.lower() or "no such file" in err
        assert _fingerprint(live.parent) == before, file  # not a byte changed, no staging file left
    assert server.execute("SELECT count(*) FROM accounts WHERE external_id = 'LIVE-WRITE'").fetchone() == (1,)


def test_a_live_file_that_is_not_ours_is_never_overwritten(tmp_path: Path, live: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    copy = Store(f"sqlite:///{live}").backup(tmp_path / "backup.db")
    mine = tmp_path / "photos.db"
    with sqlite3.connect(mine) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    before = mine.read_bytes()
    code, _, err = _run(capsys, "restore", str(copy), "--database", f"sqlite:///{mine}")
    assert code == 2 and "is not a GTM Fit database; it was left as it is" in err
    assert mine.read_bytes() == before


@pytest.mark.parametrize(("url", "says"), [
    ("postgresql+psycopg://gtm:secret@127.0.0.1:1/gtm", "pg_restore"),
    ("sqlite://", "in-memory"),
    ("not a url", "is not a database URL"),
])
def test_a_url_restore_cannot_write_is_refused(url: str, says: str, live: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    copy = Store(f"sqlite:///{live}").backup(tmp_path / "backup.db")
    code, out, err = _run(capsys, "restore", str(copy), "--database", url)
    assert code == 2 and out == "" and says in err and "secret" not in err


def test_a_missing_database_is_created_only_when_asked(live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    copy = Store(f"sqlite:///{live}").backup(tmp_path / "backup.db")
    lost = tmp_path / "lost" / "gtm.db"
    code, _, err = _run(capsys, "restore", str(copy), "--database", f"sqlite:///{lost}")
    assert code == 2 and f"there is no database at {lost}" in err and "--create" in err
    assert not lost.parent.exists()
    code, _, err = _run(capsys, "restore", str(tmp_path / "missing.db"), "--database", f"sqlite:///{lost}", "--create")
    assert code == 2 and not lost.exists()
    with monkeypatch.context() as patch:  # a failure once the new file exists: no empty file left for a server
        patch.setattr(backup, "_advance_versions", lambda *a: (_ for _ in ()).throw(sqlite3.OperationalError("disk")))
        with pytest.raises(backup.ConfigError, match="could not be written"):
            backup.restore_sqlite(copy, f"sqlite:///{lost}", create=True)
    assert sorted(p.name for p in lost.parent.iterdir()) == ["gtm.db.lock"]
    # The database was lost but a server's -wal of it was not: it must not be replayed onto the new file (as it
    # would be onto a backup copied there).
    shutil.copyfile(f"{live}", tmp_path / "scratch.db")
    stale = sqlite3.connect(tmp_path / "scratch.db", isolation_level=None)
    stale.execute("PRAGMA wal_autocheckpoint=0")
    _account(stale, "STALE")
    shutil.copyfile(f"{tmp_path / 'scratch.db'}-wal", f"{lost}-wal")
    stale.close()
    code, out, err = _run(capsys, "restore", str(copy), "--database", f"sqlite:///{lost}", "--create")
    assert code == 0, err
    assert "(created it)" in out
    assert _rows(lost) == _rows(copy) and _integrity(lost) == [("ok",)]


def test_the_demo_workspace_is_restored_into_its_own_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    demo = Store(url, workspace="demo")
    copy = demo.backup(tmp_path / "demo-backup.db")
    with demo.transaction() as tx:
        tx.exec_driver_sql("INSERT INTO accounts (external_id, name, updated_at) VALUES ('X', 'X', '2024-01-01')")
    demo.dispose()
    code, _out, err = _run(capsys, "restore", str(copy), "--database", url, "--workspace", "demo")
    assert code == 0, err
    assert _rows(tmp_path / "gtm-demo.db") == _rows(copy)
    assert not (tmp_path / "gtm.db").exists()  # main was neither created nor touched


def test_an_older_schema_is_migrated_on_the_way_in(live: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "old.db"
    store = Store(f"sqlite:///{old}")
    with store.transaction() as tx:
        tx.exec_driver_sql("INSERT INTO accounts (external_id, name, updated_at) VALUES ('OLD-1', 'O', '2024-01-01')")
    command.downgrade(db.alembic_config(store.engine), "0008")  # as a backup taken before the secrets table
    store.dispose()
    code, out, err = _run(capsys, "restore", str(old), "--database", f"sqlite:///{live}")
    assert code == 0, err
    assert "migrated from 0008" in out
    with sqlite3.connect(live) as conn:
        assert conn.execute("SELECT external_id FROM accounts").fetchall() == [("OLD-1",)]
        assert conn.execute("SELECT count(*) FROM secrets").fetchone() == (0,)  # the newest schema's table
    assert Store(f"sqlite:///{live}").snapshot_secret()


def test_a_backup_with_another_page_size_is_restored(live: Path, server: sqlite3.Connection, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    copy = Store(f"sqlite:///{live}").backup(tmp_path / "backup.db")
    with sqlite3.connect(copy) as conn:
        conn.execute("PRAGMA page_size=8192")
        conn.execute("VACUUM")
        assert conn.execute("PRAGMA page_size").fetchone() == (8192,)
    _account(server, "AFTER")
    code, _, err = _run(capsys, "restore", str(copy), "--database", f"sqlite:///{live}")
    assert code == 0, err
    assert _rows(live) == _rows(copy)


def test_a_restore_that_waits_too_long_for_a_writer_writes_nothing(live: Path, server: sqlite3.Connection,
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    copy = Store(f"sqlite:///{live}").backup(tmp_path / "backup.db")
    monkeypatch.setattr(backup, "LIVE_TIMEOUT_S", 1)
    server.execute("BEGIN IMMEDIATE")  # a server's write, under way
    _account(server, "IN-FLIGHT")
    with pytest.raises(backup.ConfigError, match="stayed busy"):
        backup.restore_sqlite(copy, f"sqlite:///{live}")
    server.execute("COMMIT")
    assert server.execute("SELECT count(*) FROM accounts").fetchone() == (4,)
    assert not [p for p in live.parent.iterdir() if "restoring" in p.name]
