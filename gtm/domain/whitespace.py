"""The whitespace (docs/domain.md section 4): what each BU sells at each account today against what it could.

An accounts x BUs grid: the BU's won value at the account, its open expected value there, and a potential estimated
from peers: the median spend (won value) of that BU at the accounts of the same industry and size band that buy from
it (the bands are data: data/size_bands.json). Whitespace = potential - won. An account already buying more than the
median has its own spend as its potential (no negative whitespace); an account whose industry or size is not known,
or whose group has too few buying peers, has no potential: not known, never guessed. Pure functions over DataFrames,
vectorised: 100,000 accounts and a million opportunities in well under a second.
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gtm.domain.fmt import count, money, plural
from gtm.domain.outcomes import is_outcome
from gtm.domain.rules import DATA_DIR, Example, load_rule_file
from gtm.domain.vocabulary import normalise

Measure = Literal["revenue", "pipeline"]
MEASURE_WORDS: dict[str, str] = {"revenue": "annual revenue as imported",
                                 "pipeline": "the value of its open and won opportunities"}
NO_BU = "— BU not known"  # the grid's column for won and open value whose BU no file or mapping names
GRID_COLUMNS = ["account_id", "account_name", "industry", "size_band", "bu", "bu_name", "won_value", "open_value",
                "peers", "potential", "whitespace"]
EXPORT_COLUMNS = ["account_id", "account_name", "bu", "bu_name", "won_value", "open_value", "potential", "whitespace"]


class SizeBand(BaseModel):
    """One size band: accounts whose size is below ``below`` (None: no bound) and not in an earlier band."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_]*$")
    label: str = Field(min_length=1)
    below: float | None = None


class BandInput(BaseModel):
    """An example: an account's size and, for a potential, its peers' spends with the BU and its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    size: float | None
    peers: tuple[float, ...] | None = None
    won: float = 0.0


class BandOutput(BaseModel):
    """What an example gives: the band (None: no size) and, when peers are given, the potential and whitespace."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    band: str | None
    potential: float | None = None
    whitespace: float | None = None


class SizeBands(BaseModel):
    """The validated content of data/size_bands.json (hit policy first: the first band whose bound is above)."""

    RULE_NAME: ClassVar[str] = "size bands"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field(min_length=1)
    hit_policy: Literal["first"]
    measure: Measure
    min_peers: int = Field(ge=1, le=1000)
    bands: tuple[SizeBand, ...] = Field(min_length=1)
    examples: tuple[Example[BandInput, BandOutput], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> SizeBands:
        codes = [b.code for b in self.bands]
        if len(set(codes)) != len(codes):
            raise ValueError(f"band codes must be unique; found {codes}")
        bounds = [b.below for b in self.bands]
        if bounds[-1] is not None:
            raise ValueError("the last band has no bound (below: null), so every known size has a band")
        if any(b is None for b in bounds[:-1]):
            raise ValueError("only the last band may have no bound")
        if any(x >= y for x, y in itertools.pairwise(bounds[:-1])):  # type: ignore[operator]
            raise ValueError(f"the bounds must rise from band to band; found {bounds[:-1]}")
        return self

    @property
    def bounds(self) -> np.ndarray:
        """The upper bounds of every band but the last."""
        return np.array([b.below for b in self.bands[:-1]], dtype=float)

    def band_index(self, size: np.ndarray) -> np.ndarray:
        """Each size's band (its position in ``bands``), -1 where the size is not known."""
        size = np.asarray(size, dtype=float)
        found = np.searchsorted(self.bounds, size, side="right")
        return np.where(np.isnan(size), -1, found).astype(np.int64)

    def label(self, code: str | None) -> str:
        """A band's label ('size not known' for none)."""
        return next((b.label for b in self.bands if b.code == code), "size not known")

    def run_example(self, value: BandInput) -> BandOutput:
        """One example through the same arithmetic as ``grid``."""
        at = int(self.band_index(np.array([np.nan if value.size is None else value.size]))[0])
        band = self.bands[at].code if at >= 0 else None
        if value.peers is None:
            return BandOutput(band=band)
        peers = np.array(value.peers, dtype=float)
        if band is None or len(peers) < self.min_peers or not len(peers):
            return BandOutput(band=band, potential=None, whitespace=None)
        potential = max(float(np.median(peers)), value.won)
        return BandOutput(band=band, potential=potential, whitespace=potential - value.won)


def load_size_bands(path: Path | str | None = None) -> SizeBands:
    """Read and validate a size bands file (data/size_bands.json by default); ConfigError naming the fault."""
    return load_rule_file(path or DATA_DIR / "size_bands.json", SizeBands)


@cache
def default_size_bands() -> SizeBands:
    """The bands of data/size_bands.json, read and validated on first use."""
    return load_size_bands()


def deal_values(opportunities: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per opportunity: won value (its amount where won, else 0), open expected value (amount x probability / 100
    where open, a missing probability counting as 100; else 0), and whether it is won."""
    value = opportunities["value"].to_numpy(dtype=float, na_value=np.nan)
    value = np.where(np.isfinite(value), value, 0.0)
    won = is_outcome(opportunities, "won")
    if "probability" in opportunities:
        probability = opportunities["probability"].to_numpy(dtype=float, na_value=np.nan)
        expected = value * np.where(np.isnan(probability), 100.0, probability) / 100.0
    else:
        expected = value
    return np.where(won, value, 0.0), np.where(is_outcome(opportunities, "open"), expected, 0.0), won


def _bus(opportunities: pd.DataFrame, business_units: pd.DataFrame | None) -> tuple[pd.Index, np.ndarray]:
    """The grid's BUs (ids) and their names: the stored BUs first, then those only the opportunities name."""
    ids: list[str] = []
    names: dict[str, str] = {}
    if business_units is not None and len(business_units):
        for bu, name in zip(business_units["bu_id"].astype(str), business_units["name"]):
            ids.append(bu)
            names[bu] = str(name) if pd.notna(name) else bu
    if "bu" in opportunities:
        seen = opportunities[["bu", "bu_name"]] if "bu_name" in opportunities else opportunities[["bu"]]
        seen = seen.dropna(subset=["bu"]).drop_duplicates("bu")
        for bu, name in zip(seen["bu"].astype(str), seen["bu_name"] if "bu_name" in seen else seen["bu"]):
            if bu not in names:
                ids.append(bu)
                names[bu] = str(name) if pd.notna(name) else bu
    return pd.Index(ids, dtype=object), np.array([names[b] for b in ids], dtype=object)


def positions(values: pd.Series, universe: pd.Series | pd.Index) -> np.ndarray:
    """Where each of ``values`` is in ``universe`` (ids: text), -1 where it is not (or is missing). Arrow's is_in
    kernel: a million ids looked up in milliseconds, where a pandas Index took a tenth of a second."""

    def text(column: pd.Series | pd.Index) -> pa.Array:
        found = pa.array(pd.Series(column).astype("string"), from_pandas=True)
        found = found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found
        return found.cast(pa.large_string())

    at = pc.index_in(text(values), value_set=text(universe))
    return np.asarray(at.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def account_size(accounts: pd.DataFrame, opportunities: pd.DataFrame, bands: SizeBands) -> np.ndarray:
    """Each account's size on the bands' measure: its revenue as imported, or its open and won value (NaN: not
    known)."""
    if bands.measure == "revenue":
        if "revenue" not in accounts:
            return np.full(len(accounts), np.nan)
        revenue = pd.to_numeric(accounts["revenue"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isfinite(revenue), revenue, np.nan)
    at = positions(opportunities["account_id"], accounts["account_id"])
    value = opportunities["value"].to_numpy(dtype=float, na_value=np.nan)
    keep = (at >= 0) & ~is_outcome(opportunities, "lost") & np.isfinite(value)
    total = np.bincount(at[keep], weights=value[keep], minlength=len(accounts))
    seen = np.bincount(at[keep], minlength=len(accounts)) > 0
    return np.where(seen, total, np.nan)


def _industries(industry: pd.Series) -> np.ndarray:
    """Each account's industry as a code (folded: 'Oil & Gas' and 'oil & gas' are one industry), -1 where none."""
    codes, uniques = pd.factorize(industry.astype(object), use_na_sentinel=True)
    folded = np.array([normalise(u) for u in uniques], dtype=object)
    blank = folded == ""
    _, merged = np.unique(folded, return_inverse=True)
    table = np.append(np.where(blank, -1, merged), -1)
    return np.asarray(table[codes], dtype=np.int64)


def grid(accounts: pd.DataFrame, opportunities: pd.DataFrame, business_units: pd.DataFrame | None = None,
         bands: SizeBands | None = None) -> pd.DataFrame:
    """The whitespace grid: one row per account and BU (every stored BU and every BU the opportunities name), and
    a row "BU not known" where an account holds won or open value no file or mapping gives a BU.

    Columns (GRID_COLUMNS): won_value (the BU's won deals there), open_value (its open deals' expected value),
    peers (the accounts of the same industry and size band that buy from the BU), potential (the median of their
    spend with it, or the account's own spend when more; NaN: not known) and whitespace (potential - won). Lost
    deals count nowhere. The grid's won and open values sum to the portfolio's.
    """
    bands = bands or default_size_bands()
    acc = accounts.reindex(columns=["account_id", "name", "industry", "revenue"]).reset_index(drop=True)
    at = positions(opportunities["account_id"], acc["account_id"])
    if (at < 0).any():  # an opportunity whose account the frame lacks still counts: its won and open value are real
        first = opportunities[at < 0].drop_duplicates("account_id")
        names = first["account_name"] if "account_name" in first else first["account_id"]
        acc = pd.concat([acc.astype(object), pd.DataFrame({"account_id": first["account_id"].to_numpy(dtype=object),
                                                           "name": names.to_numpy(dtype=object), "industry": None,
                                                           "revenue": np.nan})], ignore_index=True)
        at = positions(opportunities["account_id"], acc["account_id"])
    sizes = account_size(acc, opportunities, bands)
    band = bands.band_index(sizes)
    industry = _industries(acc["industry"])
    bu_ids, bu_names = _bus(opportunities, business_units)
    n, nb = len(acc), len(bu_ids)
    width = nb + 1  # the last column: no BU

    column = positions(opportunities["bu"], pd.Series(bu_ids, dtype=object)) if "bu" in opportunities else np.full(
        len(opportunities), -1)
    column = np.where(column < 0, nb, column)
    won, open_value, _ = deal_values(opportunities)
    cell = at.astype(np.int64) * width + column
    size = n * width
    won_sum = np.bincount(cell, weights=won, minlength=size) if size else np.zeros(0)
    open_sum = np.bincount(cell, weights=open_value, minlength=size) if size else np.zeros(0)

    rows = np.repeat(np.arange(n), width)
    cols = np.tile(np.arange(width), n)
    # A peer group: an industry, a size band and a BU. Accounts without an industry or a band, and the no-BU column,
    # are in none.
    n_industries = int(industry.max()) + 1 if n and industry.max() >= 0 else 0
    in_group = (industry[rows] >= 0) & (band[rows] >= 0) & (cols < nb)
    group = np.where(in_group, (industry[rows] * len(bands.bands) + band[rows]) * max(nb, 1) + cols, -1)
    groups = n_industries * len(bands.bands) * max(nb, 1)
    buyers = in_group & (won_sum > 0)
    peers = np.bincount(group[buyers], minlength=groups) if groups else np.zeros(0, dtype=np.int64)
    median = np.full(groups, np.nan)
    if buyers.any():
        medians = pd.Series(won_sum[buyers]).groupby(group[buyers]).median()
        median[medians.index.to_numpy()] = medians.to_numpy()
    safe = np.where(in_group, group, 0)
    cell_peers = np.where(in_group, peers[safe] if groups else 0, 0)
    known = in_group & (cell_peers >= bands.min_peers) & (cell_peers > 0)
    potential = np.where(known, np.fmax(median[safe] if groups else np.nan, won_sum), np.nan)

    # The no-BU column only where it holds value: every account has one, but few hold such deals.
    keep = (cols < nb) | (won_sum > 0) | (open_sum > 0)
    # Text columns are taken from their own (Arrow) columns: turning 600,000 cells into Python objects and back
    # cost more than the whole arithmetic above.
    kept_rows, kept_cols = rows[keep], cols[keep]

    def taken(column: pd.Series, at: np.ndarray) -> pd.Series:
        return column.take(at).reset_index(drop=True)

    out = pd.DataFrame({
        "account_id": taken(acc["account_id"], kept_rows), "account_name": taken(acc["name"], kept_rows),
        "industry": taken(acc["industry"], kept_rows),
        "size_band": pd.Categorical.from_codes(band[kept_rows], categories=pd.Index([b.code for b in bands.bands])),
        "bu": taken(pd.Series([*bu_ids, None]), kept_cols),
        "bu_name": taken(pd.Series([*bu_names, NO_BU]), kept_cols),
        "won_value": won_sum[keep], "open_value": open_sum[keep],
        "peers": cell_peers[keep].astype(np.int64),
        "potential": potential[keep],
    })
    out["whitespace"] = out["potential"] - out["won_value"]
    return out


def by_account(cells: pd.DataFrame) -> pd.DataFrame:
    """Per account: won, open, potential and whitespace summed over its BUs (potential and whitespace over the BUs
    where they are known), and how many of its BUs have a known potential; largest whitespace first."""
    if cells.empty:
        return pd.DataFrame(columns=["account_id", "account_name", "won_value", "open_value", "potential",
                                     "whitespace", "known_bus"])
    code, ids = pd.factorize(cells["account_id"])  # sums by code: a groupby on 600,000 ids took a fifth of a second
    n = len(ids)
    potential = cells["potential"].to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(potential)
    _, first = np.unique(code, return_index=True)  # each account's first row (codes are 0..n-1)
    out = pd.DataFrame({
        "account_id": cells["account_id"].take(first).to_numpy(),
        "account_name": cells["account_name"].take(first).to_numpy(),
        "won_value": np.bincount(code, weights=cells["won_value"].to_numpy(dtype=float), minlength=n),
        "open_value": np.bincount(code, weights=cells["open_value"].to_numpy(dtype=float), minlength=n),
        "potential": np.bincount(code, weights=np.where(known, potential, 0.0), minlength=n),
        "whitespace": np.bincount(code, weights=np.where(known, cells["whitespace"].to_numpy(dtype=float,
                                                                                            na_value=0.0), 0.0),
                                  minlength=n),
        "known_bus": np.bincount(code, weights=known.astype(float), minlength=n).astype(np.int64),
    })
    order = np.lexsort((np.arange(n), -out["whitespace"].to_numpy()))  # ties keep the grid's (account id) order
    return out.iloc[order].reset_index(drop=True)


def biggest(cells: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The ``limit`` cells with the most whitespace (known and above zero), largest first, then by account and BU:
    where the cross-sell is. Only the candidates are sorted (a sort of 600,000 cells by three keys took a second)."""
    ws = cells["whitespace"].to_numpy(dtype=float, na_value=np.nan)
    at = np.flatnonzero(ws > 0)
    if len(at) > limit > 0:
        kth = np.partition(ws[at], len(at) - limit)[len(at) - limit]  # the limit-th largest: ties at it stay in
        at = at[ws[at] >= kth]
    found = cells.iloc[at]
    return found.sort_values(["whitespace", "account_id", "bu"], ascending=[False, True, True],
                             kind="stable").head(max(limit, 0)).reset_index(drop=True)


def of_account(cells: pd.DataFrame, account_id: str) -> pd.DataFrame:
    """One account's row of the grid: per BU (a BU not known included where it holds value), won, open, potential
    and whitespace, the most whitespace first and the unknown last. What an account plan's whitespace targets per BU
    start from."""
    mine = cells[(cells["account_id"] == account_id).to_numpy(dtype=bool, na_value=False)]
    return mine.sort_values(["whitespace", "bu_name"], ascending=[False, True], na_position="last",
                            kind="stable").reset_index(drop=True)


def peers_of(cells: pd.DataFrame, account_id: str, bu: str) -> pd.DataFrame:
    """The accounts a cell's potential comes from: the same industry (folded) and size band, buying from ``bu``
    (won value above zero), largest spend first; empty when the cell is in no peer group."""
    row = cells[(cells["account_id"] == account_id) & (cells["bu"] == bu)]
    if row.empty or pd.isna(row["size_band"].iloc[0]) or pd.isna(row["industry"].iloc[0]):
        return cells.head(0)
    industry = normalise(row["industry"].iloc[0])
    same = cells[(cells["bu"] == bu) & (cells["size_band"] == row["size_band"].iloc[0])
                 & (cells["won_value"] > 0)]
    same = same[same["industry"].astype(object).map(normalise, na_action="ignore") == industry]
    found: pd.DataFrame = same.sort_values(["won_value", "account_id"], ascending=[False, True], kind="stable")
    return found


def potential_words(cells: pd.DataFrame, bands: SizeBands | None = None, currency: str = "USD") -> pd.Series:
    """Why each cell's potential is what it is (or is not known), in a sentence; computed once per distinct case."""
    bands = bands or default_size_bands()
    no_bu = cells["bu"].isna().to_numpy()
    no_industry = cells["industry"].isna().to_numpy() | (cells["industry"].astype(object).fillna("")
                                                         .map(normalise).to_numpy() == "")
    no_band = cells["size_band"].isna().to_numpy()
    peers = cells["peers"].to_numpy(dtype=np.int64)
    own = cells["potential"].to_numpy(dtype=float, na_value=np.nan) == cells["won_value"].to_numpy(dtype=float)
    band_words = cells["size_band"].map(bands.label, na_action="ignore").astype(object)
    group = ("accounts in " + cells["industry"].astype(object).fillna("") + ", " + band_words.fillna(""))
    said = pd.Series(peers, index=cells.index)
    peer_words = said.map({int(p): count(int(p), "buying peer") for p in np.unique(peers)}).astype(object)
    out = np.select(
        [no_bu, no_industry, no_band, peers == 0, peers < bands.min_peers, own & (peers > 0)],
        ["No BU is known for these deals, so they have no peers.",
         "The account's industry is not known, so it has no peers: potential not known.",
         f"The account's size ({MEASURE_WORDS[bands.measure]}) is not known, so it has no size band and no peers: "
         "potential not known.",
         ("No " + group + " buy from this BU yet: potential not known.").to_numpy(dtype=object),
         ("Only " + peer_words + " among " + group + f"; at least {bands.min_peers} are needed: potential not known.")
         .to_numpy(dtype=object),
         ("The account already buys at least the median of " + peer_words + " (" + group + "): its own spend is "
          "its potential, no whitespace.").to_numpy(dtype=object)],
        ("The median spend with this BU of " + peer_words + " (" + group + ").").to_numpy(dtype=object))
    return pd.Series(out, index=cells.index, dtype=object)


def cell_sentence(row: pd.Series, currency: str) -> str:
    """One cell in a sentence: 'Power & Energy at Karnex Rail AG: $1.2M won, $3.4M open, potential $5.0M from 7
    buying peers, whitespace $3.8M.'"""
    head = f"{row['bu_name']} at {row['account_name']}: {money(float(row['won_value']), currency)} won, " \
           f"{money(float(row['open_value']), currency)} open (expected value)"
    if pd.isna(row["potential"]):
        return head + ", potential not known."
    return (head + f", potential {money(float(row['potential']), currency)} from {int(row['peers'])} buying "
            f"{plural(int(row['peers']), 'peer')}, whitespace {money(float(row['whitespace']), currency)}.")
