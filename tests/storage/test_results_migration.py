"""Migration 0013 on a database with opportunities stored before imports were dated: what is stored becomes one
import, dated by its latest write, with every opportunity recorded and the won totals, so the next import is compared
with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fixtures_import import text_bytes

from gtm.domain.permissions import ADMIN
from gtm.services import results
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0013_records_the_stored_opportunities_as_one_import(backend: str, tmp_path: Path,
                                                              empty_postgres: Callable[[], str]) -> None:
    from alembic import command
    from sqlalchemy import text

    from gtm.storage import engine as db

    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else empty_postgres()
    engine = db.make_engine(url)
    command.upgrade(db.alembic_config(engine), "0011")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, external_id, name, updated_at) VALUES (1, 'A1', 'Acme', "
                          "'2026-03-01 09:00:00')"))
        for i, (outcome, updated) in enumerate([("won", "2026-03-01 10:00:00"), ("open", "2026-03-02 11:30:00")]):
            conn.execute(text("INSERT INTO opportunities (id, external_id, account_id, nature_source, value, currency, "
                              "outcome, updated_at) VALUES (:i, :e, 1, 'rule', :v, 'USD', :o, :u)"),
                         {"i": i + 1, "e": f"O{i + 1}", "v": 10.0 * (i + 1), "o": outcome, "u": updated})
    engine.dispose()
    store = Store(url)
    try:
        found = store.imports()
        assert found["as_of"].tolist() == [date(2026, 3, 2)] and found["changes"].tolist() == [2]
        assert "before imports were dated" in found["source"].iloc[0]
        assert len(store.outcome_records(1)) == 2
        assert store.won_totals(1, 1)[["before", "now", "deals"]].values.tolist() == [[10.0, 10.0, 1]]
        header = ["opportunity_id", "account_id", "value", "stage"]
        commit_import(store, plan_import(store, "opportunities", text_bytes(
            header, [["O1", "A1", 10, "Closed Won"], ["O2", "A1", 20, "Closed Won"]])), ADMIN)
        assert store.imports()["changes"].tolist() == [2, 1]  # only O2 changed
        res = results.programme_results(store)
        assert res.summary is not None and res.summary.gained == 20.0
    finally:
        store.dispose()
