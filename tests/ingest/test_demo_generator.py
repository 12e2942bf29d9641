"""The demo portfolio: reproducible, committed as generated, and instructive for a workshop."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gtm.domain.diagnose import diagnose
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import ADMIN
from gtm.domain.portfolio import assess_portfolio
from gtm.domain.vocabulary import NATURES
from gtm.ingest import demo
from gtm.ingest.limits import Limits
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo.generate()


@pytest.fixture(scope="module")
def assessed(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every opportunity with its nature (given, or diagnosed when blank) against its account's current approach."""
    opp, acc = frames["opportunities"], frames["accounts"]
    diagnosed = diagnose(opp.drop(columns="nature"))["nature"]
    nature = opp["nature"].where(opp["nature"].notna(), diagnosed)
    approach = opp["account_id"].map(acc.set_index("account_id")["current_approach"].astype(str))
    return assess_portfolio(opp.assign(nature=nature, approach=approach), default_matrix())


def test_same_seed_same_frames_other_seed_other_frames(frames: dict[str, pd.DataFrame]) -> None:
    again = demo.generate()
    for kind in demo.columns():
        pd.testing.assert_frame_equal(again[kind], frames[kind])
    other = demo.generate(seed=7)
    assert not other["accounts"]["name"].equals(frames["accounts"]["name"])


def test_committed_csvs_are_what_generate_writes(frames: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    demo.write(frames, tmp_path)
    for kind in demo.columns():
        committed = (demo.DEMO_DIR / f"{kind}.csv").read_bytes()
        assert committed == (tmp_path / f"{kind}.csv").read_bytes(), (
            f"data/demo/{kind}.csv is stale: run `python -m gtm.ingest.demo` and commit the result")
        assert not committed.startswith(b"\xef\xbb\xbf")
    loaded = demo.load()
    for kind in demo.columns():
        assert list(loaded[kind].columns) == list(demo.columns()[kind])
        pd.testing.assert_frame_equal(loaded[kind], frames[kind])


def test_portfolio_shape(frames: dict[str, pd.DataFrame]) -> None:
    bus, acc, opp = frames["business_units"], frames["accounts"], frames["opportunities"]
    assert len(bus) == 6 and bus["bu_id"].is_unique and bus["name"].is_unique
    assert len(acc) == 400 and acc["account_id"].is_unique
    assert acc["name"].str.casefold().is_unique
    assert 3000 <= len(opp) <= 4000 and opp["opportunity_id"].is_unique
    assert opp["account_id"].isin(acc["account_id"]).all()
    assert opp["bu"].isin(bus["bu_id"]).all()
    per_account = opp.groupby("account_id").size()
    assert per_account.min() >= 3 and per_account.max() <= 25 and len(per_account) == len(acc)
    assert (opp.groupby("account_id")["bu"].nunique() >= 2).mean() > 0.9
    assert opp["probability"].between(0, 100).all() and (opp["value"] > 0).all()
    assert opp["bu_count"].between(1, 6).all()
    assert opp["close_date"].between("2026-12-01", "2028-06-30").all()
    assert acc["revenue"].between(50e6, 80e9).all()
    assert acc[["growth_potential", "ease_of_access"]].stack().between(0, 100).all()


def test_names_a_real_export_would_hold(frames: dict[str, pd.DataFrame]) -> None:
    acc = frames["accounts"]
    names = set(acc["name"])
    assert {"Müller Anlagenbau GmbH", "Société Générale d'Énergie"} <= names
    assert any("'" in n for n in names)
    children = acc[acc["parent_id"].notna()]
    assert 5 <= len(children) <= 30
    assert children["parent_id"].isin(acc["account_id"]).all()
    assert (children["parent_id"] != children["account_id"]).all()
    assert not children["parent_id"].isin(children["account_id"]).any()


def test_before_kam_most_accounts_run_on_traditional_sales(frames: dict[str, pd.DataFrame]) -> None:
    shares = frames["accounts"]["current_approach"].value_counts(normalize=True)
    assert shares["traditional_sales"] >= 0.70
    assert (shares.drop("traditional_sales") > 0).sum() >= 4


def test_natures_given_or_left_for_the_diagnosis(frames: dict[str, pd.DataFrame], assessed: pd.DataFrame) -> None:
    opp = frames["opportunities"]
    blank = opp["nature"].isna()
    assert 0.25 < blank.mean() < 0.55
    diagnosed = diagnose(opp.loc[~blank, list(demo.signal_names())])["nature"]
    told = diagnosed.notna()
    agree = (diagnosed[told].astype(str) == opp.loc[~blank, "nature"][told].astype(str)).mean()
    assert 0.9 <= agree < 1.0  # instructive, with a little CRM mess
    # Some blank natures have no evidence at all: a visible to-do in the workshop, never a silent default.
    undiagnosed = assessed.loc[blank.to_numpy(), "nature"].isna().mean()
    assert 0.02 < undiagnosed < 0.25
    shares = assessed["nature"].value_counts(normalize=True)  # of the diagnosed
    assert set(shares[shares > 0].index) == set(NATURES.codes)
    assert shares["cross_sell"] > shares["turnkey"] and shares["coordinated_strategy"] > shares["turnkey"]


def test_misfits_are_plentiful_and_go_both_ways(assessed: pd.DataFrame) -> None:
    value_share = assessed.groupby("fit", observed=False)["value"].sum() / assessed["value"].sum()
    counts = assessed["fit"].value_counts()
    assert value_share["insufficient"] > 0.5
    assert counts["overkill"] >= 20 and counts["realistic"] >= 100
    heavy = assessed["approach"].isin(["overlay_signing", "common_front_end", "market_bu"])
    light = assessed["nature"].isin(["info_exchange", "qualification"])
    assert (heavy & light).groupby(assessed["account_id"]).mean().max() > 0.5  # a band-aid structure exists


def test_shortlist_and_focus_are_unambiguous(frames: dict[str, pd.DataFrame]) -> None:
    acc = frames["accounts"].set_index("account_id")
    size = frames["opportunities"].groupby("account_id")["value"].sum()
    score = (size * acc["ease_of_access"]).sort_values(ascending=False)
    assert score.iloc[:51].is_unique
    shortlist = acc.loc[score.index[:50]]
    assert shortlist["growth_potential"].nlargest(16).is_unique  # a clear focus 15 by growth potential
    # Size and growth potential are related, not the same ranking.
    assert acc["growth_potential"].corr(acc["revenue"].rank()) < 0.5


def test_a_large_generated_portfolio_imports_whole() -> None:
    """Scores stay within 0-100 beyond 1,001 accounts (one decimal cannot keep them all distinct)."""
    big = demo.generate(accounts=3000)["accounts"]
    for score in ("growth_potential", "ease_of_access"):
        assert big[score].between(0, 100).all()


def _in_range(frames: dict[str, pd.DataFrame]) -> None:
    """Every generated score, amount, probability and date is one the import accepts."""
    acc, opp = frames["accounts"], frames["opportunities"]
    assert acc["account_id"].is_unique and opp["opportunity_id"].is_unique
    assert acc["name"].str.casefold().is_unique
    for score in ("growth_potential", "ease_of_access"):
        assert acc[score].between(0, 100).all(), acc[score].describe()
    assert acc["revenue"].between(50e6, 80e9).all()
    assert opp["value"].between(50e3, 80e6).all()
    assert opp["probability"].between(5, 95).all()
    assert opp["close_date"].between("2026-12-01", "2028-06-30").all()
    assert opp["account_id"].isin(acc["account_id"]).all()
    assert opp.groupby("account_id").size().between(3, 25).all()


@settings(max_examples=25, deadline=None)
@given(accounts=st.integers(min_value=1, max_value=4000), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_every_score_and_amount_stays_in_range_at_any_size(accounts: int, seed: int) -> None:
    _in_range(demo.generate(seed=seed, accounts=accounts))


@pytest.mark.parametrize("accounts", [1, 1001, 1002, 10_000])
def test_a_generated_portfolio_of_any_size_imports_without_a_problem(accounts: int, tmp_path: Path) -> None:
    """Around 1,001 accounts scores stop being distinct; at 10,000 they once fell below 0 and the import refused them."""
    frames = demo.generate(accounts=accounts)
    _in_range(frames)
    demo.write(frames, tmp_path)
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}")
    with store.transaction() as tx:
        store.upsert_business_units(tx, frames["business_units"])
    for kind in ("accounts", "opportunities"):
        plan = plan_import(store, kind, tmp_path / f"{kind}.csv", limits=Limits.command_line())
        assert plan.problems == []
        commit_import(store, plan, ADMIN)
    counts = store.counts()
    assert (counts["accounts"], counts["opportunities"]) == (accounts, len(frames["opportunities"]))
    store.dispose()
