"""Database connection: SQLite by default (WAL, busy timeout, foreign keys), PostgreSQL by URL."""

from __future__ import annotations

import atexit
import fcntl
import functools
import logging
import os
import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text

from gtm.domain.errors import ConfigError
from gtm.settings import settings

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = ROOT / "var" / "gtm.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def resolve_url(url: str | None = None) -> str:
    """The database URL: explicit, else GTM_DATABASE_URL, else a SQLite file (GTM_DATABASE_PATH or var/gtm.db)."""
    url = url or settings().database_url
    if url:
        # Accept the plain postgres:// forms people paste; use the psycopg 3 driver.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    path = Path(settings().database_path or DEFAULT_SQLITE_PATH)
    return f"sqlite:///{path.resolve()}"


MAIN = "main"  # the organisation's portfolio: SQLite's configured file, PostgreSQL's public schema
DEMO = "demo"  # the bundled demo portfolio, resettable
WORKSPACES = (MAIN, DEMO)
_WORKSPACE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def workspace_name(name: str | None) -> str:
    """A valid workspace name (lowercase letters, digits and '-', e.g. main or demo); None is main."""
    name = MAIN if name is None else str(name)
    if not _WORKSPACE_NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is not a workspace name: use lowercase letters, digits and '-' "
                          f"(at most 40, starting with a letter or digit), e.g. {MAIN} or {DEMO}.")
    return name


def workspace_url(url: str | None, name: str | None) -> str:
    """The database URL of a workspace: on SQLite its own file (var/gtm.db -> var/gtm-demo.db); PostgreSQL's
    workspaces share one database (each is a schema, see ``workspace_schema``), so its URL is unchanged."""
    url, name = resolve_url(url), workspace_name(name)
    if name == MAIN or not url.startswith("sqlite"):
        return url
    prefix, path = url.split("///", 1) if "///" in url else (url, "")
    if not path or path == ":memory:":
        raise ConfigError(f"an in-memory SQLite database has no room for workspace {name!r}; use a file.")
    file = Path(path)
    return f"{prefix}///{file.with_name(f'{file.stem}-{name}{file.suffix}')}"


def workspace_schema(url: str | None, name: str | None) -> str | None:
    """The PostgreSQL schema of a workspace (main: public, as before workspaces; demo: gtm_demo); None on SQLite."""
    url, name = resolve_url(url), workspace_name(name)
    if not url.startswith("postgresql"):
        return None
    return "public" if name == MAIN else "gtm_" + name.replace("-", "_")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


# Every SQLite engine and the process that made it, so that it can be closed cleanly when that process ends (see
# close_sqlite). A forked child never touches its parent's connections: SQLite forbids using them across fork().
_SQLITE_ENGINES: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
log = logging.getLogger("gtm")


def make_engine(url: str | None = None, *, schema: str | None = None) -> Engine:
    """An engine for the URL; SQLite files and their folder are created on first use.

    ``schema`` (PostgreSQL): the only schema on the search path, so every table of a workspace lives there.
    """
    url = resolve_url(url)
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
            _SQLITE_ENGINES[engine] = os.getpid()
            return engine
        if schema and schema != "public":
            # Only this schema: a table missing here must never be found in public (main's) instead.
            return create_engine(url, pool_pre_ping=True, connect_args={"options": f"-csearch_path={schema}"})
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a malformed URL or missing driver is a configuration mistake
        raise ConfigError(f"cannot use database URL {safe_url(url)}: {exc}") from None


def close_sqlite() -> None:
    """Checkpoint the WAL of every SQLite database this process opened and close its pooled connections.

    Runs when the process ends (atexit; ``streamlit run`` returns normally after SIGTERM or Ctrl-C). The last
    connection to close then removes ``-wal`` and ``-shm``, so a stopped server leaves one self-contained file,
    which a backup can replace. A connection another thread still holds is left to the operating system.
    """
    for engine, pid in list(_SQLITE_ENGINES.items()):
        database = engine.url.database
        if pid != os.getpid() or not database or database == ":memory:":
            continue
        try:
            if Path(database).exists():
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA busy_timeout=2000")  # a writer still at work: don't hold the exit long
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
        except Exception as exc:  # noqa: BLE001 - closing what can be closed; the next start recovers the rest
            log.warning("database %s not checkpointed on exit: %s", database, exc)


atexit.register(close_sqlite)


def safe_url(url: str) -> str:
    """The URL with any password masked, for display."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid URL>"


def alembic_config(engine: Engine, schema: str | None = None) -> Config:
    """An Alembic config pointing at gtm/migrations, bound to ``engine`` (and a PostgreSQL workspace's schema)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    cfg.attributes["schema"] = schema
    return cfg


def upgrade(engine: Engine, schema: str | None = None) -> None:
    """Bring the schema to the newest version; never drops data. Call it under ``migration_lock``.

    ``schema`` (PostgreSQL): a workspace's schema, created first when missing; Alembic's version table lives there.
    """
    version_schema = None if schema == "public" else schema
    if at_head(engine, version_schema):
        return  # the usual case, a store opened again: one SELECT instead of Alembic loading every script
    if schema and schema != "public" and engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))  # a validated name: letters, digits, _
    command.upgrade(alembic_config(engine, version_schema), "head")


@functools.cache
def head_revisions() -> tuple[str, ...]:
    """The newest schema version(s) of gtm/migrations, read once per process (the scripts ship with the code)."""
    return tuple(sorted(ScriptDirectory(str(MIGRATIONS)).get_heads()))


def at_head(engine: Engine, schema: str | None = None) -> bool:
    """Whether the database (a workspace's ``schema`` on PostgreSQL) already carries the newest schema version,
    read from Alembic's version table as Alembic itself reads it; a missing table or schema is False."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn, opts={"version_table_schema": schema}).get_current_heads()
    return tuple(sorted(current)) == head_revisions()


# Any fixed 64-bit number: the key of the PostgreSQL advisory lock that servers take while they migrate.
_ADVISORY_KEY = 0x67746D5F666974  # "gtm_fit"


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the one lock under which a server migrates and seeds, so servers starting together take turns.

    PostgreSQL: a session advisory lock on a connection of its own (released when it closes, even after a
    crash). SQLite: an exclusive lock on a file beside the database.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with file_lock(Path(database)):
        yield


@contextmanager
def file_lock(database: Path) -> Iterator[None]:
    """The exclusive lock on the file beside a SQLite database (``gtm.db.lock``) under which servers migrate and
    ``gtm restore`` replaces the data."""
    with open(f"{database}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
