"""Portfolio services on the demo portfolio and on hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain import portfolio
from gtm.domain.errors import InputError
from gtm.domain.matrix import ApproachMatrix, default_matrix
from gtm.export import charts
from gtm.services import decisions
from gtm.services import portfolio as portfolio_service
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}", workspace="demo")
    seed_demo(store)
    return store


def small() -> pd.DataFrame:
    return pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3", "O4"], "account_id": ["A", "A", "B", "C"],
        "account_name": ["Acme", "Acme", "Beta", "Gamma"], "bu": ["X", "Y", "X", "Y"],
        "nature": ["turnkey", "info_exchange", "cross_sell", "qualification"],
        "approach": ["traditional_sales", "traditional_sales", "market_bu", None],
        "value": [100.0, 10.0, 50.0, 5.0], "probability": [50.0, None, 100.0, 100.0],
        "region": ["EMEA", "EMEA", "APAC", "APAC"], "industry": ["Rail", "Rail", "Water", "Water"],
    })


def test_figures_count_and_value_by_fit() -> None:
    assessed = portfolio.assess_portfolio(small(), default_matrix())
    f = portfolio.figures(assessed)
    assert (f.accounts, f.opportunities, f.total_value) == (3, 4, 165.0)
    # C has no current approach: it is judged as traditional sales, and says that is assumed.
    assert (f.insufficient_count, f.insufficient_value) == (2, 105.0)
    assert (f.overkill_count, f.overkill_value) == (1, 50.0)
    assert f.realistic_share == pytest.approx(10 / 165)
    assert assessed["approach_assumed"].tolist() == [False, False, False, True] and f.assumed_accounts == 1
    assert (f.undiagnosed_count, f.undiagnosed_value, f.left_out()) == (0, 0.0, "")


def test_undiagnosed_opportunities_are_counted_and_left_out_of_shares_and_recommendations() -> None:
    frame = small()
    frame.loc[[1, 3], "nature"] = None  # O2 (A, 10) and O4 (C, 5) are not yet diagnosed
    assessed = portfolio.assess_portfolio(frame, default_matrix())
    assert assessed["fit"].isna().tolist() == [False, True, False, True]
    assert assessed.loc[1, "rationale"].startswith("Not yet diagnosed")
    f = portfolio.figures(assessed)
    assert (f.undiagnosed_count, f.undiagnosed_value, f.diagnosed_value) == (2, 15.0, 150.0)
    assert f.realistic_share == 0.0  # of the 150 diagnosed: 100 insufficient, 50 overkill
    assert f.left_out().startswith("2 opportunities ($15, 9.1% of the value) are not yet diagnosed")
    recs = portfolio.recommendations(assessed, default_matrix())
    assert sorted(recs["account_id"]) == ["A", "B"]  # C has nothing diagnosed: no recommendation
    accounts = pd.DataFrame({"account_id": ["A", "B", "C"], "name": ["Acme", "Beta", "Gamma"],
                             "current_approach": ["traditional_sales", "market_bu", None]})
    table = portfolio.account_table(accounts, assessed, recs, pd.DataFrame())
    gamma = table.set_index("account_id").loc["C"]
    assert pd.isna(gamma["recommended_approach"]) and gamma["recommendation_rationale"] == portfolio.NO_DIAGNOSIS
    assert gamma["undiagnosed_value"] == 5.0 and bool(gamma["approach_assumed"])
    todo = portfolio.undiagnosed_todo(assessed)
    assert todo["opportunity_id"].tolist() == ["O2", "O4"]  # largest first
    strip = portfolio.undiagnosed_summary(assessed).set_index("approach")
    assert strip.loc["traditional_sales", "count"] == 2 and strip["count"].sum() == 2
    cells = portfolio.cell_summary(assessed)
    assert cells["count"].sum() == 2  # the undiagnosed are in the strip, not in a cell
    assert "diagnosed yet" in portfolio.fit_summary(assessed[assessed["account_id"] == "C"])


def test_cell_summary_has_all_42_cells() -> None:
    cells = portfolio.cell_summary(portfolio.assess_portfolio(small(), default_matrix()))
    assert len(cells) == 42
    row = cells[(cells["nature"] == "turnkey") & (cells["approach"] == "traditional_sales")].iloc[0]
    assert (row["count"], row["value"]) == (1, 100.0)


def test_filters_combine() -> None:
    assessed = portfolio.assess_portfolio(small(), default_matrix())
    assert len(portfolio.filter_opportunities(assessed, bu=["X"])) == 2
    assert len(portfolio.filter_opportunities(assessed, bu=["X"], fit=["overkill"])) == 1
    assert len(portfolio.filter_opportunities(assessed, region=["APAC"], industry=["Rail"])) == 0


def test_biggest_misfits_rank_by_value() -> None:
    top = portfolio.biggest_misfits(portfolio.assess_portfolio(small(), default_matrix()))
    assert top["account_id"].tolist() == ["A", "B", "C"]
    assert top.iloc[0]["worst_steps"] == 5


def test_served_by_lists_over_and_under_served() -> None:
    opps = small().iloc[:2]
    over, under = portfolio.served_by(opps, "lead_unit", default_matrix())
    assert over["opportunity_id"].tolist() == ["O2"] and under["opportunity_id"].tolist() == ["O1"]


def test_matrix_effect_counts_changes_before_saving(demo: Store) -> None:
    opps = demo.opportunities()
    old = default_matrix()
    new = old.with_band("qualification", "traditional_sales", "lead_unit")
    def effect_of(old: ApproachMatrix, new: ApproachMatrix) -> portfolio.MatrixEffect:
        before, after = portfolio.assess_portfolio(opps, old), portfolio.assess_portfolio(opps, new)
        return portfolio.compare(before, after, portfolio.recommendations(before, old),
                                 portfolio.recommendations(after, new))

    effect = effect_of(old, new)
    moved = opps[(opps["nature"] == "qualification") & (opps["approach"] == "traditional_sales")]
    assert effect.changed_count == len(moved) > 0
    assert effect.changed_value == pytest.approx(moved["value"].sum())
    assert set(zip(effect.changed["from_fit"], effect.changed["to_fit"])) == {("insufficient", "realistic")}
    same = effect_of(old, old)
    assert same.changed_count == 0 and same.recommendation_changes.empty


def test_recommendation_changes_list_the_most_valuable_accounts_first(demo: Store) -> None:
    opps = demo.opportunities()
    old = default_matrix()
    new = old.with_band("qualification", "traditional_sales", "overlay_advisory")
    before, after = portfolio.assess_portfolio(opps, old), portfolio.assess_portfolio(opps, new)
    new_recs = portfolio.recommendations(after, new, rationale=False)  # a preview's: no sentences
    moved = portfolio.compare(before, after, portfolio.recommendations(before, old), new_recs).recommendation_changes
    assert len(moved) > 1 and moved["account_name"].notna().all()
    value = new_recs.set_index("account_id")["expected_value"]
    assert moved["account_id"].map(value).is_monotonic_decreasing


def test_review_queue_judges_latest_decision(demo: Store) -> None:
    from gtm.domain.permissions import Actor, Role

    assessed = portfolio.assess_portfolio(demo.opportunities(), default_matrix())
    queue = portfolio.review_queue(demo.accounts(), assessed, demo.decisions(), "BU-AUT", default_matrix())
    assert len(queue) > 0 and queue["value_at_stake"].is_monotonic_decreasing
    touching = set(assessed.loc[assessed["bu"] == "BU-AUT", "account_id"])
    assert set(queue["account_id"]) <= touching
    top = queue.iloc[0]["account_id"]
    # Recording the recommended structure takes the account out of the flagged list when it fits fully.
    decisions.record_decision(demo, Actor("Dana", Role.FACILITATOR), top, "market_bu", "heavy")
    queue2 = portfolio.review_queue(demo.accounts(), assessed, demo.decisions(), "BU-AUT", default_matrix())
    row = queue2[queue2["account_id"] == top]
    assert row.empty or row.iloc[0]["judged_on"] == "latest decision"
    filtered = portfolio.filter_queue(queue, fits=["overkill"], min_steps=2)
    assert (filtered["overkill"] > 0).all() and (filtered["worst_steps"] >= 2).all()


def test_search_accounts_by_name_or_id(demo: Store) -> None:
    accounts = demo.accounts()
    found = portfolio.search_accounts(accounts, "müller")
    assert "Müller Anlagenbau GmbH" in found["name"].tolist()
    assert portfolio.search_accounts(accounts, "ACC-0002")["account_id"].tolist() == ["ACC-0002"]
    assert portfolio.search_accounts(accounts, "   ").empty


def test_export_frames_carry_fit_recommendation_and_decision(demo: Store) -> None:
    accounts = portfolio_service.export_frame(demo, "accounts")
    assert {"recommended_approach", "misfit_value", "decided_approach"} <= set(accounts.columns)
    opps = portfolio_service.export_frame(demo, "opportunities")
    assert {"fit", "steps", "rationale"} <= set(opps.columns)
    assert len(opps) == 3552


def test_charts_mark_every_cell_with_a_symbol() -> None:
    cells = portfolio.cell_summary(portfolio.assess_portfolio(small(), default_matrix()))
    fig = charts.portfolio_matrix(cells, default_matrix())
    texts = fig.data[1].text
    assert all(t.startswith(("✓", "▲", "▼")) for t in texts)
    hover = " ".join(fig.data[1].hovertext)
    assert "Likely insufficient" in hover and "Realistic band" in hover
    assessed = portfolio.assess_portfolio(small(), default_matrix())
    fig2 = charts.account_matrix(assessed[assessed["account_id"] == "A"], default_matrix(), "common_front_end")
    names = [t.name for t in fig2.data if t.name]
    assert any("insufficient" in n for n in names) and any("Realistic" in n for n in names)


def test_no_filter_returns_the_frame_itself_and_a_filter_a_subset(demo: Store) -> None:
    assessed = portfolio.assess_portfolio(demo.opportunities(), default_matrix())
    assert portfolio.filter_opportunities(assessed) is assessed  # a page run copies nothing to show everything
    some = portfolio.filter_opportunities(assessed, bu=["BU-AUT"], fit=["overkill"])
    assert len(some) and (some["bu"] == "BU-AUT").all() and (some["fit"].astype(str) == "overkill").all()


def test_overview_holds_what_the_portfolio_page_shows(demo: Store) -> None:
    assessed = portfolio.assess_portfolio(demo.opportunities(), default_matrix())
    view = portfolio.overview(assessed, misfit_limit=5, todo_limit=3)
    assert view.figures == portfolio.figures(assessed)
    pd.testing.assert_frame_equal(view.cells, portfolio.cell_summary(assessed))
    pd.testing.assert_frame_equal(view.misfits, portfolio.biggest_misfits(assessed, 5))
    todo = portfolio.undiagnosed_todo(assessed)
    assert view.todo_count == len(todo) > 3 and len(view.todo) == 3


def norka_accounts() -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": ["N-1", "N-2", "N-3", "X-9"],
        "name": ["Norka Mining Ltd", "Nörka Holz AG", "Bergwerk NORKA", "Other Co"],
        "value": [1.0e6, 90.0e6, 9.0e6, 500.0e6],
    })


def test_search_ranks_the_matches_by_value_largest_first() -> None:
    found = portfolio.search_accounts(norka_accounts(), "norka", limit=None)
    assert found["account_id"].tolist() == ["N-2", "N-3", "N-1"]  # any case, the umlaut folded; X-9 is no match
    assert portfolio.search_accounts(norka_accounts(), "  NÖRKA ", limit=2)["account_id"].tolist() == ["N-2", "N-3"]
    assert portfolio.search_accounts(norka_accounts(), "x-9")["account_id"].tolist() == ["X-9"]  # by id
    assert portfolio.search_accounts(norka_accounts(), "zzz").empty


def test_search_folds_accents_and_keeps_other_scripts() -> None:
    folded = portfolio.fold_text(pd.Series(["Müller", None, "Ünïcödé Straße", 7, "北京"])).to_pylist()
    assert folded == ["muller", "", "unicode straße", "7", "北京"]
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["北京 Metro", "Société Générale"], "value": [1.0, 2.0]})
    assert portfolio.search_accounts(accounts, "北京")["account_id"].tolist() == ["A"]
    assert portfolio.search_accounts(accounts, "societe")["account_id"].tolist() == ["B"]


def test_fit_under_judges_every_diagnosed_opportunity_at_the_given_approach() -> None:
    frame = small()
    frame.loc[3, "nature"] = None  # O4 is not yet diagnosed: it has no column to sit in
    assessed = portfolio.assess_portfolio(frame, default_matrix())
    under = portfolio.fit_under(assessed, "overlay_advisory", default_matrix())
    assert under["opportunity_id"].tolist() == ["O1", "O2", "O3"]
    assert (under["approach"].astype(str) == "overlay_advisory").all()
    # turnkey 2 rows below its band, info exchange 2 above, cross-sell inside it.
    assert under["fit"].astype(str).tolist() == ["insufficient", "overkill", "realistic"]
    assert under["steps"].tolist() == [2, 2, 0]
    assert "'Overlay account management group without many decision rights' is likely insufficient" \
        in str(under["rationale"].iloc[0])
    assert assessed.loc[0, "approach"] == "traditional_sales"  # the account's own frame is untouched


def test_fit_summary_weighs_by_expected_value_and_counts_steps_in_words() -> None:
    assessed = portfolio.assess_portfolio(small(), default_matrix())
    acme = portfolio.fit_summary(assessed[assessed["account_id"] == "A"])
    # O1: turnkey, $100 at 50% -> $50 expected, 5 rows below its band at traditional sales.
    assert acme == ("Today, at 'Traditional sales representatives and distributors': 1 of 2 opportunities "
                    "($50 expected value) is likely insufficient, 5 steps below its band.")
    frame = pd.DataFrame({"opportunity_id": ["P1", "P2"], "account_id": "B", "nature": ["info_exchange", "qualification"],
                          "approach": "lead_unit", "value": [10.0, 30.0], "probability": [None, 10.0]})
    beta = portfolio.fit_summary(portfolio.assess_portfolio(frame, default_matrix()))
    assert beta == ("Today, at 'Assignment of lead unit for multi-unit accounts': 1 of 2 opportunities "
                    "($10 expected value) is likely overkill, 1 step above its band.")
    frame["approach"] = "overlay_signing"
    both = portfolio.fit_summary(portfolio.assess_portfolio(frame, default_matrix()))
    assert "2 of 2 opportunities ($13 expected value) are likely overkill, up to 3 steps above their band" in both
    frame["nature"], frame["approach"] = "info_exchange", "coordinated_incentives"
    fits = portfolio.fit_summary(portfolio.assess_portfolio(frame, default_matrix()))
    assert fits.endswith("every opportunity is a realistic option.")


def with_lost_and_undiagnosed() -> pd.DataFrame:
    frame = small()
    extra = pd.DataFrame({
        "opportunity_id": ["O5", "O6", "O7"], "account_id": ["A", "B", "D"], "account_name": ["Acme", "Beta", "Delta"],
        "bu": ["X", "Y", "X"], "nature": [None, "turnkey", "cross_sell"],
        "approach": ["lead_unit", "market_bu", None], "value": [7.0, 70.0, 700.0], "probability": [None, 0.0, 40.0],
        "region": ["EMEA"] * 3, "industry": ["Rail"] * 3})
    return pd.concat([frame, extra], ignore_index=True).assign(outcome=["open"] * 5 + ["lost", "won"])


@pytest.mark.parametrize("frame", [small(), with_lost_and_undiagnosed()], ids=["all judged", "lost and undiagnosed"])
def test_one_prepared_portfolio_is_judged_under_every_matrix_as_assess_portfolio_does(frame: pd.DataFrame) -> None:
    # A band edit judges the prepared portfolio (kept once) under the draft: the same frame, the same figures and the
    # same recommendations as assessing from scratch.
    prepared = portfolio.prepare(frame, 0.25)
    tallied = portfolio.recommendation_tally(prepared.frame)
    for matrix in (default_matrix(), default_matrix().with_band("qualification", "traditional_sales", "lead_unit"),
                   default_matrix().with_band("turnkey", "overlay_signing", "market_bu")):
        expected = portfolio.assess_portfolio(frame, matrix, 0.25)
        judged = portfolio.judge(prepared, matrix)
        pd.testing.assert_frame_equal(judged, expected, check_exact=True)
        assert portfolio.figures(judged) == portfolio.figures(expected)
        pd.testing.assert_frame_equal(portfolio.recommendations_of(tallied, matrix, "EUR"),
                                      portfolio.recommendations(expected, matrix, "EUR"), check_exact=True)


def test_nothing_diagnosed_has_no_tally_and_no_recommendation() -> None:
    frame = small().assign(nature=None)
    assert portfolio.recommendation_tally(portfolio.prepare(frame).frame) is None
    assert portfolio.recommendations_of(None, default_matrix()).empty


def test_an_unknown_approach_is_named_by_its_row_when_prepared() -> None:
    frame = small().assign(approach=["traditional_sales", "sideways", "market_bu", None])
    with pytest.raises(InputError) as caught:
        portfolio.prepare(frame)
    assert [(p.row, p.column, p.value) for p in caught.value.problems] == [(1, "approach", "sideways")]


def test_figures_under_another_band_count_only_the_fits_again() -> None:
    frame = with_lost_and_undiagnosed()
    old = default_matrix()
    new = old.with_band("qualification", "traditional_sales", "lead_unit").with_band("turnkey", "market_bu", "market_bu")
    before = portfolio.figures(portfolio.assess_portfolio(frame, old))
    after = portfolio.assess_portfolio(frame, new)
    assert portfolio.refigured(before, after) == portfolio.figures(after) != before
