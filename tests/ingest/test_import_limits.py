"""Text wider than its column and BU spellings: clear problems and one BU, on SQLite and PostgreSQL."""

from __future__ import annotations

from gtm.domain.permissions import ADMIN
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store


def test_too_long_text_is_a_problem_not_a_database_error(store: Store) -> None:
    name = "A" * 300
    csv = f"Account ID,Account Name\nACC-1,{name}\nACC-2,Fine Name\n".encode()
    plan = plan_import(store, "accounts", csv, name="long.csv")
    assert [(p.row, p.column) for p in plan.problems] == [(2, "Account Name")]
    assert "300 characters" in plan.problems[0].reason and "255" in plan.problems[0].reason
    result = commit_import(store, plan, ADMIN, skip_invalid=True)
    assert (result.added, result.rejected) == (1, 1)
    assert store.accounts()["account_id"].tolist() == ["ACC-2"]


def test_bu_spellings_that_normalise_alike_make_one_bu(store: Store) -> None:
    commit_import(store, plan_import(store, "accounts", b"Account ID,Account Name\nA,Acme\n", name="a.csv"), ADMIN)
    csv = b"Opportunity ID,Account ID,Business Unit,Amount,Nature\nO1,A,Energy,10,turnkey\nO2,A,ENERGY ,20,turnkey\nO3,A,energy,30,turnkey\n"
    plan = plan_import(store, "opportunities", csv, name="o.csv")
    assert any("1 business unit is not known yet" in n for n in plan.notes)
    result = commit_import(store, plan, ADMIN)
    assert result.business_units_added == 1
    assert len(store.business_units()) == 1
    assert store.opportunities()["bu"].nunique() == 1
