"""Exports that open in a spreadsheet without running anything (CSV/formula injection, OWASP).

A text cell starting with a formula trigger gets a leading single quote, so Excel, LibreOffice and Google
Sheets show it as text instead of evaluating it. Numbers keep their numeric dtype and are never touched.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

# OWASP's list plus the full-width forms some spreadsheets also treat as formula starts.
TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _escape(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(TRIGGERS) else value


def _neutralise_series(series: pd.Series) -> pd.Series:
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if categories.dtype.kind not in "OUS" and not pd.api.types.is_string_dtype(categories.dtype):
            return series
        renamed = [_escape(c) for c in categories]
        if renamed == list(categories):
            return series
        if len(set(renamed)) == len(renamed):  # renaming keeps codes: no pass over the rows
            return series.cat.rename_categories(renamed)
        return series.astype(object).map(_escape)  # "=x" and "'=x" both present: rare, fall back
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        risky = series.str.startswith(TRIGGERS).fillna(False).astype(bool)
        return series.where(~risky, "'" + series) if risky.any() else series
    if pd.api.types.is_object_dtype(dtype):
        # Mixed cells: parse distinct values only, so large frames with few distinct texts stay fast.
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        escaped = [_escape(u) for u in uniques]
        changed = np.array([e is not u for e, u in zip(escaped, uniques)] + [False], dtype=bool)
        if not changed[codes].any():
            return series
        table = np.empty(len(escaped) + 1, dtype=object)
        table[:-1] = escaped
        out = pd.Series(table[codes], index=series.index, name=series.name, dtype=object)
        return out.where(codes >= 0, series)  # keep the original missing markers (None / NaN / NA)
    return series


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and headers cannot start a formula; numeric columns untouched."""
    out = frame.copy()
    for i in range(out.shape[1]):
        out.isetitem(i, _neutralise_series(out.iloc[:, i]))  # type: ignore[arg-type]  # stubs omit Series
    out.columns = pd.Index([_escape(c) for c in out.columns]) if not isinstance(out.columns, pd.MultiIndex) \
        else out.columns
    return out


EUROPEAN = ";"  # the separator European Excel expects (its decimal mark is the comma, the list separator ';')


def plain_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as a spreadsheet should get them: a timestamp as ISO 8601 text with its offset (the app stores UTC,
    so a timestamp without a zone is UTC), and an id column of whole numbers (``*_id`` read as float because
    some rows have none) as integers, not ``4.0``."""
    out = frame.copy(deep=False)
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            utc = column.dt.tz_localize("UTC") if column.dt.tz is None else column.dt.tz_convert("UTC")
            out[name] = (utc.dt.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00").where(column.notna(), None)
        elif str(name).endswith("_id") and pd.api.types.is_float_dtype(column.dtype):
            known = column.dropna()
            if len(known) and bool((known == np.floor(known)).all()):
                out[name] = column.astype("Int64")
    return out


def to_csv_text(frame: pd.DataFrame, *, sep: str = ",", lineterminator: str = "\n") -> str:
    """Neutralised CSV text without the index, values as ``plain_values`` gives them. With ``sep=';'``
    (EUROPEAN), numbers take a decimal comma, as a European Excel reads them."""
    return neutralise(plain_values(frame)).to_csv(index=False, lineterminator=lineterminator, sep=sep,
                                                  decimal="," if sep == EUROPEAN else ".")


def to_csv_bytes(frame: pd.DataFrame, *, bom: bool = True, sep: str = ",") -> bytes:
    """``to_csv_text`` as UTF-8 (with a BOM by default so Excel reads accents right)."""
    # CRLF (RFC 4180) also makes the writer quote any field holding a bare CR, which would otherwise split rows.
    return to_csv_text(frame, sep=sep, lineterminator="\r\n").encode("utf-8-sig" if bom else "utf-8")


def _sheet_names(names: list[str]) -> list[str]:
    """Excel-valid, unique sheet names: at most 31 characters, none of []:*?/\\, never blank."""
    out: list[str] = []
    for raw in names:
        base = _SHEET_FORBIDDEN.sub("_", str(raw)).strip("'") or "Sheet"
        name, n = base[:31], 1
        while name.casefold() in (o.casefold() for o in out):
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        out.append(name)
    return out


def _excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralised, with tz-aware datetimes made naive (Excel has no time zones; openpyxl refuses them)."""
    out = neutralise(frame)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out.isetitem(i, col.dt.tz_localize(None))
    return out


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame, every text cell neutralised so none becomes a formula."""
    buffer = io.BytesIO()
    items = list(sheets.items()) or [("Sheet1", pd.DataFrame())]
    names = _sheet_names([name for name, _ in items])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, (_, frame) in zip(names, items):
            _excel_ready(frame).to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()
