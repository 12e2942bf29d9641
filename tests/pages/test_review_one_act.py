"""AppTest: a BU head of several BUs sees each waiting decision once, with the BUs of theirs it waits on, and
approves it for all of them in one click; a different verdict per BU stays possible."""

from __future__ import annotations

import json

import pandas as pd
from acting import act_as
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import Actor, Role
from gtm.services import decisions
from gtm.storage.repository import Store

FAY = Actor("Fay", Role.FACILITATOR)


def _two_bu_account(store: Store) -> tuple[str, list[str]]:
    """A demo account with value in exactly two BUs (the first run of the app seeds the demo)."""
    opps = store.opportunities()
    per_bu = opps[opps["value"] > 0].groupby(["account_id", "bu"])["value"].sum().reset_index()
    counts = per_bu.groupby("account_id")["bu"].agg(list)
    account = next(a for a, bus in counts.items() if len(bus) == 2)
    return str(account), sorted(counts[account])


def _inbox(demo_db: str) -> tuple[AppTest, Store, str, list[str], int]:
    """The Review page as the head of both BUs of a decided two-BU account."""
    at = run("pages/review.py")  # seeds the demo
    store = Store(demo_db)
    account, bus = _two_bu_account(store)
    decision = decisions.record_decision(store, FAY, account, "lead_unit", "One unit leads")
    at = act_as(at, "bu_head", "Hal Both", bus=bus).run()
    assert not at.exception, [e.message for e in at.exception]
    return at, store, account, bus, decision


def _table(at: AppTest) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if df.key == "rv_table")


def _select(at: AppTest, account_name: str) -> AppTest:
    table = _table(at)
    at.session_state["rv_table"] = {"selection": {"rows": [int(table.index[table["account_name"] == account_name][0])],
                                                  "columns": []}}
    return at.run()


def _names(store: Store, bus: list[str]) -> list[str]:
    units = store.business_units().set_index("bu_id")["name"]
    return [str(units[b]) for b in bus]


def test_a_head_of_two_bus_approves_a_decision_once_for_both(demo_db: str) -> None:
    at, store, account, bus, decision = _inbox(demo_db)
    assert not [s for s in at.selectbox if s.key == "rv_bu"]  # no BU to switch: the inbox is all of theirs
    name = str(store.decisions(account).iloc[0]["account_name"])
    table = _table(at)
    mine = table[table["account_name"] == name]
    assert len(mine) == 1 and mine["waiting_on"].tolist() == [", ".join(bus)]  # once, with both BUs it waits on
    assert mine["your_verdict"].tolist() == ["awaited"]
    _select(at, name)
    first, second = _names(store, bus)
    assert any(f"recorded for each of the BUs {first} and {second}, in one act" in c.value.replace("\\", "")
               for c in at.caption), [c.value for c in at.caption]
    at.button(key="rv_approve").click().run()
    assert not at.error, [e.value for e in at.error]
    reviews = store.reviews(decision)
    assert sorted(zip(reviews["bu"], reviews["verdict"])) == [(bus[0], "approved"), (bus[1], "approved")]
    row = store.decisions(account).iloc[0]
    assert (row["review_status"], row["approvals"]) == ("approved", f"{bus[0]} ✓ · {bus[1]} ✓")
    assert [t.value.replace("\\", "") for t in at.toast] == [f"1 decision approved for BUs {first} and {second}"]
    at.radio(key="rv_show").set_value("all").run()
    table = _table(at)
    assert table.loc[table["account_name"] == name, "your_verdict"].tolist() == ["✓ approved"]


def test_a_head_of_two_bus_may_approve_for_one_and_challenge_for_the_other(demo_db: str) -> None:
    at, store, account, bus, decision = _inbox(demo_db)
    _select(at, str(store.decisions(account).iloc[0]["account_name"]))
    choice = {s.key: s for s in at.segmented_control}
    choice[f"rv_per_bu_{decision}_{bus[0]}"].set_value("approved")
    choice[f"rv_per_bu_{decision}_{bus[1]}"].set_value("challenged")
    at.text_input(key="rv_comment").input("The second unit is not in").run()  # the choices enable the button
    at.button(key="rv_per_bu").click().run()
    assert not at.error, [e.value for e in at.error]
    reviews = store.reviews(decision)
    assert sorted(zip(reviews["bu"], reviews["verdict"])) == [(bus[0], "approved"), (bus[1], "challenged")]
    assert store.decisions(account).iloc[0]["review_status"] == "challenged"


def test_the_status_column_has_room_for_its_longest_words(demo_db: str) -> None:
    at, _, _, _, _ = _inbox(demo_db)
    at.radio(key="rv_show").set_value("all").run()  # decided and undecided accounts: every status word
    table = next(df for df in at.dataframe if df.key == "rv_table")
    assert {"pending", "no decision yet"} <= set(table.value["review_status"])
    config = json.loads(table.proto.columns)["review_status"]
    # Chromium draws "no decision yet" 88 px wide in the table's 14 px Source Sans, with 8 px of padding a side.
    # Sized to its first rows ("pending"), the column cut it to "no decisio".
    assert config.get("width", 0) >= 88 + 2 * 8, config
