"""gtm backup on real files: a checked copy under its name, or a clear refusal that leaves nothing behind."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from gtm import cli
from gtm.storage import backup
from gtm.storage.repository import Store

TABLES = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """A migrated GTM Fit database holding one account, as a file."""
    path = tmp_path / "r.db"
    store = Store(f"sqlite:///{path}")
    with store.transaction() as tx:
        tx.exec_driver_sql("INSERT INTO accounts (external_id, name, updated_at) VALUES ('ACC-1', 'Acme', '2024-01-01')")
    store.dispose()
    return path


def _backup(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["backup", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _tables(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(TABLES).fetchone()[0])


def test_a_url_with_query_arguments_backs_up_the_file_it_names(live: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    target = tmp_path / "q.db"
    code, out, err = _backup(capsys, str(target), "--database", f"sqlite:///{live}?check_same_thread=false")
    assert code == 0, err
    assert out == f"backed up to {target}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "q.db"])  # no stray 'r.db?…' file
    assert _tables(target) == _tables(live) > 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT name FROM accounts").fetchall() == [("Acme",)]
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_database_that_does_not_exist_is_refused_not_created(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.db"
    code, _, err = _backup(capsys, str(tmp_path / "q.db"), "--database", f"sqlite:///{missing}")
    assert code == 2
    assert f"there is no database at {missing}" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("url", "says"), [
    ("sqlite://", "in-memory"),
    ("sqlite:///:memory:", "in-memory"),
    ("sqlite:///file:gtm.db?mode=memory&cache=shared&uri=true", "not a file: URI"),
    ("postgresql+psycopg://gtm:secret@127.0.0.1:1/gtm", "pg_dump"),
    ("postgres://gtm:secret@127.0.0.1:1/gtm", "pg_dump"),
    ("mysql://gtm@127.0.0.1/gtm", "SQLite databases only, not mysql"),
    ("not a url", "is not a database URL"),
])
def test_an_unusual_url_is_refused_clearly(url: str, says: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _backup(capsys, str(tmp_path / "q.db"), "--database", url)
    assert code == 2 and out == ""
    assert says in err and "secret" not in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_target_is_never_overwritten(live: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "q.db"
    target.write_bytes(b"an older backup")
    code, _, err = _backup(capsys, str(target), "--database", f"sqlite:///{live}")
    assert code == 2 and "exists already" in err
    assert target.read_bytes() == b"an older backup"


def test_a_file_with_no_tables_is_refused_and_nothing_is_written(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    code, _, err = _backup(capsys, str(tmp_path / "out" / "q.db"), "--database", f"sqlite:///{empty}")
    assert code == 2 and "holds no tables" in err
    assert not any((tmp_path / "out").iterdir())  # no copy, no temporary file


def test_a_copy_that_fails_the_integrity_check_never_takes_the_name(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    damaged = tmp_path / "damaged.db"
    with sqlite3.connect(damaged) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("CREATE INDEX notes_text ON notes (text)")
        conn.executemany("INSERT INTO notes VALUES (?)", [(str(i) * 20,) for i in range(5000)])
    data = bytearray(damaged.read_bytes())
    page = 4096
    middle = len(data) // page // 2 * page
    data[middle + 8:middle + 200] = os.urandom(192)  # scramble the cells of one b-tree page
    damaged.write_bytes(data)
    out_dir = tmp_path / "out"
    code, _, err = _backup(capsys, str(out_dir / "q.db"), "--database", f"sqlite:///{damaged}")
    assert code == 2
    assert "not written: the copy failed SQLite's integrity check" in err
    assert not any(out_dir.iterdir())


def test_a_copy_missing_tables_never_takes_the_name(live: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    counted, calls = backup._tables, []

    def one_more_in_the_source(conn: sqlite3.Connection) -> int:
        calls.append(conn)
        return counted(conn) + (1 if len(calls) == 1 else 0)  # the first count is the source's

    monkeypatch.setattr(backup, "_tables", one_more_in_the_source)
    out_dir = tmp_path / "out"
    with pytest.raises(backup.ConfigError, match="table"):
        backup.backup_sqlite(f"sqlite:///{live}", out_dir / "q.db")
    assert not any(out_dir.iterdir())


def test_the_demo_workspace_is_backed_up_from_its_own_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    Store(url, workspace="demo").dispose()
    target = tmp_path / "demo-copy.db"
    code, _out, err = _backup(capsys, str(target), "--database", url + "?timeout=5", "--workspace", "demo")
    assert code == 0, err
    assert _tables(target) == _tables(tmp_path / "gtm-demo.db")
    assert not (tmp_path / "gtm.db").exists()  # main was neither created nor touched


def test_a_backup_is_one_self_contained_file(live: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "q.db"
    assert _backup(capsys, str(target), "--database", f"sqlite:///{live}")[0] == 0
    with sqlite3.connect(target) as conn:  # opening it, as a restore or a person would
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        conn.execute("SELECT count(*) FROM accounts").fetchone()
    assert not Path(f"{target}-wal").exists() and not Path(f"{target}-shm").exists()
