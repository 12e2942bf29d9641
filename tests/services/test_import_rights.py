"""Rights that don't follow data: an import cannot move an account to another owner unless its author may."""

from __future__ import annotations

import pytest

from gtm.domain.errors import PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.services import decisions
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

DANA = Actor("Dana Reyes", Role.SALES_LEADER, email="dana@example.com")
FACILITATOR = Actor("Fran Facilitator", Role.FACILITATOR)


def _import(store: Store, actor: Actor, text: str) -> str:
    plan = plan_import(store, "accounts", text.encode(), name="accounts.csv")
    return commit_import(store, plan, actor).summary()


def test_a_sales_leader_cannot_take_over_an_account_by_import(store: Store) -> None:
    _import(store, FACILITATOR, "account_id,name,owner\nA1,Acme,Sam Seller\nA2,Beta,Dana Reyes\n")
    said = _import(store, DANA, "account_id,name,owner\nA1,Acme,Dana Reyes\nA2,Beta,Dana Reyes\nA3,Gamma,Dana Reyes\n")
    owners = store.accounts().set_index("account_id")["owner"]
    assert owners["A1"] == "Sam Seller"  # kept: Dana may not reassign
    assert owners["A3"] == "Dana Reyes"  # a new account takes the file's owner
    assert "owner of 1 stored account was kept" in said
    with pytest.raises(PermissionDenied, match="Sam Seller"):
        decisions.record_decision(store, DANA, "A1", "lead_unit", "mine now")
    entry = store.audit_log(limit=1).iloc[0]
    assert entry["action"] == "import.accounts" and "owners_kept" in str(entry["detail"])


def test_a_facilitator_may_reassign_by_import(store: Store) -> None:
    _import(store, FACILITATOR, "account_id,name,owner\nA1,Acme,Sam Seller\n")
    said = _import(store, FACILITATOR, "account_id,name,owner\nA1,Acme,Dana Reyes\n")
    assert store.accounts().set_index("account_id")["owner"]["A1"] == "Dana Reyes"
    assert "kept" not in said
    decisions.record_decision(store, DANA, "A1", "lead_unit", "now Dana's")


def test_an_unchanged_owner_in_another_case_is_no_change(store: Store) -> None:
    _import(store, FACILITATOR, "account_id,name,owner\nA1,Acme,Sam Seller\n")
    said = _import(store, DANA, "account_id,name,owner\nA1,Acme Corp, sam seller \n")
    assert "kept" not in said
    assert store.accounts().set_index("account_id")["name"]["A1"] == "Acme Corp"
