"""The whitespace grid: won, open and a potential from peers per account and BU; what is not known stays unknown and
is said; the grid's totals are the portfolio's. Examples, and properties against a slow obvious reference."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain import whitespace
from gtm.domain.errors import ConfigError

SETTINGS = settings(max_examples=examples(150), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
UNITS = pd.DataFrame({"bu_id": ["GTX", "PWR"], "name": ["GTX Systems", "Power & Energy"]})
B = 1e9


def accounts(*rows: tuple[str, str | None, float | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["account_id", "industry", "revenue"])
    return frame.assign(name="Name of " + frame["account_id"])


def deals(*rows: tuple[str, str | None, float, str, float | None]) -> pd.DataFrame:
    """(account, BU, value, outcome, probability)."""
    return pd.DataFrame(rows, columns=["account_id", "bu", "value", "outcome", "probability"]).assign(
        account_name=lambda f: "Name of " + f["account_id"],
        bu_name=lambda f: f["bu"].map(dict(zip(UNITS["bu_id"], UNITS["name"]))))


def bands(min_peers: int = 1) -> whitespace.SizeBands:
    return whitespace.default_size_bands().model_copy(update={"min_peers": min_peers})


def cell(grid: pd.DataFrame, account: str, bu: str | None) -> pd.Series:
    rows = grid[(grid["account_id"] == account) & (grid["bu"].isna() if bu is None else grid["bu"] == bu)]
    assert len(rows) == 1, (account, bu)
    return rows.iloc[0]


def test_the_potential_is_the_median_spend_of_the_buying_peers_and_whitespace_potential_minus_won() -> None:
    acc = accounts(("A", "Rail", 2 * B), ("B", "rail ", 3 * B), ("C", "Rail", 4 * B), ("D", "Rail", 1.5 * B),
                   ("E", "Rail", 20 * B), ("F", "Water", 2 * B))
    opps = deals(("A", "GTX", 100, "won", None), ("B", "GTX", 300, "won", None), ("C", "GTX", 900, "won", None),
                 ("D", "PWR", 50, "open", 40), ("D", "PWR", 999, "lost", 0), ("E", "GTX", 7000, "won", None))
    grid = whitespace.grid(acc, opps, UNITS, bands())
    d = cell(grid, "D", "GTX")  # buys nothing from GTX; its peers (Rail, 1B to 5B: A, B, C) spend 100, 300, 900
    assert (d["won_value"], d["peers"], d["potential"], d["whitespace"]) == (0, 3, 300, 300)
    assert cell(grid, "D", "PWR")["open_value"] == 20  # 50 x 40 %; the lost deal counts nowhere
    c = cell(grid, "C", "GTX")  # buys more than the median: its own spend is its potential, no negative whitespace
    assert (c["potential"], c["whitespace"]) == (900, 0)
    assert cell(grid, "A", "GTX")["whitespace"] == 200
    e = cell(grid, "E", "PWR")  # over 5B: its only Rail peer (itself) buys nothing from PWR
    assert e["peers"] == 0 and pd.isna(e["potential"]) and pd.isna(e["whitespace"])
    assert pd.isna(cell(grid, "F", "GTX")["potential"])  # no Water account buys from GTX
    assert set(grid.columns) == set(whitespace.GRID_COLUMNS) and len(grid) == 12  # 6 accounts x 2 BUs


def test_what_the_data_does_not_say_stays_unknown_and_each_case_says_why() -> None:
    acc = accounts(("A", "Rail", 2 * B), ("B", "Rail", 2 * B), ("NOIND", None, 2 * B), ("NOSIZE", "Rail", None))
    opps = deals(("A", "GTX", 100, "won", None), ("B", "GTX", 300, "won", None), ("NOIND", None, 40, "won", None),
                 ("NOSIZE", "GTX", 10, "open", 100), ("GONE", "PWR", 5, "won", None))  # an account not in the frame
    grid = whitespace.grid(acc, opps, UNITS, bands(min_peers=3))
    words = whitespace.potential_words(grid).to_numpy()
    said = dict(zip(zip(grid["account_id"], grid["bu"].fillna("-")), words))
    assert said[("A", "GTX")].startswith("Only 2 buying peers among accounts in Rail, revenue 1B to 5B; at least 3")
    assert said[("A", "PWR")] == "No accounts in Rail, revenue 1B to 5B buy from this BU yet: potential not known."
    assert "industry is not known" in said[("NOIND", "GTX")]
    assert "size (annual revenue as imported) is not known" in said[("NOSIZE", "GTX")]
    assert said[("NOIND", "-")] == "No BU is known for these deals, so they have no peers."
    assert cell(grid, "NOIND", None)["bu_name"] == whitespace.NO_BU and cell(grid, "NOIND", None)["won_value"] == 40
    assert cell(grid, "GONE", "PWR")["won_value"] == 5  # its won value is real, though the frame lacks the account
    assert grid["potential"].isna().all()


def test_the_peers_behind_a_potential_are_the_buying_accounts_of_its_group() -> None:
    acc = accounts(("A", "Rail", 2 * B), ("B", "Rail", 3 * B), ("C", "Rail", 30 * B), ("D", "Rail", 2 * B))
    opps = deals(("A", "GTX", 100, "won", None), ("B", "GTX", 300, "won", None), ("C", "GTX", 900, "won", None))
    grid = whitespace.grid(acc, opps, UNITS, bands())
    assert whitespace.peers_of(grid, "D", "GTX")["account_id"].tolist() == ["B", "A"]
    assert whitespace.biggest(grid, 1)[["account_id", "bu"]].values.tolist() == [["D", "GTX"]]
    assert whitespace.by_account(grid).iloc[0]["account_id"] == "D"
    mine = whitespace.of_account(grid, "D")
    assert mine["bu"].tolist() == ["GTX", "PWR"] and mine["whitespace"].iloc[0] == 200  # PWR: not known, last
    assert whitespace.cell_sentence(cell(grid, "D", "GTX"), "USD") == (
        "GTX Systems at Name of D: $0 won, $0 open (expected value), potential $200 from 2 buying peers, "
        "whitespace $200.")


def test_size_bands_are_data_checked_when_read(tmp_path: Path) -> None:
    raw = json.loads((whitespace.DATA_DIR / "size_bands.json").read_text(encoding="utf-8"))
    raw["bands"][1]["below"] = 1  # falls below the first bound
    path = tmp_path / "size_bands.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="rise from band to band"):
        whitespace.load_size_bands(path)
    pipeline = whitespace.default_size_bands().model_copy(update={"measure": "pipeline"})
    sizes = whitespace.account_size(accounts(("A", "Rail", None), ("B", "Rail", None)),
                                    deals(("A", "GTX", 7, "open", 10), ("A", "GTX", 5, "lost", 0)), pipeline)
    assert sizes[0] == 7 and np.isnan(sizes[1])  # open and won value; an account without deals has no size


# --- properties -------------------------------------------------------------------------------------------------

@st.composite
def portfolios(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    ids = [f"A{i}" for i in range(draw(st.integers(1, 12)))]
    acc = pd.DataFrame({"account_id": ids,
                        "industry": draw(st.lists(st.sampled_from(["Rail", "Water", None]), min_size=len(ids),
                                                  max_size=len(ids))),
                        "revenue": draw(st.lists(st.sampled_from([0.5 * B, 2 * B, 9 * B, None]), min_size=len(ids),
                                                 max_size=len(ids)))}).assign(name=lambda f: "N" + f["account_id"])
    n = draw(st.integers(0, 40))
    opps = pd.DataFrame({
        "account_id": draw(st.lists(st.sampled_from([*ids, "ELSEWHERE"]), min_size=n, max_size=n)),
        "bu": draw(st.lists(st.sampled_from(["GTX", "PWR", "NEW", None]), min_size=n, max_size=n)),
        "value": draw(st.lists(st.sampled_from([0.0, 1.0, 3.0, 10.0, 250.5]), min_size=n, max_size=n)),
        "probability": draw(st.lists(st.sampled_from([None, 0.0, 30.0, 100.0]), min_size=n, max_size=n)),
        "outcome": draw(st.lists(st.sampled_from(["open", "won", "lost"]), min_size=n, max_size=n)),
    })
    return acc, opps.assign(bu_name=opps["bu"]), draw(st.integers(1, 3))


@SETTINGS
@given(portfolios())
def test_the_grid_adds_up_to_the_portfolio_and_follows_the_rules_cell_by_cell(
        case: tuple[pd.DataFrame, pd.DataFrame, int]) -> None:
    acc, opps, min_peers = case
    size_bands = bands(min_peers)
    grid = whitespace.grid(acc, opps, UNITS, size_bands)
    won = opps["outcome"] == "won"
    open_ = opps["outcome"] == "open"
    expected = opps["value"] * opps["probability"].fillna(100) / 100
    # The totals are the portfolio's won and open value: nothing lost, nothing counted twice.
    assert np.isclose(grid["won_value"].sum(), opps.loc[won, "value"].sum())
    assert np.isclose(grid["open_value"].sum(), expected[open_].sum())
    assert not grid.duplicated(["account_id", "bu"]).any()
    known = grid["potential"].notna()
    assert (grid.loc[known, "whitespace"] >= 0).all()
    assert np.allclose(grid.loc[known, "whitespace"], grid.loc[known, "potential"] - grid.loc[known, "won_value"])
    assert grid.loc[~known, "whitespace"].isna().all()
    # The biggest cells and the accounts' sums, against a plain sort and groupby.
    full = grid[grid["whitespace"] > 0].sort_values(["whitespace", "account_id", "bu"], ascending=[False, True, True])
    for limit in (1, 3, 50):
        top = whitespace.biggest(grid, limit)
        assert top[["account_id", "bu"]].values.tolist() == full.head(limit)[["account_id", "bu"]].values.tolist()
    sums = whitespace.by_account(grid).set_index("account_id")
    assert np.allclose(sums["whitespace"].reindex(acc["account_id"]).fillna(0),
                       grid.groupby("account_id")["whitespace"].sum().reindex(acc["account_id"]).fillna(0))
    assert (np.diff(sums["whitespace"].to_numpy()) <= 0).all()
    # Each cell's potential against the rule written out: the median spend of the buying peers of its group.
    codes = {b.code: i for i, b in enumerate(size_bands.bands)}
    revenue = acc.set_index("account_id")["revenue"]
    industry = acc.set_index("account_id")["industry"]
    for row in grid[grid["bu"].notna()].itertuples():
        rev = revenue.get(row.account_id)
        ind = industry.get(row.account_id)
        band = None if rev is None or pd.isna(rev) else size_bands.bands[int(
            size_bands.band_index(np.array([rev]))[0])].code
        if band is None or ind is None or pd.isna(ind):
            assert pd.isna(row.potential)
            continue
        assert row.size_band == band and codes[band] >= 0
        group = grid[(grid["bu"] == row.bu) & (grid["size_band"] == band) & (grid["industry"] == ind)
                     & (grid["won_value"] > 0)]
        if len(group) < min_peers or group.empty:
            assert pd.isna(row.potential) and row.peers == len(group)
        else:
            assert row.peers == len(group)
            assert np.isclose(row.potential, max(float(np.median(group["won_value"])), row.won_value))
