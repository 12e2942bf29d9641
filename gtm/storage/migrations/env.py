"""Alembic environment: runs migrations on the engine handed over by gtm.storage.engine.upgrade."""

from __future__ import annotations

from alembic import context

from gtm.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run against the engine passed in config.attributes (or a URL for the alembic CLI)."""
    engine = config.attributes.get("engine")
    if engine is None:
        from gtm.storage.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch mode for ALTERs
            compare_type=True,
            # A workspace's own schema (PostgreSQL) holds its version table too; None is the default (public).
            version_table_schema=config.attributes.get("schema"),
        )
        context.run_migrations()


run_migrations_online()
