"""Backups of a SQLite database: a consistent copy, checked before it takes its name, or a clear refusal.

The copy is written to a temporary name beside the target with SQLite's online backup API (safe while others
write), checked (``PRAGMA integrity_check`` says ok, and it holds as many tables as the source, at least one),
flushed to disk, and only then given the target's name. A URL it cannot back up is refused, never guessed at:
PostgreSQL has pg_dump, an in-memory database has nothing to copy, and a file that does not exist is not
created.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from gtm.domain.errors import ConfigError, InputError
from gtm.domain.fmt import count
from gtm.storage import engine as db

_EXAMPLE = "sqlite:////path/to/gtm.db"


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise ConfigError(f"{db.safe_url(url)} is not a database URL; a SQLite file is named like {_EXAMPLE}.") from None


def source_file(url: str | None, workspace: str | None = None) -> Path:
    """The existing SQLite file a URL (and workspace) names; ConfigError for anything backup cannot copy."""
    parsed = _parse(db.resolve_url(url))
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        raise ConfigError("backup copies SQLite databases; for PostgreSQL use pg_dump (see README, 'Backups').")
    if backend != "sqlite":
        raise ConfigError(f"backup copies SQLite databases only, not {backend}; use that database's own dump tool.")
    if str(parsed.query.get("uri", "")).lower() in ("true", "1") or (parsed.database or "").startswith("file:"):
        raise ConfigError(f"backup takes a plain SQLite file URL such as {_EXAMPLE}, not a file: URI.")
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        raise ConfigError("an in-memory SQLite database lives only inside its process; there is no file to back up.")
    # Query arguments (?check_same_thread=false, ?timeout=…) are connection options, never part of the file name.
    path = Path(db.workspace_url(f"sqlite:///{parsed.database}", workspace).split("///", 1)[1])
    if not path.is_file():
        raise ConfigError(f"there is no database at {path}; nothing to back up (check --database and --workspace).")
    return path


def _tables(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])


def _check(copy: Path, expected_tables: int) -> None:
    """The copy opens, passes SQLite's integrity check and holds every table of the source."""
    conn = sqlite3.connect(copy)
    try:
        verdict = [str(row[0]) for row in conn.execute("PRAGMA integrity_check(3)").fetchall()]  # 3 faults at most
        tables = _tables(conn)
    finally:
        conn.close()
    if verdict != ["ok"]:
        faults = " ".join("; ".join(verdict).split())
        raise ConfigError(f"the copy failed SQLite's integrity check ({faults[:300]}).")
    if tables != expected_tables:
        raise ConfigError(f"the copy holds {count(tables, 'table')}, the database {expected_tables}.")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_sqlite(url: str | None, target: Path | str, workspace: str | None = None) -> Path:
    """A consistent, checked copy of a live SQLite database at ``target`` (which must not exist yet)."""
    source = source_file(url, workspace)
    target = Path(target)
    if target.exists():
        raise InputError(f"{target} exists already; choose a new file name for the backup.")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        src = sqlite3.connect(source)  # it exists: connecting never creates it
        dst = sqlite3.connect(temporary)
        try:
            tables = _tables(src)
            if tables == 0:
                raise ConfigError(f"{source} holds no tables: it is empty or not a GTM Fit database; nothing to back up.")
            with dst:
                src.backup(dst)
        finally:
            dst.close()
            src.close()
        try:
            _check(temporary, tables)
        except ConfigError as exc:
            raise ConfigError(f"backup of {source} not written: {exc}") from None
        _fsync(temporary)
        try:
            os.link(temporary, target)  # atomic, and never replaces a file that appeared meanwhile
        except FileExistsError:
            raise InputError(f"{target} exists already; choose a new file name for the backup.") from None
        except OSError:  # a file system without hard links
            os.replace(temporary, target)
        _fsync(target.parent)
    finally:
        for leftover in (temporary, Path(f"{temporary}-wal"), Path(f"{temporary}-shm"), Path(f"{temporary}-journal")):
            leftover.unlink(missing_ok=True)
    return target
