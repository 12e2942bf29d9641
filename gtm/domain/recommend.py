"""Recommendation: one GTM structure per account, weighing each opportunity by its expected value."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.assess import require_columns
from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count, moneys, shares
from gtm.domain.matrix import INSUFFICIENT, OVERKILL, ApproachMatrix, default_matrix
from gtm.domain.outcomes import WON_WEIGHT_DEFAULT, WON_WEIGHT_RANGE, is_outcome, won_weight_sentence

RECOMMEND_COLUMNS = (
    "account_id",
    "recommended_approach",
    "current_approach",
    "current_in_band_share",
    "recommended_in_band_share",
    "overserved_count",
    "overserved_value",
    "underserved_count",
    "underserved_value",
    "expected_value",
    "opportunities",
    "rationale",
)


def _numeric(frame: pd.DataFrame, column: str, low: float, high: float | None, what: str) -> np.ndarray:
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(values) & raw.notna().to_numpy()
    # An infinite value or weight would turn every cost into inf or nan and the pick into noise.
    bad |= np.isinf(values)
    bad |= values < low
    if high is not None:
        bad |= values > high
    if column == "value":
        bad |= np.isnan(values)
    if bad.any():
        idx = np.flatnonzero(bad)
        problems = [Problem(row, column, v, f"is not {what}") for row, v in raw.iloc[idx[:5]].items()]
        raise InputError.from_problems(f"Column '{column}': {count(len(idx), 'row')} not {what}.", problems)
    return values


# What "expected value" means wherever it is shown: exactly what expected_values computes.
EXPECTED_VALUE_NOTE = ("Expected value: the amount × the probability where the CRM gives one; the amount alone "
                       "where it does not.")


def expected_value_note(won_weight: float = WON_WEIGHT_DEFAULT) -> str:
    """EXPECTED_VALUE_NOTE with what won and lost deals weigh (``won_weight``: the workspace's won-deal weight)."""
    return ("Expected value: an open deal's amount × its probability where the CRM gives one (the amount alone "
            "where it does not); " + won_weight_sentence(won_weight) + ".")


def expected_values(frame: pd.DataFrame, won_weight: float = WON_WEIGHT_DEFAULT) -> np.ndarray:
    """value x probability / 100 per row; a missing probability counts as 100 (percent): EXPECTED_VALUE_NOTE. With an
    ``outcome`` column, a won deal weighs value x ``won_weight`` (business already done, whatever its probability)
    and a lost one nothing: ``expected_value_note``."""
    value = _numeric(frame, "value", 0, None, "a number >= 0")
    if "probability" in frame.columns:
        prob = _numeric(frame, "probability", 0, 100, "a probability between 0 and 100 (percent)")
        expected = value * np.where(np.isnan(prob), 100.0, prob) / 100.0
    else:
        expected = value
    if "outcome" not in frame.columns:
        return expected
    if not WON_WEIGHT_RANGE[0] <= won_weight <= WON_WEIGHT_RANGE[1]:
        raise InputError(f"The won-deal weight {won_weight!r} is outside {WON_WEIGHT_RANGE[0]:g} to "
                         f"{WON_WEIGHT_RANGE[1]:g}.")
    return np.where(is_outcome(frame, "won"), value * won_weight, np.where(is_outcome(frame, "lost"), 0.0, expected))


def recommend(frame: pd.DataFrame, matrix: ApproachMatrix | None = None,
              currency: str = DEFAULT_REPORTING, rationale: bool = True,
              weights: np.ndarray | pd.Series | None = None) -> pd.DataFrame:
    """One row per account: the approach minimising value-weighted steps outside the bands.

    Ties go to the larger value in band, then to the lighter structure. The current in-band
    share uses each opportunity's own ``approach`` when that column is present. With ``rationale``
    (the default) each row says why in a sentence; without, there is no ``rationale`` column (a band
    edit's preview compares recommendations and shows no sentence, and the text is most of the time).
    ``weights``: each row's expected value when already weighed (won and lost deals: ``expected_values``).
    """
    matrix = matrix or default_matrix()
    require_columns(frame, ("account_id", "nature", "value"), "recommend")
    nature = vocab.NATURES.indices(frame["nature"], "nature")
    weight = expected_values(frame) if weights is None else np.asarray(weights, dtype=float)
    has_current = "approach" in frame.columns
    current = vocab.APPROACHES.indices(frame["approach"], "approach") if has_current else None

    acc, accounts = pd.factorize(frame["account_id"], use_na_sentinel=True)
    if (acc < 0).any():
        empty = frame.index[acc < 0][:5]
        raise InputError.from_problems(
            "Column 'account_id': every opportunity needs an account.",
            [Problem(r, "account_id", None, "is empty") for r in empty],
        )
    n_acc, n_nat, n_app = len(accounts), len(vocab.NATURES), len(vocab.APPROACHES)
    key = acc.astype(np.intp) * n_nat + nature
    value_by = np.bincount(key, weights=weight, minlength=n_acc * n_nat).reshape(n_acc, n_nat)
    count_by = np.bincount(key, minlength=n_acc * n_nat).reshape(n_acc, n_nat).astype(float)

    steps = matrix.steps_table.astype(float)
    fit = matrix.fit_table
    cost = value_by @ steps  # accounts x approaches
    in_band = value_by @ (fit == 0).astype(float)

    # Objective first, then value in band, then the lighter structure (argmax takes the first).
    tol = 1e-9 * (1.0 + np.abs(cost).max(axis=1, keepdims=True))
    best = cost <= cost.min(axis=1, keepdims=True) + tol
    band_masked = np.where(best, in_band, -np.inf)
    best &= band_masked >= band_masked.max(axis=1, keepdims=True) - tol
    pick = best.argmax(axis=1)

    rows = np.arange(n_acc)
    over = (fit == OVERKILL).astype(float)[:, pick].T  # accounts x natures
    under = (fit == INSUFFICIENT).astype(float)[:, pick].T
    total = value_by.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rec_share = np.where(total > 0, in_band[rows, pick] / total, np.nan)
        if current is not None:
            realistic_now = (fit.ravel()[nature.astype(np.intp) * n_app + current] == 0) * weight
            cur_in = np.bincount(acc, weights=realistic_now, minlength=n_acc)
            cur_share = np.where(total > 0, cur_in / total, np.nan)
        else:
            cur_share = np.full(n_acc, np.nan)

    if current is not None:
        first = np.full(n_acc, len(acc), dtype=np.intp)
        np.minimum.at(first, acc, np.arange(len(acc)))
        cur_approach = pd.Categorical.from_codes(current[first], dtype=vocab.APPROACHES.dtype)
    else:
        cur_approach = pd.Categorical.from_codes(np.full(n_acc, -1), dtype=vocab.APPROACHES.dtype)

    out = pd.DataFrame(
        {
            "account_id": accounts,
            "recommended_approach": pd.Categorical.from_codes(pick, dtype=vocab.APPROACHES.dtype),
            "current_approach": cur_approach,
            "current_in_band_share": cur_share,
            "recommended_in_band_share": rec_share,
            "overserved_count": (count_by * over).sum(axis=1).astype(np.int64),
            "overserved_value": (value_by * over).sum(axis=1),
            "underserved_count": (count_by * under).sum(axis=1).astype(np.int64),
            "underserved_value": (value_by * under).sum(axis=1),
            "expected_value": total,
            "opportunities": count_by.sum(axis=1).astype(np.int64),
        }
    )
    if rationale:
        out["rationale"] = _rationales(out, currency)
    return out


def _rationales(out: pd.DataFrame, currency: str) -> pd.Series:
    """One sentence per account, built column-wise; amounts in ``currency`` (the values' currency)."""

    def _money(x: pd.Series) -> pd.Series:
        return pd.Series(moneys(x.tolist(), currency), index=x.index)

    labels = pd.Series(out["recommended_approach"].cat.rename_categories(list(vocab.APPROACHES.labels)).astype(str))
    share = shares(out["recommended_in_band_share"].fillna(0))
    text = (
        "'" + labels + "' keeps " + share + " of the " + _money(out["expected_value"])
        + " expected value inside the realistic band"
    )
    over = np.where(
        out["overserved_count"] > 0,
        "; it would over-serve " + out["overserved_count"].astype(str) + " opportunit"
        + np.where(out["overserved_count"] == 1, "y", "ies") + " (" + _money(out["overserved_value"]) + " expected value)",
        "",
    )
    under = np.where(
        out["underserved_count"] > 0,
        "; it would under-serve " + out["underserved_count"].astype(str) + " opportunit"
        + np.where(out["underserved_count"] == 1, "y", "ies") + " (" + _money(out["underserved_value"]) + " expected value)",
        "",
    )
    has_cur = out["current_in_band_share"].notna()
    cur = np.where(
        has_cur,
        "; today " + shares(out["current_in_band_share"].fillna(0)) + " of it is in band",
        "",
    )
    return cast(pd.Series, text + over + under + cur + ".")  # a Series: text leads the sum
