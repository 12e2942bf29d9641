"""coverage: natures before and after a draft of the rules or mappings, and the share of value diagnosed."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain.coverage import (
    UNDIAGNOSED,
    account_changes,
    changes,
    compare,
    coverage,
    distribution,
    dominant_rule,
    family_gaps,
    filled,
    labels,
    left_out,
    override_history,
    pick_list,
)
from gtm.domain.vocabulary import NATURES


def opps(natures: list[str | None], sources: list[str]) -> pd.DataFrame:
    n = len(natures)
    return pd.DataFrame({
        "opportunity_id": [f"O{i}" for i in range(n)], "name": [f"opp {i}" for i in range(n)],
        "account_id": ["A1", "A1", "A2", "A3"][:n], "account_name": ["One", "One", "Two", "Three"][:n],
        "value": [100.0, 200.0, 300.0, 400.0][:n], "nature": natures, "nature_source": sources,
        "diagnosis_rule": ["r"] * n,
    })


BEFORE = opps(["turnkey", None, None, "cross_sell"], ["given", "undiagnosed", "undiagnosed", "rule"])
AFTER = opps(["turnkey", "qualification", None, "turnkey"], ["given", "rule", "undiagnosed", "rule"])


def test_coverage_is_the_diagnosed_share_of_the_value_the_file_left_open() -> None:
    before, after = coverage(BEFORE), coverage(AFTER)
    assert before.to_diagnose_value == 900.0  # the given turnkey (100) is not the diagnosis' work
    assert before.share == pytest.approx(400 / 900)
    assert after.share == pytest.approx(600 / 900)
    assert (after.undiagnosed_count, after.undiagnosed_value) == (1, 300.0)
    assert coverage(opps(["turnkey"], ["given"])).share == 1.0


def test_distribution_counts_and_values_every_nature_and_the_undiagnosed() -> None:
    table = distribution(BEFORE, AFTER).set_index("nature")
    assert table.index[-1] == UNDIAGNOSED and len(table) == 7
    assert table.loc[UNDIAGNOSED, ["count_before", "count_after", "count_change"]].tolist() == [2, 1, -1]
    assert table.loc["Turnkey solutions", "value_after"] == 500.0
    assert table.loc["Info exchange / cost reduction", "count_after"] == 0
    assert table["count_after"].sum() == len(AFTER)


def test_changes_list_the_opportunities_and_accounts_whose_nature_moves() -> None:
    moved = changes(BEFORE, AFTER)
    assert moved["opportunity_id"].tolist() == ["O3", "O1"]  # largest first
    assert moved.iloc[1][["nature_before", "nature_after"]].tolist() == [UNDIAGNOSED, "Qualification / one-time action"]
    accounts = account_changes(moved)
    assert accounts["account_id"].tolist() == ["A3", "A1"]
    assert accounts["opportunities"].tolist() == [1, 1]
    assert account_changes(changes(BEFORE, BEFORE)).empty


def test_changes_match_opportunities_by_id_not_by_position() -> None:
    assert changes(BEFORE, BEFORE.iloc[::-1]).empty


def test_family_gaps_add_a_blank_row_per_unmapped_family_largest_first() -> None:
    mapping = pd.DataFrame({"product_family": ["Drives"], "bu": ["BU-AUT"]})
    data = pd.DataFrame({"product_family": ["drives", "Pumps", "Valves", None, "Valves", " "],
                         "value": [1.0, 5.0, 3.0, 9.0, 3.0, 1.0]})
    out = family_gaps(mapping, data)
    assert out["product_family"].tolist() == ["Drives", "Valves", "Pumps"]
    assert out["bu"].isna().tolist() == [False, True, True]


def test_filled_keeps_only_rows_a_person_completed() -> None:
    edited = pd.DataFrame({"product_family": ["Drives", "Pumps", None], "nature": ["Turnkey", None, "  "]})
    assert filled(edited, "nature") == [{"product_family": "Drives", "nature": "Turnkey"}]


def test_override_history_is_newest_first_with_withdrawals_in_words() -> None:
    overrides = pd.DataFrame({"opportunity_id": ["O1", "O2", "O1"], "nature": ["turnkey", "cross_sell", None],
                              "reason": ["a", "b", "c"], "author": ["x", "y", "z"],
                              "created_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"])})
    history = override_history(overrides, "O1")
    assert history["reason"].tolist() == ["c", "a"]
    assert history["nature"].tolist()[1] == "Turnkey solutions"
    assert history["nature"].tolist()[0].startswith("withdrawn")


def test_pick_list_puts_the_undiagnosed_first_and_finds_by_name_account_or_id() -> None:
    assert pick_list(BEFORE) == ["O2", "O1", "O3", "O0"]
    assert pick_list(BEFORE, "three") == ["O3"]
    assert pick_list(BEFORE, " o1 ") == ["O1"]
    assert pick_list(BEFORE, "opp", limit=1) == ["O2"]
    assert pick_list(BEFORE, "nothing like it") == []


def test_the_pick_list_matches_a_full_sort_with_ties_and_gaps() -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    n = 5_000
    opps = pd.DataFrame({
        "opportunity_id": [f"O{i:05d}" for i in rng.permutation(n)],
        "name": "deal", "account_name": "acct",
        "nature": np.where(rng.random(n) < 0.3, None, "turnkey"),
        "value": np.where(rng.random(n) < 0.05, np.nan, rng.integers(0, 50, n).astype(float)),  # many ties
    })
    full = opps.assign(_open=opps["nature"].isna()).sort_values(["_open", "value", "opportunity_id"],
                                                                ascending=[False, False, True])
    for limit in (10, 500, 2_000, 10_000):
        assert pick_list(opps, limit=limit) == full["opportunity_id"].head(limit).tolist()


def _crm(n: int = 6) -> pd.DataFrame:
    """A name-keyed export after the blanket rule: every opportunity of a multi-BU account called cross-sell."""
    return pd.DataFrame({
        "opportunity_id": [f"o{i}" for i in range(n)], "account_id": ["A", "A", "B", "B", "C", "C"][:n],
        "product_family": ["Drives", "drives ", "Sensors", "Sensors", "Spares", None][:n],
        "bu_name": ["Automation", "Automation", "Sensing", "Energy", None, None][:n],
        "value": [100.0, 300.0, 50.0, 0.0, 25.0, 25.0][:n],
        "nature": pd.Categorical(["cross_sell"] * n, categories=NATURES.codes),
        "nature_source": pd.Categorical(["rule"] * n), "diagnosis_rule": pd.Categorical(["multi-bu-account"] * n),
    })


def test_one_rule_deciding_most_of_the_value_is_named() -> None:
    from gtm.domain.coverage import dominant_rule

    found = dominant_rule(_crm())
    assert found is not None and found.rule == "multi-bu-account" and found.share == 1.0
    mixed = _crm().assign(nature_source=pd.Categorical(["given", "given", "rule", "rule", "rule", "rule"]))
    assert dominant_rule(mixed) is None  # 100 of 500 by the rule: no warning
    people = _crm().assign(nature_source=pd.Categorical(["person"] + ["rule"] * 5))
    found = dominant_rule(people)
    assert found is not None and found.share == pytest.approx(400 / 500)
    assert dominant_rule(_crm().assign(nature=pd.Categorical([None] * 6, categories=NATURES.codes))) is None


def test_evidence_per_family_folds_spellings_and_says_what_it_does_not_know() -> None:
    from gtm.domain.coverage import evidence, with_evidence

    found = evidence(_crm())
    assert found["product_family"].tolist() == ["Drives", "Sensors", "Spares"]  # largest first, blank left out
    drives = found.iloc[0]
    assert (drives["opportunities"], drives["value"], drives["median_value"], drives["accounts"]) == (2, 400.0, 200.0,
                                                                                                       1)
    assert drives["bus"] == "Automation" and found.iloc[1]["bus"] == "Energy, Sensing"
    assert drives["won"] == "unknown"  # no outcome column
    outcomes = evidence(_crm().assign(outcome=["won", "lost", "open", "open", "lost", "won"]))
    assert outcomes.set_index("product_family")["won"].to_dict() == {
        "Drives": "50% of 2", "Sensors": "unknown (all open)", "Spares": "0% of 1"}
    mapping = pd.DataFrame({"product_family": ["DRIVES", "Pumps"], "bu": ["Motion", None]})
    shown = with_evidence(mapping, found)
    assert shown["bu"].tolist()[0] == "Motion" and shown["opportunities"].tolist()[0] == 2
    assert pd.isna(shown["opportunities"].iloc[1])  # Pumps: none in the data
    assert evidence(_crm(), "stage").empty


def test_the_mapping_is_filled_in_beside_its_evidence() -> None:
    from gtm.domain.coverage import evidence, mapping_table

    mapping = pd.DataFrame({"product_family": ["sensors"], "bu": ["Sensing"]})
    table = mapping_table(mapping, evidence(_crm()))
    assert table["product_family"].tolist() == ["sensors", "Drives", "Spares"]  # mapped, then the rest largest first
    assert table["bu"].tolist()[0] == "Sensing" and pd.isna(table["bu"].iloc[1])
    assert table["opportunities"].tolist() == [2, 2, 1] and table["bus"].tolist()[1] == "Automation"


def test_lost_deals_are_out_of_the_coverage_and_the_counts_by_nature_as_out_of_the_to_do_list() -> None:
    # O1 (200, not yet diagnosed) and O3 (400, diagnosed by a rule) are lost: neither is at stake
    lost = BEFORE.assign(outcome=["open", "lost", "won", "lost"])
    cov = coverage(lost)
    assert (cov.undiagnosed_count, cov.undiagnosed_value) == (1, 300.0)  # O2 only, as on the to-do list
    assert cov.to_diagnose_value == 300.0 and cov.share == 0.0
    assert (cov.lost_count, cov.lost_value) == (2, 600.0)
    assert left_out(cov, "USD") == ("2 lost deals ($600) are left out of the coverage, the counts by nature and the "
                                    "to-do list: a lost deal is no longer at stake, so it needs no nature.")
    assert left_out(coverage(BEFORE), "USD") == ""  # no outcome column: every deal is at stake
    table = distribution(lost, lost).set_index("nature")
    assert table.loc[UNDIAGNOSED, "count_after"] == 1 and table["count_after"].sum() == 2
    assert table.loc["Cross-sell / referral", "count_after"] == 0  # O3 is lost


def test_an_opportunity_without_a_name_is_still_labelled_and_found() -> None:
    # A CRM file without an Opportunity Name column: the Diagnose page's pickers failed on the missing label.
    frame = BEFORE.assign(name=[None, "opp 1", None, "opp 3"])
    assert labels(frame, ["O0", "O1"]) == {"O0": "O0 ·  · One", "O1": "O1 · opp 1 · One"}
    assert pick_list(frame, "one") == ["O1", "O0"]  # the not yet diagnosed first


def test_a_comparison_holds_what_the_preview_shows_once() -> None:
    before = pd.DataFrame({"opportunity_id": ["O1", "O2", "O3"], "name": ["a", "b", "c"], "account_id": ["A", "A", "B"],
                           "account_name": ["Acme", "Acme", "Beta"], "value": [10.0, 20.0, 30.0],
                           "nature": ["turnkey", None, None], "nature_source": ["given", "undiagnosed", "undiagnosed"],
                           "diagnosis_rule": [None, None, None]})
    after = before.assign(nature=["turnkey", "cross_sell", None],
                          nature_source=["given", "rule", "undiagnosed"], diagnosis_rule=[None, "multi-bu", None])
    same = compare(before, before, changed=False)
    assert same.before == same.after == coverage(before) and same.changes.empty and same.accounts.empty
    moved = compare(before, after, changed=True)
    assert moved.after == coverage(after) and moved.after.share > moved.before.share
    assert moved.changes["opportunity_id"].tolist() == ["O2"]
    assert moved.accounts["account_id"].tolist() == ["A"]
    pd.testing.assert_frame_equal(moved.distribution, distribution(before, after))
    assert moved.dominant == dominant_rule(after)
