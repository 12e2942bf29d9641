"""Lead BU and point person from the CRM's evidence: the proposal, its ties, the cases where nothing is proposed (and
said), a person's choice winning over it; examples and properties against a slow obvious reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain import lead
from gtm.domain.errors import InputError

SETTINGS = settings(max_examples=examples(200), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = {"GTX": "GTX Systems", "PWR": "Power & Energy", "SNS": "Sensors"}


def deals(*rows: tuple[str, str | None, float, str, str | None, float | None]) -> pd.DataFrame:
    """Opportunities: (account, BU, value, outcome, owner, probability)."""
    frame = pd.DataFrame(rows, columns=["account_id", "bu", "value", "outcome", "owner", "probability"])
    return frame.assign(bu_name=frame["bu"].map(NAMES))


def one(proposals: pd.DataFrame, account: str) -> pd.Series:
    return proposals.set_index("account_id").loc[account]


def test_the_bu_and_the_owner_with_the_most_won_value_are_proposed_with_their_evidence() -> None:
    p = lead.propose(deals(("A", "GTX", 412_000, "won", "Ann Lee", 100), ("A", "PWR", 200_000, "won", "Bo Chen", 100),
                           ("A", "PWR", 63_400, "won", "Ann Lee", 100), ("A", "SNS", 900_000, "open", "Cy Diaz", 50),
                           ("A", "SNS", 5_000_000, "lost", "Cy Diaz", 0)))
    a = one(p, "A")
    assert a["bus"] == 3 and a["lead_bu"] == "GTX" and a["lead_bu_name"] == "GTX Systems"
    assert a["lead_why"] == "GTX Systems: $412.0k won here, 61% of the account's won value."
    assert a["point_person"] == "Ann Lee" and a["point_deals"] == 2
    assert a["point_why"] == "Ann Lee: $475.4k won here in 2 deals, 70.4% of the account's won value."
    assert a["lead_status"] == a["point_status"] == lead.PROPOSED


def test_a_tie_on_won_value_goes_to_the_larger_open_expected_value_then_to_the_name() -> None:
    p = lead.propose(deals(("A", "PWR", 100, "won", "Zoe", 100), ("A", "GTX", 100, "won", "Yan", 100),
                           ("A", "PWR", 1000, "open", None, 10), ("A", "GTX", 1000, "open", None, 5),
                           ("B", "SNS", 50, "won", "Xu", 100), ("B", "GTX", 50, "won", "Wu", 100)))
    a, b = one(p, "A"), one(p, "B")
    assert a["lead_bu"] == "PWR"  # $100 open expected against $50
    assert "tied with GTX Systems on won value, ahead on open expected value ($100 against $50)" in a["lead_why"]
    assert b["lead_bu"] == "GTX"  # the same won, no open: by the name, GTX Systems before Sensors
    assert "tied with Sensors on won value and open expected value, first by name" in b["lead_why"]


def test_a_tie_on_won_value_between_owners_goes_to_more_won_deals_then_to_the_name() -> None:
    p = lead.propose(deals(("A", "GTX", 60, "won", "Zoe", 100), ("A", "GTX", 40, "won", "Zoe", 100),
                           ("A", "PWR", 100, "won", "Abe", 100),
                           ("B", "GTX", 70, "won", "bea", 100), ("B", "PWR", 70, "won", "Al", 100)))
    assert one(p, "A")["point_person"] == "Zoe"
    assert "tied with Abe on won value, ahead on won deals (2 against 1)" in one(p, "A")["point_why"]
    assert one(p, "B")["point_person"] == "Al"  # any case: Al before bea
    assert "first by name" in one(p, "B")["point_why"]


def test_nothing_is_guessed_where_the_data_cannot_say_and_each_case_says_why() -> None:
    p = lead.propose(deals(
        ("ONE", "GTX", 500, "won", "Ann", 100), ("ONE", "GTX", 100, "open", "Bo", 50),        # one BU
        ("OPEN", "GTX", 500, "open", "Ann", 50), ("OPEN", "PWR", 100, "open", "Bo", 50),     # no won deal
        ("NOOWN", "GTX", 500, "won", None, 100), ("NOOWN", "PWR", 100, "open", "Bo", 50),    # won, no owner named
        ("NOBU", None, 500, "won", "Ann", 100), ("NOBU", "GTX", 1, "open", "Bo", 50), ("NOBU", "PWR", 1, "open", None, 50),
        ("LOST", "GTX", 500, "lost", "Ann", 0), ("LOST", "PWR", 500, "lost", "Bo", 0), ("LOST", "SNS", 5, "open", None, 9),
    ))
    status = p.set_index("account_id")[["lead_status", "point_status", "lead_bu", "point_person"]]
    assert status.loc["ONE"].tolist()[:2] == [lead.ONE_BU, lead.ONE_BU]
    assert status.loc["OPEN"].tolist()[:2] == [lead.NO_WON, lead.NO_WON]
    assert status.loc["NOOWN", "lead_bu"] == "GTX" and status.loc["NOOWN", "point_status"] == lead.WON_WITHOUT_OWNER
    assert status.loc["NOBU", "lead_status"] == lead.WON_WITHOUT_BU and status.loc["NOBU", "point_person"] == "Ann"
    assert status.loc["LOST", "lead_status"] == lead.ONE_BU  # lost deals count nowhere: one BU at stake
    for account in ("ONE", "OPEN", "LOST"):
        assert pd.isna(status.loc[account, "lead_bu"]) and pd.isna(status.loc[account, "point_person"])
    assert one(p, "OPEN")["lead_why"] == lead.LEAD_WORDS[lead.NO_WON]
    assert "no won deals" in lead.decided(p, pd.DataFrame()).set_index("account_id").loc["OPEN", "lead_reason"].lower()


def test_a_persons_choice_in_the_latest_decision_wins_and_the_evidence_is_still_said() -> None:
    p = lead.propose(deals(("A", "GTX", 400, "won", "Ann", 100), ("A", "PWR", 100, "won", "Bo", 100),
                           ("B", "GTX", 300, "won", "Cy", 100), ("B", "PWR", 100, "won", "Di", 100)))
    decisions = pd.DataFrame({  # newest first, as Store.decisions
        "account_id": ["A", "A", "B"], "lead_bu": ["PWR", "GTX", None], "point_person": [None, "Old", None],
        "lead_reason": ["Power runs the plant relationship.", None, None], "author": ["Fay Chen", "X", "Y"],
        "created_at": pd.to_datetime(["2026-12-02", "2026-11-01", "2026-12-01"], utc=True)})
    out = lead.decided(p, decisions, pd.Series(NAMES)).set_index("account_id")
    a = out.loc["A"]
    assert (a["lead_bu"], a["lead_bu_name"], a["lead_source"]) == ("PWR", "Power & Energy", "person")
    assert (a["point_person"], a["point_source"]) == ("Ann", "evidence")  # not chosen in the latest: the evidence
    assert a["lead_reason"].startswith("Lead BU Power & Energy, chosen by Fay Chen on 2026-12-02: Power runs the "
                                       "plant relationship. The evidence proposes GTX Systems: $400 won here")
    assert "Point person Ann: $400 won here in 1 deal, 80% of the account's won value." in a["lead_reason"]
    assert out.loc["B", "lead_source"] == "evidence" and out.loc["B", "lead_reason"].startswith("Lead BU GTX Systems:")


def test_a_choice_is_checked_a_bu_of_the_account_and_a_reason_for_another_than_proposed() -> None:
    kept = lead.check_choice("GTX", " Ann  Lee ", "", account_bus=["GTX", "PWR"], proposed_lead_bu="GTX",
                             proposed_point_person="Ann Lee")
    assert (kept.lead_bu, kept.point_person, kept.departs) == ("GTX", "Ann Lee", False)
    with pytest.raises(InputError, match="needs a reason") as missing:
        lead.check_choice("PWR", None, " ", account_bus=["GTX", "PWR"], proposed_lead_bu="GTX")
    assert missing.value.problems[0].column == "lead_reason"
    with pytest.raises(InputError, match=r"'SNS' does not sell at this account; accepted: GTX, PWR") as wrong:
        lead.check_choice("SNS", None, "They will", account_bus=["PWR", "GTX"])
    assert (wrong.value.problems[0].column, wrong.value.problems[0].value) == ("lead_bu", "SNS")
    with pytest.raises(InputError, match="at most 255"):
        lead.check_choice(None, "x" * 300, "why", account_bus=[])
    # Where the evidence proposes none (no won deal), choosing one is choosing other than it: a reason is needed.
    with pytest.raises(InputError, match="point person than the evidence proposes needs a reason"):
        lead.check_choice(None, "Ann", "", account_bus=["GTX"])
    assert lead.check_choice(None, None, "", account_bus=[]).chosen is False


def test_the_evidence_by_bu_and_by_owner_reads_in_the_proposals_order() -> None:
    by_bu, by_owner = lead.evidence(deals(("A", "PWR", 100, "won", "Bo", 100), ("A", "GTX", 100, "won", "Ann", 100),
                                          ("A", "GTX", 200, "open", None, 50), ("A", None, 7, "open", "Bo", 100),
                                          ("A", "SNS", 900, "lost", "Cy", 0)))
    assert by_bu["bu"].fillna("?").tolist() == ["GTX", "PWR", "?"] and by_bu["won_deals"].tolist() == [1, 1, 0]
    assert by_bu["open_value"].tolist() == [100.0, 0.0, 7.0]
    assert by_owner["owner"].fillna("?").tolist() == ["Ann", "Bo", "?"] and by_owner["open_deals"].tolist() == [0, 1, 1]


# --- properties -------------------------------------------------------------------------------------------------

@st.composite
def portfolios(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 40))
    return pd.DataFrame({
        "account_id": draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=n, max_size=n)),
        "bu": draw(st.lists(st.sampled_from(["GTX", "PWR", "SNS", None]), min_size=n, max_size=n)),
        "value": draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0, 10.0]), min_size=n, max_size=n)),
        "probability": draw(st.lists(st.sampled_from([None, 0.0, 50.0, 100.0]), min_size=n, max_size=n)),
        "outcome": draw(st.lists(st.sampled_from(["open", "won", "lost"]), min_size=n, max_size=n)),
        "owner": draw(st.lists(st.sampled_from(["Ann", "bo", "Bo", "Cy", None, " "]), min_size=n, max_size=n)),
    }).assign(bu_name=lambda f: f["bu"].map(NAMES))


def reference(frame: pd.DataFrame, account: str) -> tuple[str | None, str | None]:
    """The rules as written, one account at a time in plain Python."""
    rows = [{**r, "bu": r["bu"] if isinstance(r["bu"], str) else None,
             "owner": r["owner"].strip() if isinstance(r["owner"], str) else ""}
            for r in frame.to_dict("records") if r["account_id"] == account and r["outcome"] != "lost"]
    bus = {r["bu"] for r in rows if r["bu"] is not None}
    won = sum(r["value"] for r in rows if r["outcome"] == "won")
    if len(bus) < 2 or won <= 0:
        return None, None
    per_bu = {b: (sum(r["value"] for r in rows if r["bu"] == b and r["outcome"] == "won"),
                  sum(r["value"] * (100 if r["probability"] is None or np.isnan(r["probability"]) else r["probability"])
                      / 100 for r in rows if r["bu"] == b and r["outcome"] == "open")) for b in bus}
    best_bu = min(per_bu, key=lambda b: (-per_bu[b][0], -per_bu[b][1], NAMES[b].casefold(), NAMES[b]))
    owners = {r["owner"] for r in rows if r["outcome"] == "won"} - {""}
    per_owner = {o: (sum(r["value"] for r in rows if r["owner"] == o and r["outcome"] == "won"),
                     sum(1 for r in rows if r["owner"] == o and r["outcome"] == "won")) for o in owners}
    best_owner = min(per_owner, key=lambda o: (-per_owner[o][0], -per_owner[o][1], o.casefold(), o)) \
        if owners else None
    return (best_bu if per_bu[best_bu][0] > 0 else None,
            best_owner if best_owner is not None and per_owner[best_owner][0] > 0 else None)


@SETTINGS
@given(portfolios())
def test_the_proposal_is_the_rules_own_answer_and_never_a_guess(frame: pd.DataFrame) -> None:
    proposals = lead.propose(frame).set_index("account_id")
    for account in proposals.index:
        row = proposals.loc[account]
        want_bu, want_owner = reference(frame, account)
        got_bu = row["lead_bu"] if pd.notna(row["lead_bu"]) else None
        got_owner = row["point_person"] if pd.notna(row["point_person"]) else None
        assert (got_bu, got_owner) == (want_bu, want_owner), account
        # Nothing proposed is always said, never left blank; something proposed always comes with its evidence.
        assert (got_bu is None) == (row["lead_status"] != lead.PROPOSED)
        assert isinstance(row["lead_why"], str) and isinstance(row["point_why"], str) and row["point_why"]
        if got_bu is not None:
            assert row["lead_why"].startswith(NAMES[got_bu] + ": ") and row["bus"] >= 2
            assert 0 < row["lead_share"] <= 1
        if row["bus"] < 2:
            assert row["lead_status"] in (lead.ONE_BU, lead.NO_BU) and got_owner is None
    in_play = frame[frame["outcome"] != "lost"]["account_id"].unique()
    assert sorted(proposals.index) == sorted(in_play)  # every account at stake, and only those
