"""Migration 0012: decisions recorded before it keep every field and read as choosing no lead BU and no point person
(the evidence's proposal stands); a decision after it keeps the person's choice."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from gtm.storage.repository import Store


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0012_adds_the_lead_choice_to_decisions_and_keeps_those_recorded_before(
        backend: str, tmp_path: Path, empty_postgres: Callable[[], str]) -> None:
    from alembic import command

    from gtm.storage import engine as db

    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else empty_postgres()
    engine = db.make_engine(url)
    command.upgrade(db.alembic_config(engine), "0011")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, external_id, name, updated_at) VALUES (1, 'A', 'Acme', "
                          "'2026-01-01')"))
        conn.execute(text("INSERT INTO decisions (account_id, approach, rationale, author, matrix_name, "
                          "matrix_fingerprint, created_at) VALUES (1, 'lead_unit', 'before 0012', 'Fay', "
                          "'default', 'abc', '2026-01-02')"))
    engine.dispose()
    store = Store(url)
    before = store.decisions()
    assert before.loc[0, "rationale"] == "before 0012"
    for column in ("lead_bu", "lead_bu_proposed", "point_person", "point_person_proposed", "lead_reason"):
        assert column in before.columns and pd.isna(before.loc[0, column])
    with store.transaction() as tx:
        store.insert_decision(tx, account_id=1, approach="lead_unit", rationale="after", author="Fay",
                              matrix_name="default", matrix_fingerprint="abc", lead_bu="BU-X", point_person="Ann",
                              lead_reason="She owns it")
    after = store.decisions().iloc[0]
    assert (after["lead_bu"], after["point_person"], after["lead_reason"]) == ("BU-X", "Ann", "She owns it")
    store.dispose()
