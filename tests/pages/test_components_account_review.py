"""The Account, Review and Scenarios pages' components run alone (AppTest.from_function), each given typed inputs
built here: what a person reads, without a store or a page around them."""

from __future__ import annotations

from typing import Any

import pandas as pd
from streamlit.testing.v1 import AppTest

from gtm.display import plain
from gtm.domain.types import APPROACHES

LEAD_UNIT = "lead_unit"


def _run(script: Any, *args: Any) -> AppTest:
    """Run ``script`` alone with ``args``. AppTest runs the function's source by itself, without this module's
    imports: its annotations name builtins only, and it imports what it calls."""
    at = AppTest.from_function(script, args=args, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _history(history: object, account_id: str) -> None:
    from pages.common.account import decision

    decision.show_history(history, account_id)


def test_the_decision_history_lists_each_decision_in_words_and_notes_the_latest_seen() -> None:
    history = pd.DataFrame({
        "decision_id": [7, 3], "created_at": pd.to_datetime(["2025-03-02 10:00", "2025-01-05 09:30"]),
        "author": ["Ana", "Ben"], "author_role": ["sales_leader", "bu_head"], "approach": [LEAD_UNIT, "traditional_sales"],
        "rationale": ["Three BUs sell here", "Start small"], "matrix_name": ["default", "default"],
        "matrix_fingerprint": ["abc", "abc"], "review_status": ["pending", "approved"], "approvals": ["", ""],
        "review_comment": ["", ""], "account_id": ["ACC-1", "ACC-1"]})
    at = _run(_history, history, "ACC-1")
    assert at.subheader[0].value == "Decision history"
    shown = at.dataframe[0].value
    assert shown["approach_label"].tolist() == [APPROACHES.label(LEAD_UNIT), APPROACHES.label("traditional_sales")]
    assert "account_id" not in shown.columns  # only the columns the table shows are sent
    # A decision recorded next expects the newest one shown: someone else's since is refused.
    assert at.session_state["dec_seen"] == {"ACC-1": 7}

    at = _run(_history, history.iloc[0:0], "ACC-2")
    assert [c.value for c in at.caption] == ["No decision recorded yet."] and not at.dataframe
    assert at.session_state["dec_seen"] == {"ACC-2": 0}


def _selected(picked: object, decided: object) -> None:
    from pages.common.review import verdicts

    verdicts.show_selected(picked, decided)


def test_one_selected_decision_says_what_was_decided_and_what_the_record_does_not_say() -> None:
    picked = pd.DataFrame({
        "account_name": ["Acme *Corp*", "Globex"], "decision_id": [11.0, None],
        "decided_approach": [LEAD_UNIT, None], "author": [None, None], "rationale": [float("nan"), None],
        "approvals": ["AS ✓, DI …", ""]})
    at = _run(_selected, picked, picked[picked["decision_id"].notna()])
    # The account's name is data, not Markdown; the missing author and rationale are said, never "None" or "nan".
    assert at.markdown[0].value == (rf"**Acme \*Corp\*** — {plain(APPROACHES.label(LEAD_UNIT))}, decided by "
                                    "someone not recorded.")
    assert [c.value for c in at.caption] == [
        "Rationale given: none recorded",
        "Where the BUs stand: AS ✓, DI …. It is approved when every BU with value at the account has approved."]
    assert at.info[0].value.startswith("1 selected account has no decision yet")

    at = _run(_selected, picked.iloc[0:0], picked.iloc[0:0])
    assert at.caption[0].value.startswith("Select rows") and not at.markdown and not at.info


def _moved(moved: object, cur: str, showing: bool) -> None:
    from pages.common.scenarios import compare

    compare.show_moved(moved, cur, showing)


def test_the_accounts_moved_are_counted_and_the_largest_listed() -> None:
    moved = pd.DataFrame({"Account": ["Acme", "Globex"], "Pipeline value (EUR)": [12_500_000.0, 400_000.0],
                          "Steps (+ heavier in B)": [2, -1]})
    at = _run(_moved, moved, "EUR", False)
    assert at.markdown[0].value == "**Accounts moved**: 2 accounts have another structure in B than in A."
    assert at.dataframe[0].value["Account"].tolist() == ["Acme", "Globex"]
    many = pd.concat([moved] * 501, ignore_index=True)  # 1,002 accounts: the 1,000 largest listed, the exports all
    at = _run(_moved, many, "EUR", False)
    assert at.markdown[0].value == ("**Accounts moved**: 1,002 accounts have another structure in B than in A; the "
                                    "1,000 largest are listed, the exports hold every one.")
    assert len(at.dataframe[0].value) == 1000

    at = _run(_moved, moved.iloc[0:0], "EUR", True)
    assert at.markdown[0].value == "**Accounts moved**: 0 accounts have another structure in B than in A."
    assert not at.dataframe


def _latest(decided: object) -> None:
    from pages.common.account import status

    status.show_latest_decision(decided)


def test_the_latest_decision_says_who_when_and_where_its_review_stands_or_that_there_is_none() -> None:
    decided = pd.DataFrame({"approach": [LEAD_UNIT], "author": [None], "created_at": [pd.Timestamp("2025-03-02")],
                            "review_status": ["pending"], "approvals": ["AS ✓"]})
    at = _run(_latest, decided)
    assert at.markdown[0].value == (f"**{APPROACHES.label(LEAD_UNIT)}** by author not known, {plain('2025-03-02')} · review: "
                                    "**pending** (AS ✓)")
    at = _run(_latest, decided.iloc[0:0])
    assert at.markdown[0].value == "— none yet (record one below)"
