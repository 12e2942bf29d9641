"""AppTest: the Review page as a BU head's inbox. What waits for their verdict comes first; rows are approved or
challenged from the table, several at once, all or nothing; the table says the new state at once."""

from __future__ import annotations

import pandas as pd
from acting import act_as
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import Actor, Role
from gtm.services import decisions
from gtm.storage.repository import Store

FAY = Actor("Fay", Role.FACILITATOR)
ADA = Actor("Ada", Role.ADMIN)


def _single_bu_accounts(store: Store) -> tuple[str, list[str]]:
    """A BU of the demo and accounts whose whole value is in it (so one approval approves their decision)."""
    opps = store.opportunities()
    per_bu = opps[opps["value"] > 0].groupby(["account_id", "bu"])["value"].sum().reset_index()
    alone = per_bu[per_bu["account_id"].map(per_bu["account_id"].value_counts()) == 1]
    bu = str(alone["bu"].value_counts().index[0])
    return bu, sorted(alone.loc[alone["bu"] == bu, "account_id"].astype(str))


def _inbox(demo_db: str, decided: int = 2) -> tuple[AppTest, Store, str, list[int]]:
    """The page as the head of a BU with ``decided`` single-BU accounts decided; the decisions' ids."""
    at = run("pages/review.py")  # seeds the demo
    store = Store(demo_db)
    bu, accounts = _single_bu_accounts(store)
    ids = [decisions.record_decision(store, FAY, a, "lead_unit", f"why {a}") for a in accounts[:decided]]
    at = act_as(at, "bu_head", "Hal", bus=[bu]).run()
    assert not at.exception, [e.message for e in at.exception]
    return at, store, bu, ids


def _table(at: AppTest) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if df.key == "rv_table")


def _select(at: AppTest, rows: list[int]) -> AppTest:
    at.session_state["rv_table"] = {"selection": {"rows": rows, "columns": []}}
    return at.run()


def _verdicts(store: Store, ids: list[int]) -> list[list[str]]:
    return [store.reviews(i)["verdict"].tolist() for i in ids]


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error") for e in at.get(kind)]
    parts += [str(r.options) for r in at.radio] + [b.label for b in at.button]
    return " ".join(str(p) for p in parts)


def _no_empty_words(frame: pd.DataFrame) -> None:
    assert not frame.isna().any().any(), frame.columns[frame.isna().any()].tolist()
    words = frame.astype(str)
    assert not words.isin(["None", "nan", "NaT", "<NA>"]).any().any()


def test_the_page_opens_on_the_decisions_waiting_for_my_verdict(demo_db: str) -> None:
    at, _store, _bu, _ids = _inbox(demo_db)
    assert at.radio(key="rv_show").value == "waiting"
    assert "Waiting for my verdict (2)" in at.radio(key="rv_show").options
    table = _table(at)
    assert len(table) == 2 and set(table["your_verdict"]) == {"awaited"}
    assert set(table["review_status"]) == {"pending"}
    # All flagged accounts: the two waiting first, then the rest by value at stake.
    at.radio(key="rv_show").set_value("all").run()
    table = _table(at)
    assert table["your_verdict"].head(2).tolist() == ["awaited", "awaited"]
    assert (table["your_verdict"].iloc[2:] != "awaited").all()
    assert table["value_at_stake"].iloc[2:].is_monotonic_decreasing
    assert table.columns[:5].tolist() == ["account_name", "review_status", "fit_badge", "value_at_stake",
                                          "approach_label"]
    _no_empty_words(table)


def test_approving_two_selected_rows_records_both_and_the_page_says_so_at_once(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at, store, bu, ids = _inbox(demo_db)
    _select(at, [0, 1])
    approve = at.button(key="rv_approve")
    assert approve.label == "✓ Approve selected (2)" and not approve.disabled
    approve.click().run()
    assert not at.error, [e.value for e in at.error]
    assert _verdicts(store, ids) == [["approved"], ["approved"]]
    assert [t.value for t in at.toast] == [f"2 decisions approved for BU {_bu_name(store, bu)}"]
    # Nothing waits any more; the count, the table and the labels say so, and no "(pending)" survives.
    assert "Waiting for my verdict (0)" in at.radio(key="rv_show").options
    assert "(pending)" not in _texts(at)
    at.radio(key="rv_show").set_value("all").run()
    table = _table(at)
    assert table["review_status"].head(2).tolist() == ["approved", "approved"] or set(
        table.loc[table["your_verdict"] == "✓ approved", "review_status"]) == {"approved"}
    assert (table["your_verdict"] == "✓ approved").sum() == 2
    assert "(pending)" not in _texts(at)
    _no_empty_words(table)


def _bu_name(store: Store, bu: str) -> str:
    units = store.business_units()
    return str(units.set_index("bu_id")["name"].get(bu, bu))


def test_a_challenge_needs_a_comment(demo_db: str) -> None:
    at, store, _, ids = _inbox(demo_db, decided=1)
    _select(at, [0])
    assert any("Rationale given" in c.value for c in at.caption)  # one decision: what was decided and why
    at.button(key="rv_challenge").click().run()
    assert any("A challenge needs a comment" in e.value for e in at.error), [e.value for e in at.error]
    assert _verdicts(store, ids) == [[]]
    at.text_input(key="rv_comment").input("Turnkey needs more than a lead unit")
    at.button(key="rv_challenge").click().run()
    assert not at.error, [e.value for e in at.error]
    assert _verdicts(store, ids) == [["challenged"]]
    assert at.radio(key="rv_show").value == "all"  # nothing waits any more: the view says so by itself
    table = _table(at)
    assert table.loc[table["your_verdict"] == "✗ challenged", "review_status"].tolist() == ["challenged"]


def test_when_one_selected_decision_was_reviewed_meanwhile_nothing_is_recorded(demo_db: str) -> None:
    at, store, _, ids = _inbox(demo_db)
    _select(at, [0, 1])
    shown = _table(at)["account_name"].tolist()
    # An administrator challenges one of them, for no BU: this BU's inbox still lists it, one review newer.
    second = ids[[store.decisions(a).iloc[0]["account_name"] for a in _accounts(store, ids)].index(shown[1])]
    decisions.review_decision(store, ADA, second, "challenged", "wait")
    at.button(key="rv_approve").click().run()
    assert any("Someone reviewed this decision meanwhile" in e.value and "Nothing was recorded" in e.value
               for e in at.error), [e.value for e in at.error]
    assert sorted(map(len, _verdicts(store, ids))) == [0, 1]  # only the administrator's challenge


def _accounts(store: Store, ids: list[int]) -> list[str]:
    every = store.decisions().set_index("decision_id")["account_id"]
    return [str(every[i]) for i in ids]


def test_a_list_that_moved_under_the_selection_is_not_acted_on(demo_db: str) -> None:
    at, store, bu, ids = _inbox(demo_db)
    _select(at, [0])
    first = _table(at)["account_name"].iloc[0]
    target = next(i for i, a in zip(ids, _accounts(store, ids)) if store.decisions(a).iloc[0]["account_name"] == first)
    decisions.review_decision(store, ADA, target, "approved", "", bu=bu)  # the row leaves this BU's inbox
    at.button(key="rv_approve").click().run()
    assert any("The list changed since you selected rows" in i.value for i in at.info)
    assert sorted(map(len, _verdicts(store, ids))) == [0, 1]


def test_a_new_verdict_on_a_reviewed_decision_asks_first(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at, store, bu, ids = _inbox(demo_db, decided=1)
    decisions.review_decision(store, ADA, ids[0], "approved", "", bu=bu)
    at.run()
    table = _table(at)
    row = int(table.index[table["your_verdict"] == "✓ approved"][0])
    _select(at, [row])
    assert any("already carr" in w.value and "1 approved" in w.value for w in at.warning)
    assert at.button(key="rv_challenge").disabled
    at.checkbox(key="rv_confirm").check().run()
    at.text_input(key="rv_comment").input("Changed my mind")
    at.button(key="rv_challenge").click().run()
    assert not at.error, [e.value for e in at.error]
    assert _verdicts(store, ids) == [["approved", "challenged"]]
    table = _table(at)
    assert table.loc[table["your_verdict"] == "✗ challenged", "review_status"].tolist() == ["challenged"]


def test_rows_without_a_decision_cannot_be_approved(demo_db: str) -> None:
    at, store, _, ids = _inbox(demo_db, decided=1)
    at.radio(key="rv_show").set_value("all").run()
    _select(at, [0, 1])  # the decided one, then the first flagged account without a decision
    assert any("1 selected account has no decision yet" in i.value for i in at.info)
    assert at.button(key="rv_approve").label == "✓ Approve selected (1)"
    at.button(key="rv_approve").click().run()
    assert _verdicts(store, ids) == [["approved"]]


def test_presentation_mode_and_readers_get_no_verdict_buttons(demo_db: str) -> None:
    at, _, _, _ = _inbox(demo_db)
    _select(at, [0])
    assert at.button(key="rv_approve")
    at.query_params["present"] = "1"
    at.run()
    assert not [b for b in at.button if b.key in ("rv_approve", "rv_challenge")]
    at.query_params["present"] = "0"
    act_as(at, "viewer", "Vic").run()
    assert not at.exception
    assert not [b for b in at.button if b.key in ("rv_approve", "rv_challenge")]
