"""Column checks shared by the record readers: text, amounts, codes, duplicates, a problem for each bad cell."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gtm.domain.errors import Problem
from gtm.ingest import cells


def _values(series: pd.Series) -> list[Any]:
    """A column as Python values, None for every missing marker (NaN, NaT, NA)."""
    return series.astype(object).where(series.notna(), None).tolist()


def _text(series: pd.Series) -> pd.Series:
    out = series.astype("string").str.strip()
    return out.mask(out == "", None)


def _row_dicts(columns: Mapping[str, pd.Series], index: pd.Index, *, drop_missing: bool = False) -> pd.Series:
    """{column: value} per row (None for a missing value), one shared dict object for all rows alike.

    ``drop_missing``: leave missing values out, and give None for a row with none at all. The dicts are
    shared, so they are read, never changed in place.
    """
    key = np.zeros(len(index), dtype=np.int64)
    for series in columns.values():
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        key = pd.factorize(key * (len(uniques) + 1) + codes + 1)[0]  # stays below the row count: no overflow
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    values = [_values(series.iloc[first]) for series in columns.values()]
    names = list(columns)
    dicts = np.empty(len(first), dtype=object)
    for i, vals in enumerate(zip(*values)):
        row = {k: v for k, v in zip(names, vals) if not (drop_missing and v is None)}
        dicts[i] = row or (None if drop_missing else row)
    return pd.Series(dicts[np.asarray(inverse).ravel()], index=index, dtype=object)


def _first_problems(mask: np.ndarray, series: pd.Series, column: str, reason: str) -> list[Problem]:
    return [Problem(r, column, v, reason) for r, v in series[mask].items()]


def _duplicates(ids: pd.Series, column: str) -> list[Problem]:
    dup = ids.notna() & ids.duplicated(keep="first")
    if not dup.any():
        return []
    first = ids[ids.notna()].drop_duplicates(keep="first")
    first_row = pd.Series(first.index, index=first.to_numpy())
    return [Problem(r, column, v, f"duplicate id; first seen in row {first_row[v]}") for r, v in ids[dup].items()]


def _vocab_column(series: pd.Series, column: str, vocab: Any, problems: list[Problem]) -> pd.Series:
    """Codes for a column of codes/labels/variants; blank stays None, unknown values become problems."""
    text = _text(series)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    lookup = [vocab.find(u) for u in uniques]
    mapped = np.array([vocab.codes[i] if i is not None else None for i in lookup] + [None], dtype=object)[codes]
    bad = np.array([i is None for i in lookup] + [False])[codes]
    problems += _first_problems(bad, series, column, f"is not a known {vocab.name}; accepted: {vocab.accepted()}")
    return pd.Series(mapped, index=series.index, dtype=object)


def _amount(frame: pd.DataFrame, field_name: str, column: str, problems: list[Problem], *,
            percent: bool = False, low: float = 0, high: float | None = None, what: str = "",
            parsed: cells.MoneyCells | None = None) -> pd.Series:
    series = frame[field_name]
    if parsed is not None:
        values, found = parsed.values, parsed.problems
    else:
        parse = cells.parse_percent if percent else cells.parse_amounts
        values, found = parse(series, column)
    problems += found
    values = np.asarray(values, dtype=float)
    bad_rows = {p.row for p in found}
    ok = ~np.isnan(values)
    out_of_range = ok & (values < low)
    if high is not None:
        out_of_range |= ok & (values > high)
    out_of_range &= ~series.index.isin(list(bad_rows))
    problems += _first_problems(out_of_range, series, column, what)
    return pd.Series(values, index=series.index)
