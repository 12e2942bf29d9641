"""Portfolio services on the demo portfolio and on hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain import portfolio
from gtm.domain.matrix import ApproachMatrix, default_matrix
from gtm.export import charts
from gtm.services import decisions
from gtm.services import portfolio as portfolio_service
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
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
    assert (f.insufficient_count, f.insufficient_value) == (1, 100.0)
    assert (f.overkill_count, f.overkill_value) == (1, 50.0)
    assert f.realistic_share == pytest.approx(10 / 165)
    # An account without a current approach keeps an empty fit rather than a made-up one.
    assert pd.isna(assessed.loc[3, "fit"])


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
    assert top["account_id"].tolist() == ["A", "B"]
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


def test_review_queue_judges_latest_decision(demo: Store) -> None:
    from gtm.domain.permissions import Actor, Role

    assessed = portfolio.assess_portfolio(demo.opportunities(), default_matrix())
    queue = portfolio.review_queue(demo.accounts(), assessed, demo.decisions(), "BU-AUT", default_matrix())
    assert len(queue) > 0 and queue["value_at_stake"].is_monotonic_decreasing
    touching = set(assessed.loc[assessed["bu"] == "BU-AUT", "account_id"])
    assert set(queue["account_id"]) <= touching
    top = queue.iloc[0]["account_id"]
    # Recording the recommended structure takes the account out of the flagged list when it fits fully.
    decisions.record_decision(demo, Actor("Dana", Role.SALES_LEADER), top, "market_bu", "heavy")
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
