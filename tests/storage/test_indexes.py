"""Every filter the pages use has an index, and the migrations build exactly the indexes the models declare."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from gtm.storage.models import Base
from gtm.storage.repository import Store


def test_the_migrated_schema_is_the_models_schema(store: Store) -> None:
    """An index added to the models without a migration (or the other way round) would show here."""
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


# (filter a page uses, a query with that filter, the index SQLite must search with)
FILTERS = [
    ("opportunities of an account", "SELECT value FROM opportunities WHERE account_id = 1",
     "ix_opportunities_account_id_bu_id"),
    ("an account's opportunities of one BU", "SELECT value FROM opportunities WHERE account_id = 1 AND bu_id = 2",
     "ix_opportunities_account_id_bu_id"),
    ("opportunities of a BU", "SELECT value FROM opportunities WHERE bu_id = 2", "ix_opportunities_bu_id"),
    ("an opportunity by CRM id", "SELECT id FROM opportunities WHERE external_id = 'O1'",
     "sqlite_autoindex_opportunities_1"),  # the unique constraint's
    ("an account by CRM id", "SELECT id FROM accounts WHERE external_id = 'A1'", "sqlite_autoindex_accounts_1"),
    ("accounts a sales leader owns", "SELECT name FROM accounts WHERE owner = 'Dana'", "ix_accounts_owner"),
    ("subsidiaries of an account", "SELECT name FROM accounts WHERE parent_external_id = 'A1'",
     "ix_accounts_parent_external_id"),
    ("decisions on an account", "SELECT approach FROM decisions WHERE account_id = 1", "ix_decisions_account_id"),
    ("reviews of a decision", "SELECT verdict FROM reviews WHERE decision_id = 1", "ix_reviews_decision_id"),
    ("reviews by a BU", "SELECT verdict FROM reviews WHERE bu_id = 1", "ix_reviews_bu_id"),
    ("overrides of an opportunity", "SELECT nature FROM nature_overrides WHERE opportunity_id = 1",
     "ix_nature_overrides_opportunity_id"),
    ("decisions under a matrix version", "SELECT id FROM decisions WHERE matrix_version_id = 1",
     "ix_decisions_matrix_version_id"),
]


@pytest.mark.parametrize("sql, index", [f[1:] for f in FILTERS], ids=[f[0] for f in FILTERS])
def test_each_page_filter_searches_an_index(sqlite_store: Store, sql: str, index: str) -> None:
    with sqlite_store.engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan, plan
