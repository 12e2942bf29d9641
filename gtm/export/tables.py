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

from gtm.export import headers

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
EUROPEAN_SETTING = "csv_european"  # the session's one choice, which every page's CSV download follows
EUROPEAN_LABEL = "CSV for European Excel (semicolons, decimal commas)"
EUROPEAN_HELP = ("Excel set to a European language splits columns at ';' and reads '1,5' as a number. This choice "
                 "applies to every CSV download of the app; the XLSX downloads open in any Excel.")
# Up to 15 significant digits, as many as a spreadsheet keeps: 334836000, not 334836000.0; 1.5 stays 1.5.
_FLOAT_FORMAT = "%.15g"
# Excel has no time zones: an exported timestamp is a date cell in UTC whose display says so.
XLSX_DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"'


def separator(european: bool) -> str:
    """The CSV separator for the European Excel choice."""
    return EUROPEAN if european else ","


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
        elif str(name).endswith("_id"):
            out[name] = _whole(column)
    return out


def _whole(column: pd.Series) -> pd.Series:
    """A float column of whole numbers (``4.0``, read as float because some rows have none) as integers."""
    if not pd.api.types.is_float_dtype(column.dtype):
        return column
    known = column.dropna()
    if len(known) and bool((known == np.floor(known)).all()):
        return column.astype("Int64")
    return column


def to_csv_text(frame: pd.DataFrame, *, sep: str = ",", lineterminator: str = "\n") -> str:
    """Neutralised CSV text without the index, values as ``plain_values`` gives them, a whole float without
    ``.0``. With ``sep=';'`` (EUROPEAN), numbers take a decimal comma, as a European Excel reads them."""
    return neutralise(plain_values(frame)).to_csv(index=False, lineterminator=lineterminator, sep=sep,
                                                  decimal="," if sep == EUROPEAN else ".", float_format=_FLOAT_FORMAT)


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
    """Neutralised, ids as whole numbers, tz-aware datetimes in UTC made naive (Excel has no time zones; openpyxl
    refuses them)."""
    out = neutralise(frame)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out.isetitem(i, col.dt.tz_convert("UTC").dt.tz_localize(None))
        elif str(out.columns[i]).endswith("_id"):
            out.isetitem(i, _whole(col))  # type: ignore[arg-type]  # stubs omit Series
    return out


def to_xlsx_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame, every text cell neutralised so none becomes a formula; ids of
    whole numbers as integers, timestamps as date cells in UTC that say so."""
    buffer = io.BytesIO()
    items = list(sheets.items()) or [("Sheet1", pd.DataFrame())]
    names = _sheet_names([name for name, _ in items])
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, (_, frame) in zip(names, items):
            ready = _excel_ready(frame)
            ready.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for i in range(ready.shape[1]):
                if pd.api.types.is_datetime64_any_dtype(ready.iloc[:, i].dtype):
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                        cell.number_format = XLSX_DATETIME_FORMAT
    return buffer.getvalue()


def people_csv(frame: pd.DataFrame, table: headers.Table | str, currency: str, *, sep: str = ",",
               **names: str) -> bytes:
    """A page's CSV download: the page's headers and words (``headers.for_people``; a ``table`` named by its export
    in ``headers.EXPORTS``), written by ``to_csv_bytes``."""
    chosen = headers.EXPORTS[table] if isinstance(table, str) else table
    return to_csv_bytes(headers.for_people(frame, chosen, currency, **names), sep=sep)


def people_xlsx(frames: Mapping[str, pd.DataFrame], currency: str) -> bytes:
    """A page's XLSX download: one sheet per export of ``headers.EXPORTS``, named by its table, in the page's words."""
    return to_xlsx_bytes({headers.EXPORTS[what].name: headers.for_people(frame, headers.EXPORTS[what], currency)
                          for what, frame in frames.items()})


def review_csv(view: pd.DataFrame, currency: str, bu: str, *, european: bool = False) -> bytes:
    """The Review page's export: its queue as the page words it (the page's view of every row, link column and
    all), under the table's headers; ``bu`` names the BU whose verdicts are shown."""
    return people_csv(view, headers.REVIEW, currency, sep=separator(european), bu=bu)
