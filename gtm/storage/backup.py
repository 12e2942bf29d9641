"""Backups of a SQLite database and their restore: consistent copies, checked, or a clear refusal.

Backup: the copy is written to a temporary name beside the target with SQLite's online backup API (safe while
others write), checked (``PRAGMA integrity_check`` says ok, and it holds as many tables as the source, at least
one), flushed to disk, and only then given the target's name. A URL it cannot back up is refused, never guessed
at: PostgreSQL has pg_dump, an in-memory database has nothing to copy, and a file that does not exist is not
created.

Restore (``restore_sqlite``): never a file copied over the live database. SQLite keeps recent writes in
``gtm.db-wal`` beside the file; a server leaves it there until it closes its last connection, and a file copied
over ``gtm.db`` then gets the old WAL replayed onto it ("database disk image is malformed", or writes made after
the backup silently surviving it). Instead the backup is first copied to a staging file beside the live one and
checked there (a SQLite database, GTM Fit's tables, integrity, a schema this version knows, migrated when older):
a refusal leaves the live database untouched. The staging copy's data versions are advanced past the live
database's, with a new portfolio stamp: a restore is a write like any other, so every cache keyed on those
versions (the servers' frames, the pages' snapshots) reads the restored data. Then SQLite's backup API writes it
into the live file in one transaction, through the live WAL, so servers may keep running; the live file is
checked again (integrity, rows per table equal the backup's) and its WAL checkpointed.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic.script import ScriptDirectory
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


def sqlite_file(url: str | None, workspace: str | None = None, *, command: str = "backup") -> Path:
    """The SQLite file a URL (and workspace) names, existing or not; ConfigError for any other URL."""
    parsed = _parse(db.resolve_url(url))
    backend = parsed.get_backend_name()
    tool = "pg_dump" if command == "backup" else "pg_restore"
    if backend == "postgresql":
        raise ConfigError(f"{command} works on SQLite databases; for PostgreSQL use {tool} (see README, 'Backups').")
    if backend != "sqlite":
        raise ConfigError(f"{command} works on SQLite databases only, not {backend}; use that database's own tools.")
    if str(parsed.query.get("uri", "")).lower() in ("true", "1") or (parsed.database or "").startswith("file:"):
        raise ConfigError(f"{command} takes a plain SQLite file URL such as {_EXAMPLE}, not a file: URI.")
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        raise ConfigError(f"an in-memory SQLite database lives only inside its process; there is no file to {command}.")
    # Query arguments (?check_same_thread=false, ?timeout=…) are connection options, never part of the file name.
    return Path(db.workspace_url(f"sqlite:///{parsed.database}", workspace).split("///", 1)[1])


def source_file(url: str | None, workspace: str | None = None) -> Path:
    """The existing SQLite file a URL (and workspace) names; ConfigError for anything backup cannot copy."""
    path = sqlite_file(url, workspace)
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
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file: opening it makes no -wal beside it
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


# ---------------------------------------------------------------------------------------------- restore

# Tables every GTM Fit database has had since its first schema: a file without them is not one of ours.
APP_TABLES = frozenset({"alembic_version", "meta", "business_units", "accounts", "opportunities", "decisions",
                        "reviews", "matrix_versions"})
# The data versions every cache is keyed on (Store.data_version and its siblings).
VERSIONS = ("data_version", "portfolio_version", "rows_version")
LIVE_TIMEOUT_S = 30  # how long the restore waits for a server's write to finish before it writes itself


@dataclass(frozen=True)
class Restored:
    """What ``restore_sqlite`` did: into which file, the rows per table it now holds, how long it took."""

    backup: Path
    target: Path
    counts: dict[str, int]
    revision: str
    migrated_from: str | None
    created: bool
    seconds: float

    def summary(self) -> str:
        """What a person reads after ``gtm restore``: what was restored where, the rows, the checks passed."""
        rows = " · ".join(f"{label} {self.counts[table]:,}" for table, label in _SHOWN.items() if table in self.counts)
        how = "created it" if self.created else "replaced its data"
        checked = (f"{len(self.counts)} tables, schema {self.revision} (migrated from {self.migrated_from})"
                   if self.migrated_from else
                   f"rows in all {len(self.counts)} tables as in the backup, schema {self.revision}")
        return "\n".join([
            f"restored {self.backup} into {self.target} ({how}) in {self.seconds:.2f} s",
            f"rows: {rows}",
            f"checked: integrity ok, {checked}",
            "running servers show the restored data on their next page",
        ])


_SHOWN = {"accounts": "accounts", "opportunities": "opportunities", "business_units": "business units",
          "decisions": "decisions", "reviews": "reviews", "matrix_versions": "matrix versions", "users": "users",
          "audit_log": "audit entries"}


def _open_backup(path: Path) -> sqlite3.Connection:
    """The backup file, read-only. Without a -wal beside it, as an immutable file: SQLite then creates no -wal or
    -shm beside it either (a copy still in WAL mode would get both)."""
    mode = "mode=ro" if Path(f"{path}-wal").exists() else "immutable=1"
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?{mode}", uri=True)


def _table_names(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [str(r[0]) for r in rows]


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (the names come from sqlite_master: quoted, never from a person)."""
    return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in _table_names(conn)}


def _integrity(conn: sqlite3.Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute("PRAGMA integrity_check(3)").fetchall()]  # 3 faults at most


def _revision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def _meta(conn: sqlite3.Connection) -> dict[str, int]:
    return {str(k): int(v or 0) for k, v in conn.execute("SELECT key, value FROM meta").fetchall()}


def _faults(verdict: list[str]) -> str:
    return " ".join("; ".join(verdict).split())[:300]


def _read_backup(backup: Path, staging: Path) -> tuple[dict[str, int], str]:
    """Copy the backup to ``staging`` and check it there: GTM Fit's tables, integrity, the same rows per table.
    Returns the backup's rows per table and its schema revision; InputError for a file that is none of ours."""
    try:
        with closing(_open_backup(backup)) as src:
            names = set(_table_names(src))
            if not names:
                raise InputError(f"{backup} holds no tables: it is empty or not a GTM Fit database; nothing was "
                                 "restored.")
            if missing := sorted(APP_TABLES - names):
                raise InputError(f"{backup} is not a GTM Fit database (it has no {', '.join(missing)} table); "
                                 "nothing was restored.")
            counts, revision = _counts(src), _revision(src)
            with closing(sqlite3.connect(staging)) as dst:
                src.backup(dst)
    except sqlite3.DatabaseError as exc:  # not a database at all, or one too damaged to read
        raise _unreadable(backup, exc) from None
    with closing(sqlite3.connect(staging)) as copy:
        try:
            verdict, copied = _integrity(copy), _counts(copy)
        except sqlite3.DatabaseError as exc:
            verdict, copied = [str(exc)], {}
    if verdict != ["ok"]:
        raise _damaged(backup, _faults(verdict))
    if copied != counts:
        raise InputError(f"{backup} changed while it was read; nothing was restored. Try again.")
    if revision is None:
        raise InputError(f"{backup} has no schema version (alembic_version is empty): not a GTM Fit database "
                         "written by this app; nothing was restored.")
    return counts, revision


def _damaged(backup: Path, faults: str) -> InputError:
    return InputError(f"{backup} is damaged: it failed SQLite's integrity check ({faults}); nothing was restored. "
                      "Use an older backup.")


def _unreadable(backup: Path, exc: sqlite3.DatabaseError) -> InputError:
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_CORRUPT":
        return _damaged(backup, str(exc))
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
        return InputError(f"{backup} is not a SQLite database; name a backup written by 'gtm backup'. Nothing was "
                          "restored.")
    return InputError(f"{backup} could not be read as a SQLite database ({exc}); nothing was restored.")


def _bring_to_head(staging: Path, revision: str, backup: Path) -> tuple[str, str | None]:
    """The staging copy at this version's schema: migrated when the backup is older; a newer one is refused."""
    scripts = ScriptDirectory(str(db.MIGRATIONS))
    head = scripts.get_current_head()
    if revision == head:
        return revision, None
    known = {r.revision for r in scripts.walk_revisions()}
    if revision not in known:
        raise InputError(f"{backup} was written by a newer version of GTM Fit (schema {revision}; this one knows up "
                         f"to {head}); restore it with that version. Nothing was restored.")
    engine = db.make_engine(f"sqlite:///{staging}")
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()
    with closing(sqlite3.connect(staging)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # the migration's engine set WAL: one file again, for the copy
    return str(head), revision


def _advance_versions(staging: Path, live: dict[str, int]) -> None:
    """Every data version past both the live database's and the backup's, and a new portfolio stamp: caches keyed
    on them (servers' frames, snapshots on disk) can't mistake the restored data for what they hold."""
    with closing(sqlite3.connect(staging)) as conn, conn:
        restored = _meta(conn)
        values = {key: max(live.get(key, 0), restored.get(key, 0)) + 1 for key in VERSIONS}
        values["portfolio_stamp"] = secrets.randbelow(2**31 - 2) + 1  # as Store.bump draws it
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", list(values.items()))


def _match_page_size(staging: Path, page_size: int) -> None:
    """SQLite's backup API writes into a WAL database only from one of the same page size."""
    with closing(sqlite3.connect(staging)) as conn:
        if int(conn.execute("PRAGMA page_size").fetchone()[0]) != page_size:
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute(f"PRAGMA page_size={int(page_size)}")
            conn.execute("VACUUM")


def _without_meta(counts: dict[str, int]) -> dict[str, int]:
    """Rows per table but meta's, whose data versions a restore advances (and may add)."""
    return {t: n for t, n in counts.items() if t != "meta"}


_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)  # a step that could not start; any other has written or failed


def _in_time(status: int, deadline: float, target: Path) -> None:
    """Give up a restore that has waited too long for the live database (its write is then rolled back)."""
    if status in _BUSY and time.monotonic() > deadline:
        raise ConfigError(f"the live database {target} stayed busy for {LIVE_TIMEOUT_S} s (a long write by a "
                          "server?); nothing was restored. Try again, or stop the servers first.")


@contextmanager
def _live(target: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the live database that waits for a server's write rather than failing at once."""
    try:
        conn = sqlite3.connect(target, timeout=LIVE_TIMEOUT_S)
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"the live database {target} cannot be opened ({exc}).") from None
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"the live database {target} could not be written ({exc}). If it is damaged, stop the "
                          "servers, move it (and its -wal and -shm files) aside and restore with --create.") from None
    finally:
        conn.close()


def restore_sqlite(backup: Path | str, url: str | None, workspace: str | None = None, *,
                   create: bool = False) -> Restored:
    """Replace the live SQLite database's data with a backup's, safely while servers run (see the module's words).

    The live file must exist unless ``create`` (a database lost with its folder); refusals (InputError for the
    backup, ConfigError for the live side) happen before the live database is written."""
    started = time.perf_counter()
    backup = Path(backup)
    target = sqlite_file(url, workspace, command="restore")
    if not backup.is_file():
        raise InputError(f"{backup}: no such file; name a backup written by 'gtm backup'.")
    exists = target.is_file()
    if not exists and not create:
        raise ConfigError(f"there is no database at {target} to restore into (check --database and --workspace); "
                          "to create it from the backup, add --create.")
    if exists and backup.resolve() == target.resolve():
        raise InputError(f"{backup} is the live database itself; name a backup file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(4)}.restoring")
    done = False
    try:
        with db.file_lock(target):  # no server migrates, and no other restore runs, meanwhile
            counts, revision = _read_backup(backup, staging)
            revision, migrated_from = _bring_to_head(staging, revision, backup)
            # A new file is written through SQLite too: it drops a -wal left beside an empty database, which a file
            # copied over the name would get replayed onto it.
            with _live(target) as live:
                tables = set(_table_names(live))
                if tables and not tables >= APP_TABLES:
                    raise ConfigError(f"{target} is not a GTM Fit database; it was left as it is (check --database "
                                      "and --workspace).")
                live_meta = _meta(live) if tables else {}
                page_size = int(live.execute("PRAGMA page_size").fetchone()[0])
                wal = str(live.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
                _advance_versions(staging, live_meta)
                if wal:
                    _match_page_size(staging, page_size)
                with closing(sqlite3.connect(staging)) as src:
                    expected = _counts(src)
                    if migrated_from is None and _without_meta(expected) != _without_meta(counts):
                        raise ConfigError(f"the staged copy of {backup} does not hold its rows; nothing was restored.")
                    deadline = time.monotonic() + LIVE_TIMEOUT_S
                    # One write transaction into the live file, through its WAL; a server's long write is waited for.
                    src.backup(live, progress=lambda status, remaining, total: _in_time(status, deadline, target))
                verdict, restored = _integrity(live), _counts(live)
                if verdict != ["ok"] or restored != expected:
                    raise ConfigError(f"the restored database {target} failed its check ({_faults(verdict)}; rows "
                                      f"{restored} against {expected}); restore again, with the servers stopped.")
                if wal:
                    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # best effort: readers may hold older frames
            done = True
    finally:
        leftovers = [staging, Path(f"{staging}-wal"), Path(f"{staging}-shm"), Path(f"{staging}-journal")]
        if not exists and not done:  # a file this restore created and could not fill: not a database to find later
            leftovers += [target, Path(f"{target}-wal"), Path(f"{target}-shm"), Path(f"{target}-journal")]
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
    return Restored(backup, target, restored, revision, migrated_from, not exists, time.perf_counter() - started)
