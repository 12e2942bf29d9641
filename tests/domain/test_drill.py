"""A clicked cell of the portfolio matrix lists exactly who the cell counts."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain import drill, portfolio
from gtm.domain.errors import GtmError
from gtm.domain.matrix import default_matrix
from gtm.services import portfolio as portfolio_service
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store


@pytest.fixture(scope="module")
def assessed(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('drill') / 'demo.db'}", workspace="demo")
    seed_demo(store)
    return portfolio.assess_portfolio(portfolio_service.frames(store)["opportunities"], default_matrix())


def test_every_cell_lists_the_count_and_value_the_matrix_shows(assessed: pd.DataFrame) -> None:
    cells = portfolio.cell_summary(assessed)
    for row in cells.itertuples():
        members = drill.cell_members(assessed, str(row.nature), str(row.approach))
        assert members.opportunity_count == row.count
        assert members.value == pytest.approx(row.value)
        assert members.accounts["opportunities"].sum() == min(row.count, members.accounts["opportunities"].sum())
        assert members.accounts["value"].is_monotonic_decreasing  # the largest account first
        assert members.opportunities["value"].is_monotonic_decreasing


def test_the_undiagnosed_column_lists_the_opportunities_without_a_nature(assessed: pd.DataFrame) -> None:
    strip = portfolio.undiagnosed_summary(assessed).set_index("approach")
    members = drill.cell_members(assessed, "", "traditional_sales")
    assert members.opportunity_count == strip.loc["traditional_sales", "count"] > 0
    assert members.opportunities["nature"].isna().all()


def test_an_unknown_code_is_an_error_not_an_empty_cell(assessed: pd.DataFrame) -> None:
    with pytest.raises(GtmError):
        drill.cell_members(assessed, "turnkey", "no_such_approach")
