"""The key-account funnel (docs/domain.md section 4): long list -> shortlist -> focus list, as pure functions.

Each account sits on two axes, size of opportunity and ease of access; the shortlist takes the largest (or those
above thresholds), the focus list the shortlisted accounts the most BU leaders picked. The rules and defaults
(50, 15, the axes) are data: data/funnel.json. An account whose ease (or size) is not known is counted and listed
as "not scored", never as 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gtm.domain.errors import InputError
from gtm.domain.fmt import count, plural
from gtm.domain.outcomes import WON_WEIGHT_DEFAULT, in_play
from gtm.domain.recommend import expected_values
from gtm.domain.rules import DATA_DIR, Example, HitPolicy, load_rule_file

Stage = Literal["long", "short", "focus"]
STAGES: tuple[Stage, ...] = ("long", "short", "focus")
MEASURES = ("size", "ease")  # what a BU scores, 0..score_scale


class Axis(BaseModel):
    """One column an axis of the scatter can be set to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: str = Field(min_length=1)
    unit: Literal["money", "percent", "score"]
    help: str = ""


class DeckTarget(BaseModel):
    """The deck's incremental-sales case, offered as the focus list's target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = Field(gt=0)
    high: float = Field(gt=0)
    years: int = Field(ge=1, le=10)
    note: str = ""


class FunnelRules(BaseModel):
    """data/funnel.json: the funnel's sizes, axes and stage labels, with example cases."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    RULE_NAME: ClassVar[str] = "funnel rules"

    description: str = Field(min_length=1)
    hit_policy: HitPolicy
    shortlist_size: int = Field(ge=1)
    focus_size: int = Field(ge=1)
    default_size: str
    default_ease: str
    growth_default: bool = False
    score_scale: int = Field(ge=1)
    deck_target: DeckTarget
    stages: dict[Stage, str]
    size_axes: tuple[Axis, ...] = Field(min_length=1)
    ease_axes: tuple[Axis, ...] = Field(min_length=1)
    examples: tuple[Example[dict[str, Any], list[str]], ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> FunnelRules:
        if self.focus_size > self.shortlist_size:
            raise ValueError(f"focus_size {self.focus_size} is larger than shortlist_size {self.shortlist_size}")
        if set(self.stages) != set(STAGES):
            raise ValueError(f"stages must name exactly {', '.join(STAGES)}")
        for axes, default, what in ((self.size_axes, self.default_size, "default_size"),
                                    (self.ease_axes, self.default_ease, "default_ease")):
            codes = [a.code for a in axes]
            if default not in codes:
                raise ValueError(f"{what} {default!r} is not one of the axes: {', '.join(codes)}")
            unknown = set(codes) - set(AXIS_COLUMNS)
            if unknown:
                raise ValueError(f"unknown axis {sorted(unknown)}; accepted: {', '.join(AXIS_COLUMNS)}")
        return self

    def axis(self, code: str) -> Axis:
        """The axis of this code (size or ease); InputError naming the accepted codes."""
        for a in (*self.size_axes, *self.ease_axes):
            if a.code == code:
                return a
        raise InputError(f"No axis {code!r}; accepted: {', '.join(a.code for a in (*self.size_axes, *self.ease_axes))}.")

    def run_example(self, value: dict[str, Any]) -> list[str]:
        """The account ids an example's accounts give, in order (``kind`` shortlist or focus)."""
        frame = pd.DataFrame(value["accounts"]).rename(columns={"id": "account_id"})
        if value["kind"] == "shortlist":
            frame = frame.astype({"size": float, "ease": float})
            out = shortlist(frame, top_n=value.get("top_n"), min_size=value.get("min_size"),
                            min_ease=value.get("min_ease"))
        else:
            picks = pd.DataFrame([{"account_id": r["account_id"], "bu": f"BU{i}", "picked": True}
                                  for r in frame.to_dict("records") for i in range(int(r["bus"]))],
                                 columns=["account_id", "bu", "picked"])
            out = focus(frame[["account_id", "value"]], picks, top_n=int(value["top_n"]))
        return [str(a) for a in out.loc[out["in_list"], "account_id"]]


# What an axis code reads in ``measures``' frame.
AXIS_COLUMNS = ("value", "expected_value", "revenue", "growth_potential", "ease_of_access", "bu_size", "bu_ease", "ease")


def load_funnel_rules(path: Path | str | None = None) -> FunnelRules:
    """Read and validate a funnel file (data/funnel.json by default); ConfigError naming the fault."""
    return load_rule_file(path or DATA_DIR / "funnel.json", FunnelRules)


@cache
def default_rules() -> FunnelRules:
    """data/funnel.json, read and validated on first use."""
    return load_funnel_rules()


# ---------------------------------------------------------------------------------------------- the two axes


def account_pipeline(opportunities: pd.DataFrame, won_weight: float = WON_WEIGHT_DEFAULT) -> pd.DataFrame:
    """Per account (index account_id): ``value`` (opportunity values summed across BUs; lost deals add nothing) and
    ``expected_value``: the frame's own where it has one (assess_portfolio's), else each deal's with a won deal
    weighed by ``won_weight`` (pass the workspace's: gtm.services.outcomes.won_weight)."""
    if opportunities.empty:
        return pd.DataFrame({"value": pd.Series(dtype=float), "expected_value": pd.Series(dtype=float)},
                            index=pd.Index([], name="account_id"))
    # A lost deal is no longer pipeline: it adds nothing to the size of the opportunity.
    value = np.where(in_play(opportunities), opportunities["value"].to_numpy(dtype=float, na_value=np.nan), 0.0)
    frame = pd.DataFrame({"account_id": opportunities["account_id"].to_numpy(), "value": value,
                          "expected_value": opportunities["expected_value"].to_numpy(dtype=float, na_value=np.nan)
                          if "expected_value" in opportunities else expected_values(opportunities, won_weight)})
    return frame.groupby("account_id", sort=False)[["value", "expected_value"]].sum(min_count=1)


def score_means(scores: pd.DataFrame, scale: int) -> pd.DataFrame:
    """Per account (index account_id): the mean of the BUs' latest ``size`` and ``ease`` scores (bu_size, bu_ease)
    and how many BUs scored each (size_scorers, ease_scorers). ``scores``: account_id, bu, measure, score (latest)."""
    cols = ["bu_size", "bu_ease", "size_scorers", "ease_scorers"]
    if scores.empty:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols}, index=pd.Index([], name="account_id"))
    bad = scores[(scores["score"] < 0) | (scores["score"] > scale)]
    if len(bad):
        raise InputError(f"Scores run from 0 to {scale}; {count(len(bad), 'stored score')} {plural(len(bad), 'is', 'are')} outside it.")
    table = scores.pivot_table(index="account_id", columns="measure", values="score", aggfunc=["mean", "count"])
    out = pd.DataFrame(index=table.index)
    for m in MEASURES:
        out[f"bu_{m}"] = table.get(("mean", m), np.nan)
        out[f"{m}_scorers"] = table.get(("count", m), 0)
    return out[cols].fillna({"size_scorers": 0, "ease_scorers": 0})


def measures(accounts: pd.DataFrame, pipeline: pd.DataFrame, means: pd.DataFrame, rules: FunnelRules) -> pd.DataFrame:
    """One row per account with every column an axis may use (AXIS_COLUMNS), unknown where unknown.

    ``ease``: the BUs' mean ease score (x 100 / score_scale, as a percent) where BUs scored, else the imported
    ease_of_access. An account without opportunities has a pipeline value of 0 (known: nothing in the pipeline)."""
    out = pd.DataFrame({"account_id": accounts["account_id"].to_numpy(), "name": accounts["name"].to_numpy()})
    ids = pd.Index(out["account_id"])
    for column in ("value", "expected_value"):
        out[column] = pipeline[column].reindex(ids).fillna(0.0).to_numpy(dtype=float)
    for column in ("revenue", "growth_potential", "ease_of_access"):
        out[column] = pd.to_numeric(accounts[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan) \
            if column in accounts else np.nan
    for column in ("bu_size", "bu_ease", "size_scorers", "ease_scorers"):
        out[column] = means[column].reindex(ids).to_numpy(dtype=float) if column in means else np.nan
    out["size_scorers"] = out["size_scorers"].fillna(0).astype(int)
    out["ease_scorers"] = out["ease_scorers"].fillna(0).astype(int)
    scored = out["bu_ease"].to_numpy() * 100.0 / rules.score_scale
    out["ease"] = np.where(np.isnan(scored), out["ease_of_access"].to_numpy(), scored)
    return out


def position(frame: pd.DataFrame, size_axis: str, ease_axis: str, *, growth: bool = False) -> pd.DataFrame:
    """``frame`` (from ``measures``) with ``size`` and ``ease`` set from the chosen axes. With ``growth``, size is
    multiplied by (1 + growth potential / 100) where the growth potential is known (``growth_known`` says where)."""
    if size_axis not in AXIS_COLUMNS or ease_axis not in AXIS_COLUMNS:
        raise InputError(f"An axis is one of {', '.join(AXIS_COLUMNS)}; got {size_axis!r} and {ease_axis!r}.")
    size = frame[size_axis].to_numpy(dtype=float)
    known = ~np.isnan(frame["growth_potential"].to_numpy(dtype=float))
    if growth:
        size = np.where(known, size * (1 + frame["growth_potential"].to_numpy(dtype=float) / 100.0), size)
    return frame.assign(size=size, ease=frame[ease_axis].to_numpy(dtype=float), growth_known=known)


# ---------------------------------------------------------------------------------------------- the lists


def _ranked(frame: pd.DataFrame) -> np.ndarray:
    """Positions of ``frame`` ranked: largest size first (not known last), then the easier access (not scored last),
    then the account id."""
    size = frame["size"].to_numpy(dtype=float)
    ease = frame["ease"].to_numpy(dtype=float)
    ids = frame["account_id"].astype(str).to_numpy()
    # np.lexsort sorts by the last key first; NaN sorts last in ascending order, so negate and keep NaN as NaN.
    return np.lexsort((ids, np.nan_to_num(-ease, nan=np.inf), np.nan_to_num(-size, nan=np.inf)))


def shortlist(frame: pd.DataFrame, *, top_n: int | None = None, min_size: float | None = None,
              min_ease: float | None = None) -> pd.DataFrame:
    """``frame`` (account_id, size, ease, ...) ranked (see ``_ranked``) with ``rank``, ``in_list`` and ``reason``.

    An account is in when its size is known, it passes the minimums given (a minimum ease leaves out an account
    whose ease is not scored) and, with ``top_n``, it is among the first ``top_n`` of those that pass."""
    if top_n is not None and top_n < 1:
        raise InputError(f"A shortlist holds at least 1 account; got {top_n}.")
    order = _ranked(frame)
    out = frame.iloc[order].reset_index(drop=True)
    size = out["size"].to_numpy(dtype=float)
    ease = out["ease"].to_numpy(dtype=float)
    n = len(out)
    no_size = np.isnan(size)
    small = ~no_size & (size < min_size) if min_size is not None else np.zeros(n, bool)
    no_ease = np.isnan(ease) & (min_ease is not None)
    hard = ~np.isnan(ease) & (ease < min_ease) if min_ease is not None else np.zeros(n, bool)
    passes = ~(no_size | small | no_ease | hard)
    rank = np.cumsum(passes)  # rank among the accounts that pass
    beyond = passes & (rank > top_n) if top_n is not None else np.zeros(n, bool)
    inside = passes & ~beyond
    ranks = pd.Series(rank, dtype=int).astype(str).to_numpy(dtype=object)
    reason = np.select(
        [inside, no_size, small, no_ease, hard, beyond],
        ["in: rank " + ranks + " by size of opportunity", "out: size of opportunity not known",
         "out: size below the minimum", "out: ease not scored (a minimum ease is set)", "out: ease below the minimum",
         "out: rank " + ranks + f", beyond the top {top_n}"], "out")
    return out.assign(rank=np.where(passes, rank, 0), in_list=inside, reason=reason)


def latest_picks(picks: pd.DataFrame) -> pd.DataFrame:
    """Only the marks that stand: the latest per account and BU that is a pick (not taken back)."""
    if picks.empty:
        return picks
    return picks[picks["picked"].astype(bool)]


def focus(shortlisted: pd.DataFrame, picks: pd.DataFrame, *, top_n: int) -> pd.DataFrame:
    """The shortlisted accounts (account_id, value, ...) ranked by how many BUs picked them, then value, then id,
    with ``bus`` (count), ``picked_by`` (the BUs), ``rank``, ``in_list`` and ``reason``. An account no BU picked is
    not in focus. ``picks``: account_id, bu, picked (the latest mark per account and BU)."""
    if top_n < 1:
        raise InputError(f"A focus list holds at least 1 account; got {top_n}.")
    standing = latest_picks(picks)
    standing = standing[standing["account_id"].isin(shortlisted["account_id"])] if len(standing) else standing
    if len(standing):
        per = standing.groupby("account_id")["bu"].agg(lambda b: ", ".join(sorted(str(x) for x in b)))
        count = standing.groupby("account_id").size()
    else:
        per, count = pd.Series(dtype=object), pd.Series(dtype=int)
    ids = pd.Index(shortlisted["account_id"])
    bus = count.reindex(ids).fillna(0).astype(int).to_numpy()
    value = shortlisted["value"].to_numpy(dtype=float)
    order = np.lexsort((shortlisted["account_id"].astype(str).to_numpy(), -np.nan_to_num(value, nan=-np.inf), -bus))
    out = shortlisted.assign(bus=bus, picked_by=per.reindex(ids).fillna("").to_numpy()).iloc[order]
    out = out.reset_index(drop=True)
    picked = out["bus"].to_numpy() > 0
    rank = np.cumsum(picked)
    inside = picked & (rank <= top_n)
    words = np.where(out["bus"].to_numpy() == 1, "BU", "BUs")
    said = ("picked by " + out["bus"].astype(str) + " " + words + " (" + out["picked_by"].astype(str) + ")").to_numpy()
    reason = np.where(inside, "in: " + said, np.where(picked, "out: " + said + f", beyond the top {top_n}",
                                                      "out: no BU picked it"))
    return out.assign(rank=np.where(picked, rank, 0), in_list=inside, reason=reason)


@dataclass(frozen=True)
class Coverage:
    """How many accounts the axes place, and how many they cannot (unknown stays unknown)."""

    accounts: int
    placed: int
    size_unknown: int
    not_scored: int  # ease not known
    growth_unknown: int


def coverage(frame: pd.DataFrame) -> Coverage:
    """Counts for ``position``'s frame: placed on both axes, size not known, ease not scored, growth not known."""
    size, ease = frame["size"].isna(), frame["ease"].isna()
    growth = int((~frame["growth_known"]).sum()) if "growth_known" in frame else 0
    return Coverage(len(frame), int((~size & ~ease).sum()), int(size.sum()), int(ease.sum()), growth)


def funnel(stages: Sequence[tuple[str, Sequence[str]]], values: pd.Series) -> pd.DataFrame:
    """Per stage (label, account ids): ``stage``, ``accounts`` and ``value`` (``values`` summed, by account id;
    an account without a value counts 0)."""
    rows = []
    for label, ids in stages:
        unique = pd.Index(pd.unique(pd.Series(list(ids), dtype=object)))
        rows.append({"stage": label, "accounts": len(unique),
                     "value": float(values.reindex(unique).fillna(0.0).sum()) if len(unique) else 0.0})
    return pd.DataFrame(rows, columns=["stage", "accounts", "value"])
