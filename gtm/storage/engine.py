"""Database connection: SQLite by default (WAL, busy timeout, foreign keys), PostgreSQL by URL."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text

from gtm.domain.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = ROOT / "var" / "gtm.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def resolve_url(url: str | None = None) -> str:
    """The database URL: explicit, else GTM_DATABASE_URL, else a SQLite file (GTM_DATABASE_PATH or var/gtm.db)."""
    url = url or os.environ.get("GTM_DATABASE_URL")
    if url:
        # Accept the plain postgres:// forms people paste; use the psycopg 3 driver.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url
    path = Path(os.environ.get("GTM_DATABASE_PATH") or DEFAULT_SQLITE_PATH)
    return f"sqlite:///{path.resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for the URL; SQLite files and their folder are created on first use."""
    url = resolve_url(url)
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a malformed URL or missing driver is a configuration mistake
        raise ConfigError(f"cannot use database URL {safe_url(url)}: {exc}") from None


def safe_url(url: str) -> str:
    """The URL with any password masked, for display."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid URL>"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at gtm/migrations, bound to ``engine``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest version; never drops data. Call it under ``migration_lock``."""
    command.upgrade(alembic_config(engine), "head")


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
    with open(f"{database}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
