"""Lost deals leave the verdicts; won deals weigh beside the open pipeline by the won-deal weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtm.domain import drill, economics, funnel, portfolio
from gtm.domain.matrix import default_matrix
from gtm.domain.recommend import expected_value_note, expected_values

MATRIX = default_matrix()
ACCOUNTS = pd.DataFrame({"account_id": ["A", "B", "L"], "name": ["Acme", "Beta", "Lost Co"],
                         "current_approach": ["traditional_sales", None, "traditional_sales"]})


def frame(rows: list[tuple[str, str, str | None, float, float | None, str]]) -> pd.DataFrame:
    """(opportunity, account, nature, value, probability, outcome) rows at each account's current approach."""
    ids, acc, nature, value, prob, outcome = zip(*rows, strict=True)
    approach = pd.Series(acc).map(ACCOUNTS.set_index("account_id")["current_approach"])
    return pd.DataFrame({"opportunity_id": ids, "account_id": acc, "account_name": acc, "bu": "BU-1",
                         "nature": nature, "value": value, "probability": prob, "outcome": outcome,
                         "approach": approach.to_numpy()})


# Acme: an open info exchange deal, a lost $0 turnkey deal and a lost $5M turnkey deal. Beta: a won turnkey deal
# and an open qualification deal. Lost Co: lost deals only.
OPPS = frame([("O1", "A", "info_exchange", 100.0, 50.0, "open"), ("O2", "A", "turnkey", 0.0, 0.0, "lost"),
              ("O3", "A", "turnkey", 5_000_000.0, 0.0, "lost"), ("O4", "B", "turnkey", 1000.0, 100.0, "won"),
              ("O5", "B", "qualification", 400.0, 50.0, "open"), ("O6", "L", None, 900.0, 0.0, "lost"),
              ("O7", "L", "cross_sell", 50.0, 0.0, "lost")])


def test_a_lost_deal_keeps_its_nature_but_has_no_fit_and_weighs_nothing() -> None:
    judged = portfolio.assess_portfolio(OPPS, MATRIX).set_index("opportunity_id")
    assert judged.loc["O3", "nature"] == "turnkey" and pd.isna(judged.loc["O3", "fit"])
    assert judged.loc["O3", "steps"] == 0 and judged.loc["O3", "expected_value"] == 0.0
    assert judged.loc["O3", "rationale"] == portfolio.LOST_RATIONALE
    assert judged.loc["O1", "fit"] == "realistic" and judged.loc["O1", "expected_value"] == 50.0


def test_figures_cells_misfits_and_the_to_do_list_leave_lost_deals_out_and_say_so() -> None:
    judged = portfolio.assess_portfolio(OPPS, MATRIX)
    f = portfolio.figures(judged)
    assert (f.opportunities, f.total_value, f.accounts) == (3, 1500.0, 2)
    assert (f.lost_count, f.lost_value) == (4, 5_000_950.0)
    # Beta's won turnkey and open qualification deals at traditional sales (assumed), never Acme's lost turnkey one
    assert f.insufficient_count == 2 and f.insufficient_value == 1400.0
    assert f.undiagnosed_count == 0  # Lost Co's undiagnosed deal is lost: no to-do
    assert "4 lost deals ($5.0M) are left out of the figures, fits and recommendations" in f.left_out()
    cells = portfolio.cell_summary(judged)
    assert cells["count"].sum() == 3 and cells.loc[cells["nature"] == "turnkey", "count"].sum() == 1
    assert portfolio.undiagnosed_todo(judged).empty and portfolio.undiagnosed_summary(judged)["count"].sum() == 0
    assert portfolio.biggest_misfits(judged)["account_id"].tolist() == ["B"]
    members = drill.cell_members(judged, "turnkey", "traditional_sales")
    assert members.opportunity_count == 1 and members.opportunities["opportunity_id"].tolist() == ["O4"]


def test_the_recommendation_and_its_lists_never_count_a_lost_deal() -> None:
    judged = portfolio.assess_portfolio(OPPS, MATRIX)
    recs = portfolio.recommendations(judged, MATRIX).set_index("account_id")
    # Acme's $5M lost turnkey deal would have asked for a heavy structure; its open info exchange deal asks none.
    assert recs.loc["A", "recommended_approach"] == "traditional_sales"
    assert "L" not in recs.index
    acme = judged[judged["account_id"] == "A"]
    over, under = portfolio.served_by(acme, "market_bu", MATRIX)
    assert over["opportunity_id"].tolist() == ["O1"] and under.empty
    _, under = portfolio.served_by(acme, "traditional_sales", MATRIX)
    assert under.empty  # the $0 Closed Lost deal is not "would under-serve"
    table = portfolio.account_summary(ACCOUNTS, judged, portfolio.recommendations(judged, MATRIX)).set_index(
        "account_id")
    assert (table.loc["A", "opportunities"], table.loc["A", "value"], table.loc["A", "lost_count"]) == (1, 100.0, 2)
    assert table.loc["L", "recommendation_rationale"] == portfolio.ALL_LOST
    assert portfolio.fit_summary(judged[judged["account_id"] == "L"]).startswith("Every opportunity of this account "
                                                                                 "is lost")


def test_a_bu_reviews_no_account_for_a_lost_deal_alone() -> None:
    opps = frame([("O1", "A", "turnkey", 1000.0, 0.0, "lost"), ("O2", "B", "turnkey", 1000.0, 50.0, "open")])
    judged = portfolio.assess_portfolio(opps, MATRIX)
    queue = portfolio.review_queue(ACCOUNTS, judged, pd.DataFrame(columns=["account_id", "approach"]), "BU-1", MATRIX)
    assert queue["account_id"].tolist() == ["B"]


def test_the_design_economics_and_the_funnel_count_no_lost_deal() -> None:
    judged = portfolio.assess_portfolio(OPPS, MATRIX)
    exp = economics.exposure(judged[["account_id", "nature", "expected_value", "outcome"]], MATRIX, ["A", "B", "L"])
    assert exp.total.tolist() == [50.0, 500.0 + 200.0, 0.0] and exp.undiagnosed.tolist() == [0.0, 0.0, 0.0]
    sizes = funnel.account_pipeline(judged)
    assert sizes.loc["A", "value"] == 100.0 and sizes.loc["L", "value"] == 0.0


@pytest.mark.parametrize("weight, expected", [(0.0, "coordinated_incentives"), (1.0, "common_front_end")])
def test_the_won_deal_weight_moves_the_recommendation(weight: float, expected: str) -> None:
    """Beta has won a turnkey deal (business already done) and holds an open qualification deal: with won deals
    weighing nothing the open pipeline alone decides; weighing fully, the relationship the won deal says wins."""
    beta = OPPS[OPPS["account_id"] == "B"]
    judged = portfolio.assess_portfolio(beta, MATRIX, won_weight=weight)
    assert judged.set_index("opportunity_id").loc["O4", "expected_value"] == 1000.0 * weight
    rec = portfolio.recommendations(judged, MATRIX).iloc[0]
    assert rec["recommended_approach"] == expected


def test_expected_values_say_what_won_and_lost_weigh() -> None:
    values = expected_values(OPPS, won_weight=0.25)
    assert values.tolist() == [50.0, 0.0, 0.0, 250.0, 200.0, 0.0, 0.0]
    assert "a won deal weighs 25% of its amount" in expected_value_note(0.25) and "lost deal nothing" in \
        expected_value_note(0.25)
    with pytest.raises(ValueError, match="won-deal weight"):
        expected_values(OPPS, won_weight=1.5)


natures = st.sampled_from(["info_exchange", "qualification", "cross_sell", "coordinated_strategy",
                           "technical_solution", "turnkey", None])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B"]), natures, st.floats(0, 1e6), st.sampled_from(["open", "won"])),
                min_size=1, max_size=12),
       st.lists(st.tuples(st.sampled_from(["A", "B"]), natures, st.floats(0, 1e7)), min_size=1, max_size=6))
def test_adding_lost_deals_changes_no_verdict(play: list[tuple], gone: list[tuple]) -> None:
    base = frame([(f"P{i}", a, n, v, 50.0, o) for i, (a, n, v, o) in enumerate(play)])
    more = pd.concat([base, frame([(f"L{i}", a, n, v, 0.0, "lost") for i, (a, n, v) in enumerate(gone)])],
                     ignore_index=True)
    before, after = (portfolio.assess_portfolio(x, MATRIX) for x in (base, more))
    f0, f1 = portfolio.figures(before), portfolio.figures(after)
    assert (f1.opportunities, f1.total_value, f1.overkill_count, f1.insufficient_count, f1.undiagnosed_count) == \
        (f0.opportunities, f0.total_value, f0.overkill_count, f0.insufficient_count, f0.undiagnosed_count)
    assert f1.lost_count == len(gone)
    assert portfolio.cell_summary(after).equals(portfolio.cell_summary(before))
    r0, r1 = (portfolio.recommendations(x, MATRIX, rationale=False).set_index("account_id").sort_index()
              for x in (before, after))
    assert r1["recommended_approach"].astype(str).tolist() == r0["recommended_approach"].astype(str).tolist()
    if len(r0):
        assert np.allclose(r1["expected_value"], r0["expected_value"])
