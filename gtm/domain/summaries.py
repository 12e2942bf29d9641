"""Summaries of assessed opportunities: the matrix cells, the not yet diagnosed strip and to-do list, the biggest
misfits, an account's fit in a sentence, how each nature was found, and opportunities judged under another approach.

Pure functions over DataFrames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.assess import assess
from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.fmt import money
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import in_play
from gtm.domain.recommend import expected_values
from gtm.domain.vocabulary import Fit


def filter_opportunities(assessed: pd.DataFrame, *, bu: list[str] | None = None, region: list[str] | None = None,
                         industry: list[str] | None = None, fit: list[str] | None = None) -> pd.DataFrame:
    """Rows matching every non-empty filter (a filter's values are alternatives)."""
    chosen_filters = [(c, v) for c, v in (("bu", bu), ("region", region), ("industry", industry), ("fit", fit)) if v]
    if not chosen_filters:
        return assessed  # no copy: at a million rows a copy of every column is hundreds of MB per page run
    mask = np.ones(len(assessed), dtype=bool)
    for column, chosen in chosen_filters:
        mask &= assessed[column].astype(str).isin(chosen).to_numpy()
    return assessed[mask]


def cell_summary(assessed: pd.DataFrame) -> pd.DataFrame:
    """Count and value of opportunities per (nature, approach) cell, every cell present."""
    natures, approaches = vocab.NATURES.codes, vocab.APPROACHES.codes
    n = pd.Categorical(assessed["nature"], categories=natures).codes.astype(np.int64)
    a = pd.Categorical(assessed["approach"], categories=approaches).codes.astype(np.int64)
    values = assessed["value"].to_numpy(dtype=float, na_value=np.nan)
    # An amount without an exchange rate is not counted, nor a lost deal (no longer at stake).
    known = (n >= 0) & (a >= 0) & ~np.isnan(values) & in_play(assessed)
    cell = n[known] * len(approaches) + a[known]
    size = len(natures) * len(approaches)
    # Counted on the category codes: grouping a million rows by their text took half a second.
    count = np.bincount(cell, minlength=size)
    value = np.bincount(cell, weights=values[known], minlength=size)
    grid = pd.MultiIndex.from_product([natures, approaches], names=["nature", "approach"]).to_frame(index=False)
    return grid.assign(count=count.astype(np.int64), value=value)


def _to_diagnose(assessed: pd.DataFrame) -> pd.Series:
    """The opportunities not yet diagnosed and still at stake: a lost deal is no to-do."""
    return pd.Series(assessed["nature"].isna().to_numpy() & in_play(assessed), index=assessed.index)


def undiagnosed_summary(assessed: pd.DataFrame) -> pd.DataFrame:
    """Count and value of opportunities not yet diagnosed, per current approach (the strip beside the matrix); lost
    deals are no to-do."""
    frame = assessed[_to_diagnose(assessed)]
    agg = frame.groupby(frame["approach"].astype(str))["value"].agg(["count", "sum"])
    return (agg.reindex(list(vocab.APPROACHES.codes), fill_value=0).rename_axis("approach").reset_index()
            .rename(columns={"sum": "value"}))


def undiagnosed_todo(assessed: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The opportunities not yet diagnosed, largest first: the to-do list (a lost deal is none)."""
    cols = [c for c in ("opportunity_id", "name", "account_id", "account_name", "bu", "product_family", "value")
            if c in assessed]
    # Order on the two sort columns only, then take those rows from the frame: a head() of a sorted copy would
    # keep the whole copy's text alive behind a few rows.
    keys = [c for c in ("value", "opportunity_id") if c in assessed]
    order = assessed.loc[_to_diagnose(assessed), keys].sort_values(keys, ascending=[False, True][:len(keys)]).index
    return assessed.loc[order if limit is None else order[:limit], cols]


def biggest_misfits(assessed: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """Accounts ranked by the value of their misfit opportunities."""
    mis = assessed[assessed["fit"].isin([Fit.OVERKILL, Fit.INSUFFICIENT])]
    if mis.empty:
        return pd.DataFrame(columns=["account_id", "account_name", "approach", "misfits", "misfit_value", "worst_steps"])
    # Built-in group sums over 0/1 columns: a Python lambda per account took seconds at 100k accounts.
    mis = mis.assign(overkill=(mis["fit"] == Fit.OVERKILL).astype(int),
                     insufficient=(mis["fit"] == Fit.INSUFFICIENT).astype(int))
    out = mis.groupby("account_id", observed=True).agg(
        account_name=("account_name", "first"), approach=("approach", "first"), misfits=("value", "size"),
        misfit_value=("value", "sum"), worst_steps=("steps", "max"),
        overkill=("overkill", "sum"), insufficient=("insufficient", "sum"),
    ).reset_index()
    return out.sort_values(["misfit_value", "account_id"], ascending=[False, True]).head(limit)


STEPS_HELP = "Rows outside the realistic band: 0 is realistic, 1 is worth a look, 2 or more is a clear misfit"


def fit_under(opps: pd.DataFrame, approach: str, matrix: ApproachMatrix) -> pd.DataFrame:
    """The diagnosed opportunities at stake judged as if ``approach`` served them: fit, steps, band and rationale at
    that row (the account page's "under the recommendation" view); the undiagnosed have no column and the lost are
    no longer at stake: both are left out."""
    opps = opps[opps["nature"].notna().to_numpy() & in_play(opps)] if "nature" in opps else opps[in_play(opps)]
    return assess(opps.drop(columns=["fit", "steps", "band_low", "band_high", "rationale"], errors="ignore")
                  .assign(approach=approach), matrix)


def served_by(opps: pd.DataFrame, approach: str, matrix: ApproachMatrix) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The diagnosed opportunities that ``approach`` would over-serve and under-serve."""
    judged = fit_under(opps, approach, matrix)
    return judged[judged["fit"] == Fit.OVERKILL], judged[judged["fit"] == Fit.INSUFFICIENT]


def fit_summary(opps: pd.DataFrame, currency: str = DEFAULT_REPORTING) -> str:
    """Why an account's current structure is (or is not) flagged, in one sentence; amounts are expected values
    (as the recommendation weighs them: see recommend.EXPECTED_VALUE_NOTE), in ``currency``."""
    judged = opps.dropna(subset=["fit"]) if "fit" in opps else opps.iloc[0:0]
    if judged.empty:
        if len(opps) and not in_play(opps).any():
            return "Every opportunity of this account is lost, so nothing is at stake and nothing is flagged."
        return ("No opportunity of this account is diagnosed yet, so nothing can be flagged." if len(opps)
                else "This account has no opportunities yet, so nothing is flagged.")
    approach = vocab.APPROACHES.label(str(judged["approach"].iloc[0]))
    if "approach_assumed" in judged and bool(judged["approach_assumed"].iloc[0]):
        approach = f"not set (assumed {approach.lower()})"
    weight = judged["expected_value"] if "expected_value" in judged else pd.Series(expected_values(judged),
                                                                                   index=judged.index)
    fit = judged["fit"].astype(str)
    parts = []
    for code, side in ((Fit.INSUFFICIENT, "below"), (Fit.OVERKILL, "above")):
        hit = fit == code
        count = int(hit.sum())
        if not count:
            continue
        steps = judged.loc[hit, "steps"].astype(int)
        most = int(steps.max())
        how_far = f"{'' if steps.min() == most else 'up to '}{most} step{'' if most == 1 else 's'} {side} " \
                  f"{'its' if count == 1 else 'their'} band"
        parts.append(f"{count} of {len(judged)} opportunities ({money(float(weight[hit].sum()), currency)} "
                     f"expected value) {'is' if count == 1 else 'are'} {vocab.FITS.label(code).lower()}, {how_far}")
    if not parts:
        return f"Today, at '{approach}', every opportunity is a realistic option."
    return f"Today, at '{approach}': " + "; ".join(parts) + "."


_FOUND = {"given": "given in the CRM file", "undiagnosed": "not yet diagnosed"}


def nature_found(opps: pd.DataFrame) -> pd.Series:
    """How each opportunity's nature was found, in words: which person, given, which mapping row, which rule, or not
    yet (the order in which they decide)."""
    source = opps["nature_source"].astype(object) if "nature_source" in opps else pd.Series("", index=opps.index)
    rule = opps["diagnosis_rule"].astype(object).fillna("") if "diagnosis_rule" in opps else ""
    words = source.map(_FOUND)
    words = words.where(source != "rule", "rule: " + rule)
    if (source == "mapping").any():
        family = opps["product_family"].astype(object).fillna("") if "product_family" in opps else ""
        words = words.where(source != "mapping", "mapping: product family '" + family + "'")
    words = words.where(source != "person", rule)  # "set by <name>"
    return words.fillna(source)
