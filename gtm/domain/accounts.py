"""Accounts: a recommendation per account, the account table, what a band edit changes, and account search.

Pure functions over DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import in_play
from gtm.domain.recommend import Tally, recommend_tally, tally
from gtm.domain.vocabulary import Fit

NO_DIAGNOSIS = ("No opportunity of this account is diagnosed yet, so no structure can be recommended: diagnose its "
                "opportunities first (a person on the Diagnose page, a product family mapping or a rule).")
ALL_LOST = ("Every opportunity of this account is lost: nothing is at stake, so no structure is recommended "
            "until a new one is imported.")


def recommendations(assessed: pd.DataFrame, matrix: ApproachMatrix,
                    currency: str = DEFAULT_REPORTING, rationale: bool = True) -> pd.DataFrame:
    """One recommendation per account with at least one diagnosed opportunity at stake; undiagnosed and lost ones
    are left out, and each weighs its ``expected_value`` (assess_portfolio's: won deals by the won-deal weight).
    Without ``rationale``, no sentence per account (see ``recommend``)."""
    return recommendations_of(recommendation_tally(assessed), matrix, currency, rationale)


def recommendation_tally(assessed: pd.DataFrame) -> Tally | None:
    """What ``recommendations`` needs of the opportunities, under any matrix: the diagnosed ones at stake summed per
    account and nature (None when there are none). ``prepare``'s frame will do: no band is read."""
    keep = (assessed["nature"].notna().to_numpy() & in_play(assessed)) if "nature" in assessed \
        else np.zeros(len(assessed), dtype=bool)
    if not keep.any():
        return None
    # Only the five columns are filtered: filtering the whole frame copied every text column of it.
    cols = ["account_id", "nature", "value", "probability", "approach"]
    weights = assessed["expected_value"].to_numpy()[keep] if "expected_value" in assessed else None
    return tally(assessed[cols][keep], weights)


def recommendations_of(tallied: Tally | None, matrix: ApproachMatrix, currency: str = DEFAULT_REPORTING,
                       rationale: bool = True) -> pd.DataFrame:
    """``recommendations`` from a ``recommendation_tally``: a band edit recommends without reading the
    opportunities again."""
    if tallied is None:
        return pd.DataFrame(columns=["account_id", "recommended_approach"] + (["rationale"] if rationale else []))
    return recommend_tally(tallied, matrix, currency, rationale=rationale)


def account_table(accounts: pd.DataFrame, assessed: pd.DataFrame, recs: pd.DataFrame,
                  decisions: pd.DataFrame) -> pd.DataFrame:
    """Accounts with value, misfit value, recommendation and latest decision."""
    return with_latest_decision(account_summary(accounts, assessed, recs), decisions)


def account_summary(accounts: pd.DataFrame, assessed: pd.DataFrame, recs: pd.DataFrame) -> pd.DataFrame:
    """Accounts with value, misfit value and recommendation: what does not change when a decision is recorded."""
    # Only the columns summed, side by side: assigning to the whole frame would copy every column of it.
    value = assessed["value"].to_numpy(dtype=float, na_value=np.nan)
    play = in_play(assessed)
    undiagnosed = assessed["nature"].isna().to_numpy() if "nature" in assessed else np.zeros(len(assessed), bool)
    at_stake = pd.DataFrame({
        "account_id": assessed["account_id"].to_numpy(), "value": np.where(play, value, 0.0),
        "in_play": play.astype(np.int64), "lost": (~play).astype(np.int64),
        "misfit_value": np.where(assessed["fit"].isin([Fit.OVERKILL, Fit.INSUFFICIENT]).to_numpy(), value, 0.0),
        "worst_steps": assessed["steps"].astype(int).to_numpy(),
        "undiagnosed_value": np.where(undiagnosed & play, value, 0.0),
        "lost_value": np.where(play, 0.0, value),
    }).groupby("account_id").agg(
        opportunities=("in_play", "sum"), value=("value", "sum"), misfit_value=("misfit_value", "sum"),
        worst_steps=("worst_steps", "max"), undiagnosed_value=("undiagnosed_value", "sum"),
        lost_count=("lost", "sum"), lost_value=("lost_value", "sum"),
    )
    out = accounts.merge(at_stake.drop(columns=["undiagnosed_value", "lost_count", "lost_value"]),
                         left_on="account_id", right_index=True, how="left")
    rec_cols = ["account_id", "recommended_approach", "current_in_band_share", "recommended_in_band_share",
                "overserved_count", "overserved_value", "underserved_count", "underserved_value", "rationale"]
    out = out.merge(recs[[c for c in rec_cols if c in recs]].rename(columns={"rationale": "recommendation_rationale"}),
                    on="account_id", how="left")
    out = out.merge(at_stake[["undiagnosed_value", "lost_count", "lost_value"]], left_on="account_id",
                    right_index=True, how="left")
    for c in ("opportunities", "value", "misfit_value", "worst_steps", "undiagnosed_value", "lost_count",
              "lost_value"):
        out[c] = out[c].fillna(0)
    out["approach_assumed"] = out["current_approach"].isna() if "current_approach" in out else False
    no_rec = out["recommended_approach"].isna() & (out["opportunities"] > 0)
    all_lost = out["recommended_approach"].isna() & (out["opportunities"] == 0) & (out["lost_count"] > 0)
    out["recommendation_rationale"] = (out["recommendation_rationale"].astype(object).where(~no_rec, NO_DIAGNOSIS)
                                       .where(~all_lost, ALL_LOST))
    return out


def with_latest_decision(summary: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``account_summary`` with each account's latest decision: decided_approach, decided_by, decided_at and
    review_status (empty where none)."""
    latest = decisions.drop_duplicates("account_id", keep="first") if len(decisions) else decisions
    if len(latest):
        latest = latest[["account_id", "approach", "author", "created_at", "review_status"]].rename(columns={
            "approach": "decided_approach", "author": "decided_by", "created_at": "decided_at"})
        return summary.merge(latest, on="account_id", how="left")
    return summary.assign(decided_approach=None, decided_by=None, decided_at=None, review_status=None)


@dataclass(frozen=True)
class MatrixEffect:
    """What a band edit changes across the portfolio, before it is saved."""

    changed: pd.DataFrame  # from_fit, to_fit, opportunities, value
    changed_count: int
    changed_value: float
    recommendation_changes: pd.DataFrame  # account_id, account_name, before, after


def compare(before: pd.DataFrame, after: pd.DataFrame, old_recs: pd.DataFrame, new_recs: pd.DataFrame) -> MatrixEffect:
    """The difference between one portfolio assessed (and recommended) under two matrices."""
    fit_before, fit_after = before["fit"], after["fit"]
    codes_before, codes_after = fit_before.cat.codes.to_numpy(), fit_after.cat.codes.to_numpy()
    moved = (codes_before != codes_after) & fit_before.notna().to_numpy()
    value = before["value"].to_numpy(dtype=float, na_value=np.nan)[moved]
    # Grouped on the fits' codes (not a text per moved opportunity), then named and ordered by name as before.
    pairs = pd.DataFrame({"from_fit": codes_before[moved], "to_fit": codes_after[moved], "value": value})
    changed = pairs.groupby(["from_fit", "to_fit"]).agg(opportunities=("value", "size"), value=("value", "sum")).reset_index()
    for column, fit in (("from_fit", fit_before), ("to_fit", fit_after)):
        words = np.array([str(c) for c in fit.cat.categories] + ["nan"], dtype=object)  # -1 (no fit): as str() says
        changed[column] = pd.Series(words[changed[column].to_numpy()], dtype=str)
    changed = changed.sort_values(["from_fit", "to_fit"]).reset_index(drop=True)
    new_cols = ["account_id", "recommended_approach"] + (["expected_value"] if "expected_value" in new_recs else [])
    both = _side_by_side(old_recs[["account_id", "recommended_approach"]], new_recs[new_cols])
    diff = both[_differ(both["recommended_approach_before"], both["recommended_approach_after"])]
    if "expected_value" in diff:  # the accounts with the most at stake first
        diff = diff.sort_values(["expected_value", "account_id"], ascending=[False, True], kind="stable")
    names = before.loc[_isin(before["account_id"], diff["account_id"]), ["account_id", "account_name"]] \
        .drop_duplicates("account_id").set_index("account_id")["account_name"]
    diff = diff.assign(account_name=diff["account_id"].map(names)).rename(
        columns={"recommended_approach_before": "before", "recommended_approach_after": "after"})
    value[np.isnan(value)] = 0.0  # as a Series' sum skips a missing amount: the same additions
    return MatrixEffect(changed, int(moved.sum()), float(value.sum()),
                        diff[["account_id", "account_name", "before", "after"]].reset_index(drop=True))


def _side_by_side(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``old`` and ``new`` recommendations merged on the account, the second's columns suffixed ``_after``. Two
    recommendations of one portfolio list the same accounts in the same order: then they are put side by side as
    they stand, which is what the merge gives, without its hashing of 100,000 ids."""
    old_ids, new_ids = old["account_id"].reset_index(drop=True), new["account_id"].reset_index(drop=True)
    if not (len(old_ids) == len(new_ids) and old_ids.equals(new_ids) and old_ids.is_unique):
        return old.merge(new, on="account_id", suffixes=("_before", "_after"))
    both = old.reset_index(drop=True).rename(columns={c: f"{c}_before" for c in old.columns if c in new.columns
                                                      and c != "account_id"})
    for column in new.columns.drop("account_id"):
        both[f"{column}_after" if column in old.columns else column] = new[column].array
    return both


def _differ(before: pd.Series, after: pd.Series) -> pd.Series:
    """Where two columns of approaches differ (on their codes when both are the same categories)."""
    if isinstance(before.dtype, pd.CategoricalDtype) and before.dtype == after.dtype:
        return pd.Series(before.cat.codes.to_numpy() != after.cat.codes.to_numpy(), index=before.index)
    return before.astype(str) != after.astype(str)


def _isin(column: pd.Series, values: pd.Series) -> np.ndarray:
    """``column.isin(values)`` for id columns: matched in Arrow when both are Arrow strings (pandas makes a Python
    object of every value first)."""
    if hasattr(column.array, "__arrow_array__") and hasattr(values.array, "__arrow_array__"):
        found = pc.is_in(pa.array(column.array), value_set=pc.cast(pa.array(values.array), pa.array(column.array).type))
        return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return column.isin(values).to_numpy(dtype=bool)


def search_accounts(accounts: pd.DataFrame, query: str, limit: int | None = 50) -> pd.DataFrame:
    """Accounts whose name or id contains the query, largest value first (then by name): any case, accents folded
    ("muller" finds "Müller"). At most ``limit`` rows (None: every match)."""
    q = str(fold_text(pd.Series([query.strip()]))[0].as_py())
    if not q:
        return accounts.head(0)
    hit = (pc.match_substring(fold_text(accounts["name"]), q).to_numpy(zero_copy_only=False)
           | pc.match_substring(fold_text(accounts["account_id"]), q).to_numpy(zero_copy_only=False))
    found = accounts[hit]
    keys = [c for c in ("value", "name", "account_id") if c in found]
    ranked: pd.DataFrame = found.sort_values(keys, ascending=[c != "value" for c in keys], kind="stable",
                                             na_position="last")
    return ranked if limit is None else ranked.head(limit)


def fold_text(text: pd.Series) -> pa.Array:
    """Text to compare in a search: lower case, accents dropped (NFKD, then the combining marks), empty for none.

    Arrow's string kernels do it for a whole column at once, and only the names with a non-ASCII letter go
    through the (slow) mark-dropping pattern: 100,000 names in milliseconds, where a Python loop took 0.1 s."""
    lower = pc.utf8_lower(pa.array(text.astype(str), type=pa.string(), from_pandas=True).fill_null(""))
    other = pc.invert(pc.string_is_ascii(lower))
    if not pc.any(other).as_py():
        return lower
    marked = pc.utf8_normalize(pc.filter(lower, other), "NFKD")
    return pc.replace_with_mask(lower, other, pc.replace_substring_regex(marked, r"\p{Mn}+", ""))
