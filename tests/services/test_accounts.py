"""Setting the current approach of many accounts at once (the Portfolio page's table)."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.services import accounts
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

LEADER = Actor("Dana Reyes", Role.SALES_LEADER)


def _three(store: Store) -> None:
    data = b"Account ID,Account Name,Current Approach\nA1,Acme,\nA2,Beta,Assignment of lead unit for multi-unit accounts\nA3,Gamma,\n"
    commit_import(store, plan_import(store, "accounts", data, name="a.csv"), LEADER)


def test_many_accounts_at_once_by_label_code_or_blank(store: Store) -> None:
    _three(store)
    version = store.data_version()
    changed = accounts.set_current_approaches(store, LEADER, {"A1": "Traditional sales representatives and distributors",
                                                              "A2": "", "A3": "market_bu"})
    assert changed == 3 and store.data_version() > version
    stored = store.accounts().set_index("account_id")["current_approach"]
    assert stored["A1"] == "traditional_sales" and pd.isna(stored["A2"]) and stored["A3"] == "market_bu"


def test_a_bad_row_changes_nothing_and_says_what_is_accepted(store: Store) -> None:
    _three(store)
    before = store.accounts()
    with pytest.raises(InputError) as info:
        accounts.set_current_approaches(store, LEADER, {"A1": "market_bu", "A2": "hire a consultant", "ZZ": "lead_unit"})
    message = str(info.value)
    assert "row A2, column 'current approach': value 'hire a consultant': is not an approach; accepted:" in message
    assert "row ZZ, column 'account'" in message and "nothing was changed" in message
    pd.testing.assert_frame_equal(store.accounts(), before)
    with pytest.raises(PermissionDenied):
        accounts.set_current_approaches(store, Actor("Bo", Role.BU_HEAD, "BU-A"), {"A1": "market_bu"})


def test_changed_approaches_reads_an_edited_table() -> None:
    before = pd.DataFrame({"account_id": ["A1", "A2", "A3"], "current_approach": [None, "Market BU", None]})
    after = before.assign(current_approach=["Market BU", "Market BU", None])
    assert accounts.changed_approaches(before, after) == {"A1": "Market BU"}
