"""Stored values the engine cannot use, set aside as problems instead of taking a page down.

An older version, a hand-edited database or a bug may have stored an amount of ``inf``, a probability of 500
or an approach code nobody knows. One such row must not stop every page for everyone: ``quarantine`` splits a
frame into the rows the engine can use and one problem per bad cell (row, column, value, reason), so a page
shows the problems and keeps working. Vectorised: a check costs a few array passes, whatever the row count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab

PROBLEM_COLUMNS = ("row", "account_id", "column", "value", "reason")


@dataclass(frozen=True)
class Check:
    """One rule a stored column must meet; ``bad`` marks the rows that break it."""

    column: str
    bad: Callable[[pd.Series], np.ndarray]
    reason: str


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _amount(series: pd.Series) -> np.ndarray:
    """Not a finite number >= 0: text, NaN, ±inf or a negative amount (an opportunity always has one)."""
    values = _numbers(series)
    with np.errstate(invalid="ignore"):
        ok: np.ndarray = np.isfinite(values) & (values >= 0)
    return ~ok


def _percent(series: pd.Series) -> np.ndarray:
    """Given, but not a finite percentage between 0 and 100 (empty is fine: it counts as certain)."""
    values = _numbers(series)
    with np.errstate(invalid="ignore"):
        ok: np.ndarray = np.isfinite(values) & (values >= 0) & (values <= 100)
    given: np.ndarray = series.notna().to_numpy()
    bad: np.ndarray = given & ~ok
    return bad


def _unknown(vocabulary: str, *, exact: bool) -> Callable[[pd.Series], np.ndarray]:
    """Given, but not a term of the vocabulary: its exact code, or (``exact=False``) any code, label or alias."""
    def known(terms: vocab.Vocabulary, value: object) -> bool:
        return value in terms.codes if exact else terms.find(value) is not None

    def bad(series: pd.Series) -> np.ndarray:
        terms: vocab.Vocabulary = getattr(vocab, vocabulary)
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        # Only distinct values are looked up; the extra False at the end keeps an empty cell (-1) acceptable.
        table: np.ndarray = np.array([not known(terms, u) for u in uniques] + [False], dtype=np.bool_)
        marks: np.ndarray = table[codes]
        return marks
    return bad


# What the portfolio engine reads from a stored opportunity (assess, recommend, resolve_natures).
OPPORTUNITY_CHECKS = (
    Check("value", _amount, "is not an amount the engine can use (a finite number, 0 or more)"),
    Check("probability", _percent, "is not a probability between 0 and 100 (percent)"),
    Check("nature", _unknown("NATURES", exact=True), "is not a nature code"),
    Check("approach", _unknown("APPROACHES", exact=False), "is not a known approach (the account's current approach)"),
)


def _shown(value: object) -> str:
    return "(empty)" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def quarantine(frame: pd.DataFrame, checks: Sequence[Check] = OPPORTUNITY_CHECKS,
               row_column: str = "opportunity_id") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows every check accepts, and one problem per failed check (``PROBLEM_COLUMNS``).

    ``row`` names a row by ``row_column`` (the opportunity id); checks of columns the frame lacks are skipped.
    The usable rows get the numbers as read (a stored text amount becomes a float once it is known good).
    """
    present = [c for c in checks if c.column in frame.columns]
    marks = [c.bad(frame[c.column]) for c in present]
    if not marks or not np.logical_or.reduce(marks).any():
        return frame, pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    rows = frame[row_column] if row_column in frame else pd.Series(frame.index, index=frame.index)
    accounts = frame["account_id"] if "account_id" in frame else pd.Series(None, index=frame.index, dtype=object)
    parts = []
    for check, bad in zip(present, marks):
        if bad.any():
            parts.append(pd.DataFrame({
                "row": rows[bad].astype(str).to_numpy(), "account_id": accounts[bad].to_numpy(),
                "column": check.column, "value": [_shown(v) for v in frame[check.column][bad]],
                "reason": check.reason,
            }))
    problems = pd.concat(parts, ignore_index=True).sort_values(["row", "column"], kind="stable", ignore_index=True)
    usable = frame[~np.logical_or.reduce(marks)].copy()
    for column in ("value", "probability"):
        if column in usable and usable[column].dtype == object:
            usable[column] = pd.to_numeric(usable[column])
    return usable, problems
