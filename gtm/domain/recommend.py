"""Recommendation: one GTM structure per account, weighing each opportunity by its expected value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtm.domain import vocabulary as vocab
from gtm.domain.assess import require_columns
from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count, money_column, shares
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


@dataclass(frozen=True, eq=False)
class Tally:
    """Each account's expected value and opportunities per nature: the half of a recommendation that no band changes.

    Kept once per portfolio, it makes recommending under another matrix (a band edit) arithmetic on a natures x
    accounts table (``recommend_tally``) instead of a pass over every opportunity.
    """

    accounts: Any  # the account ids, in order of first appearance (as pd.factorize returns them)
    value_by: np.ndarray  # natures x accounts: expected value
    count_by: np.ndarray  # natures x accounts: opportunities (float, as the arithmetic uses them)
    account: np.ndarray  # per opportunity: its account's position in ``accounts``
    weight: np.ndarray  # per opportunity: its expected value
    cell: np.ndarray | None  # per opportunity: nature x approaches + its current approach (None: no approach column)
    current: np.ndarray | None  # per account: the current approach of its first opportunity

    @property
    def size(self) -> int:
        """How many accounts."""
        return len(self.accounts)


def tally(frame: pd.DataFrame, weights: np.ndarray | pd.Series | None = None) -> Tally:
    """Sum ``frame``'s opportunities per account and nature (``recommend``'s input; ``weights`` as there)."""
    require_columns(frame, ("account_id", "nature", "value"), "recommend")
    nature = vocab.NATURES.indices(frame["nature"], "nature")
    weight = expected_values(frame) if weights is None else np.asarray(weights, dtype=float)
    current = vocab.APPROACHES.indices(frame["approach"], "approach") if "approach" in frame.columns else None

    acc, accounts = pd.factorize(frame["account_id"], use_na_sentinel=True)
    if (acc < 0).any():
        empty = frame.index[acc < 0][:5]
        raise InputError.from_problems(
            "Column 'account_id': every opportunity needs an account.",
            [Problem(r, "account_id", None, "is empty") for r in empty],
        )
    n_acc, n_nat, n_app = len(accounts), len(vocab.NATURES), len(vocab.APPROACHES)
    key = nature.astype(np.intp) * n_acc + acc  # natures x accounts
    value_by = np.bincount(key, weights=weight, minlength=n_acc * n_nat).reshape(n_nat, n_acc)
    count_by = np.bincount(key, minlength=n_acc * n_nat).reshape(n_nat, n_acc).astype(float)
    cell = first_current = None
    if current is not None:
        cell = (nature.astype(np.int16) * n_app + current).astype(np.int8)
        # pd.factorize numbers accounts in order of first appearance: a row opens a new account where its number
        # exceeds every number before it.
        opens = np.ones(len(acc), dtype=bool)
        opens[1:] = acc[1:] > np.maximum.accumulate(acc)[:-1]
        first_current = current[np.flatnonzero(opens)]
    return Tally(accounts, value_by, count_by, acc.astype(np.int32), weight, cell, first_current)


def recommend(frame: pd.DataFrame, matrix: ApproachMatrix | None = None,
              currency: str = DEFAULT_REPORTING, rationale: bool = True,
              weights: np.ndarray | pd.Series | None = None) -> pd.DataFrame:
    """One row per account: the approach minimising value-weighted steps outside the bands.

    Ties go to the larger value in band, then to the lighter structure. The current in-band
    share uses each opportunity's own ``approach`` when that column is present. With ``rationale``
    (the default) each row says why in a sentence; without, there is no ``rationale`` column (a band
    edit's preview compares recommendations and shows no sentence).
    ``weights``: each row's expected value when already weighed (won and lost deals: ``expected_values``).
    """
    return recommend_tally(tally(frame, weights), matrix, currency, rationale)


def recommend_tally(t: Tally, matrix: ApproachMatrix | None = None, currency: str = DEFAULT_REPORTING,
                    rationale: bool = True) -> pd.DataFrame:
    """``recommend`` from a portfolio's ``tally``: the same rows, from arithmetic on natures x accounts.

    Every table is laid out one row per nature or approach, one column per account, so that each step is a handful
    of whole-row operations (a reduction across seven approaches is six element-wise comparisons)."""
    matrix = matrix or default_matrix()
    value, counts = t.value_by, t.count_by  # natures x accounts
    n_acc = t.size
    fit = matrix.fit_table
    cost = _weighted(value, matrix.steps_table.astype(float))  # approaches x accounts
    in_band = _weighted(value, (fit == 0).astype(float))

    # Objective first, then value in band, then the lighter structure (argmax takes the first).
    tol = 1e-9 * (1.0 + np.abs(cost).max(axis=0))
    best = cost <= cost.min(axis=0) + tol
    band_masked = np.where(best, in_band, -np.inf)
    best &= band_masked >= band_masked.max(axis=0) - tol
    pick = best.argmax(axis=0)

    accounts = np.arange(n_acc)
    over = (fit == OVERKILL).astype(float)[:, pick]  # natures x accounts
    under = (fit == INSUFFICIENT).astype(float)[:, pick]
    total = value.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rec_share = np.where(total > 0, in_band[pick, accounts] / total, np.nan)
        if t.cell is not None:
            realistic_now = (fit.ravel() == 0)[t.cell] * t.weight
            cur_in = np.bincount(t.account, weights=realistic_now, minlength=n_acc)
            cur_share = np.where(total > 0, cur_in / total, np.nan)
        else:
            cur_share = np.full(n_acc, np.nan)
    current = t.current if t.current is not None else np.full(n_acc, -1)

    out = pd.DataFrame(
        {
            "account_id": t.accounts,
            "recommended_approach": pd.Categorical.from_codes(pick, dtype=vocab.APPROACHES.dtype),
            "current_approach": pd.Categorical.from_codes(current, dtype=vocab.APPROACHES.dtype),
            "current_in_band_share": cur_share,
            "recommended_in_band_share": rec_share,
            "overserved_count": (counts * over).sum(axis=0).astype(np.int64),
            "overserved_value": (value * over).sum(axis=0),
            "underserved_count": (counts * under).sum(axis=0).astype(np.int64),
            "underserved_value": (value * under).sum(axis=0),
            "expected_value": total,
            "opportunities": counts.sum(axis=0).astype(np.int64),
        }
    )
    if rationale:
        out["rationale"] = _rationales(out, currency)
    return out


def _weighted(value: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``table.T @ value`` (natures x approaches, natures x accounts: approaches x accounts), summed nature by
    nature: a BLAS product of so thin a table took 1 to 300 ms on a busy 2-core machine (its threads wait for each
    other), this takes a few."""
    out = np.zeros((table.shape[1], value.shape[1]))
    for n in range(table.shape[0]):
        out += table[n][:, None] * value[n]
    return out


def _rationales(out: pd.DataFrame, currency: str) -> pd.Series:
    """One sentence per account, joined column-wise in Arrow (no Python string per piece); amounts in ``currency``
    (the values' currency)."""

    def text(column: pd.Series) -> pa.Array:
        return pc.cast(pa.array(column.array), pa.string())

    def counted(n: pd.Series, verb: str, value: str) -> pa.Array:
        many = n.to_numpy()
        said = pc.binary_join_element_wise(
            "; it would " + verb + " ", pc.cast(pa.array(many), pa.string()),
            pc.if_else(pa.array(many == 1), " opportunity (", " opportunities ("),
            text(money_column(out[value], currency)), " expected value)", "")
        return pc.if_else(pa.array(many > 0), said, "")

    labels = pa.array(vocab.APPROACHES.labels).take(pa.array(out["recommended_approach"].cat.codes.to_numpy()))
    has_cur = out["current_in_band_share"].notna().to_numpy()
    today = pc.if_else(pa.array(has_cur), pc.binary_join_element_wise(
        "; today ", text(shares(out["current_in_band_share"].fillna(0))), " of it is in band", ""), "")
    sentence = pc.binary_join_element_wise(
        "'", labels, "' keeps ", text(shares(out["recommended_in_band_share"].fillna(0))), " of the ",
        text(money_column(out["expected_value"], currency)), " expected value inside the realistic band",
        counted(out["overserved_count"], "over-serve", "overserved_value"),
        counted(out["underserved_count"], "under-serve", "underserved_value"), today, ".", "")
    return pd.Series(pd.arrays.ArrowStringArray(sentence), index=out.index, dtype=str)
