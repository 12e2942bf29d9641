"""Parsing cells of CRM exports: amounts, percents and dates, as people really write them.

Yes/no cells are read by gtm.domain.words.read_bools, with the words of data/words.json.

Pure functions over text Series: each helper parses distinct values only, then maps them back to every row, and
returns a ``Problem`` per unreadable cell naming the row, the column, the value and what would be accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pandas as pd

from gtm.domain import currency
from gtm.domain.errors import Problem

_SPACES = " '\u00a0\u202f\u2009\u2019"  # thousands groupings seen in the wild: space, NBSP, thin space, Swiss '
_MINUS = "-\u2212\u2013"
_SYMBOLS = re.compile(r"[A-Z]{0,2}[$€£¥₹₩₽₺₪₫฿¢]")
_ISO_CODE = re.compile(r"^[A-Z]{3}(?=[\s\d(+\-.,])|(?<=[\s\d).,\-])[A-Z]{3}$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_PLAIN = r"-?\d+(?:\.(?:\d{1,2}|\d{4,}))?"  # unambiguous as-is: fast path through pd.to_numeric
_GROUPED = (  # (pattern, thousands, decimal): grouped thousands followed by a decimal part
    (r"(?:[$£]\s?)?\d{1,3}(?:,\d{3})+\.\d+", ",", "."),
    (r"\d{1,3}(?:\.\d{3})+,\d+(?:\s?€)?", ".", ","),
)
AMOUNT_ACCEPTED = "accepted: 1234.50, $1,234.50, 1.234,50 €, (1,200)"
PERCENT_ACCEPTED = "accepted: 45, 45%, 45.5 %, 45,5 %"


def _shape(core: str) -> tuple[str | None, bool]:
    """(decimal separator if the value alone decides it, ambiguous?) for a digits-and-separators string."""
    has_dot, has_comma = "." in core, "," in core
    if has_dot and has_comma:
        return ("." if core.rfind(".") > core.rfind(",") else ","), False
    mark = "." if has_dot else "," if has_comma else None
    if mark is None:
        return None, False
    if core.count(mark) > 1:
        return None, False  # repeated: thousands separators
    head, tail = core.split(mark)
    grouped_by_space = any(ch in head for ch in _SPACES)
    if len(tail) == 3 and 1 <= len(head) <= 3 and not head.startswith("0") and not grouped_by_space:
        return None, True  # 1,234 or 1.234: thousands or decimal, the value alone cannot tell
    return mark, False


def _number(core: str, decimal: str | None) -> float | None:
    """Digits with thousands groups (validated: 3 digits each) and an optional decimal part."""
    if decimal:
        if core.count(decimal) != 1:
            return None
        head, tail = core.split(decimal)
        if not tail.isdigit() and not (tail == "" and head):
            return None
    else:
        head, tail = core, ""
    thousands = "," if decimal == "." else "." if decimal == "," else ",."
    groups = re.split(f"[{re.escape(thousands + _SPACES)}]", head) if head else [""]
    if len(groups) > 1:
        if not (groups[0].isdigit() and len(groups[0]) <= 3 and all(len(g) == 3 and g.isdigit() for g in groups[1:])):
            return None
    elif groups[0] and not groups[0].isdigit():
        return None
    digits = "".join(groups)
    if not digits and not tail:
        return None
    return float(f"{digits or '0'}.{tail or '0'}")


def _split_sign(text: str, *, currency: bool) -> tuple[str, bool] | None:
    """(unsigned core, negative?) after removing currency marks, parentheses and signs; None if nothing is left."""
    s = text.strip()
    if currency:
        s = _SYMBOLS.sub("", s).strip()
    negative = False
    for _ in range(2):  # currency codes may sit inside or outside parentheses: "(USD 1,200)", "(1,200) USD"
        if currency:
            s = _ISO_CODE.sub("", s).strip()
        if len(s) > 2 and s[0] == "(" and s[-1] == ")":
            negative, s = True, s[1:-1].strip()
    if s[:1] and s[0] in _MINUS:
        negative, s = True, s[1:].strip()
    elif s[:1] == "+":
        s = s[1:].strip()
    elif s[-1:] and s[-1] in _MINUS:  # SAP-style trailing minus: 1,200-
        negative, s = True, s[:-1].strip()
    if currency:
        s = _SYMBOLS.sub("", s).strip()
    if not s or not (s[0].isdigit() or s[0] in ".,"):
        return None
    return s, negative


def _parse_numbers(series: pd.Series, column: str, *, currency: bool, percent: bool,
                   reason: str) -> tuple[np.ndarray, list[Problem]]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = pd.Series(uniques, dtype=object).astype(str).str.strip()
    values = np.full(len(texts), np.nan)
    bad = np.zeros(len(texts), dtype=bool)
    votes = {".": 0, ",": 0}
    # Vectorised fast paths for the forms CRMs write most; each is unambiguous on its own.
    done = texts.str.fullmatch(_PLAIN).to_numpy(dtype=bool).copy()
    values[done] = pd.to_numeric(texts[done]).to_numpy(dtype=float)
    votes["."] += int((done & texts.str.contains(".", regex=False).to_numpy(dtype=bool)).sum())
    for pattern, thou, dec in _GROUPED if currency else ():
        hit = ~done & texts.str.fullmatch(pattern).to_numpy(dtype=bool)
        if hit.any():
            cleaned = texts[hit].str.replace(r"[^\d" + re.escape(thou + dec) + "]", "", regex=True)
            cleaned = cleaned.str.replace(thou, "", regex=False).str.replace(dec, ".", regex=False)
            values[hit] = pd.to_numeric(cleaned).to_numpy(dtype=float)
            votes[dec] += int(hit.sum())
            done |= hit
    pending: list[tuple[int, str, bool, str | None, bool]] = []
    text_list = texts.tolist()  # plain str access: Series.iat per value is ten times slower
    for i in (int(j) for j in np.flatnonzero(~done)):
        text = text_list[i]
        if text == "":
            continue
        if percent:
            text = text.strip().removesuffix("%").removeprefix("%").strip()
        split = _split_sign(text, currency=currency)
        if split is None:
            bad[i] = True
            continue
        core, negative = split
        if _SCIENTIFIC.match(core):
            values[i] = -float(core) if negative else float(core)
            continue
        decimal, ambiguous = _shape(core)
        if decimal and not ambiguous:
            votes[decimal] += 1
        pending.append((i, core, negative, decimal, ambiguous))
    # Values like 1,234 are read with the column's convention; without one, as thousands (1234).
    column_decimal = "." if votes["."] > votes[","] else "," if votes[","] > votes["."] else None
    for i, core, negative, shape, ambiguous in pending:
        decimal = shape
        if ambiguous:
            mark = "." if "." in core else ","
            decimal = mark if (percent or column_decimal == mark) else None
        number = _number(core, decimal)
        if number is None:
            bad[i] = True
        else:
            values[i] = -number if negative else number
    out = np.append(values, np.nan)[codes]
    return out, _problems(series, codes, bad, column, reason)


def _problems(series: pd.Series, codes: np.ndarray, bad_unique: np.ndarray, column: str,
              reason: str | list[str]) -> list[Problem]:
    """One Problem per row whose distinct value is bad; ``reason`` is shared or given per distinct value."""
    if not bad_unique.any():
        return []
    rows = np.flatnonzero(np.append(bad_unique, False)[codes])
    values = series.iloc[rows]
    if isinstance(reason, str):
        return [Problem(row, column, value, reason) for row, value in values.items()]
    return [Problem(row, column, value, reason[codes[pos]]) for pos, (row, value) in zip(rows, values.items())]


def parse_amounts(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Money cells to floats (NaN for blank) and one Problem per unreadable cell.

    Currency symbols ($ € £ ...) and ISO codes (USD, EUR) before or after are ignored; (1,200), -1,200
    and 1,200- are negative; spaces, NBSP and ' group thousands. The decimal separator is decided per value:
    with both ',' and '.', the last one is the decimal (1.234,50 and 1,234.50); one separator repeated is
    thousands (1,234,567); one separator followed by other than 3 digits is the decimal (12,5 and 1234.50).
    A lone separator followed by exactly 3 digits (1,234 / 1.234) follows the column's convention when other
    values show it, and is a thousands separator otherwise. Thousands groups must have 3 digits.
    """
    return _parse_numbers(series, column, currency=True, percent=False,
                          reason=f"is not an amount ({AMOUNT_ACCEPTED})")


_CELL_SYMBOL = re.compile(r"([A-Z]{0,2})([$€£¥₹₩₽₺₪₫฿])")
_CELL_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_DOLLAR_PREFIXES = {"US": "USD", "C": "CAD", "CA": "CAD", "A": "AUD", "AU": "AUD", "NZ": "NZD", "HK": "HKD",
                    "S": "SGD", "SG": "SGD", "R": "BRL", "MX": "MXN"}
BARE_DOLLAR = "$"  # what a bare '$' is reported as in ``MoneyCells.named``, before it is read as USD


@dataclass(frozen=True)
class MoneyCells:
    """Amounts of a column and the currency each cell names: an ISO code, BARE_DOLLAR for a lone '$', or None."""

    values: np.ndarray
    named: np.ndarray  # object: str | None per row
    problems: list[Problem]


def _named_currency(text: str) -> tuple[str | None, str | None]:
    """(currency named in a cell, or None; a reason when the cell names two different ones)."""
    found: set[str] = set()
    for prefix, mark in _CELL_SYMBOL.findall(text):
        if mark == "$":
            found.add(_DOLLAR_PREFIXES.get(prefix, BARE_DOLLAR) if prefix else BARE_DOLLAR)
        else:
            found.add(currency.SYMBOL_CODES[mark])
    found.update(_CELL_CODE.findall(text))
    if BARE_DOLLAR in found and any(c != BARE_DOLLAR and c.endswith("D") for c in found):
        found.discard(BARE_DOLLAR)  # "USD $1,200": the code says which dollar
    if len(found) > 1:
        return None, f"names more than one currency ({', '.join(sorted(found))}); write one"
    return (found.pop() if found else None), None


def parse_money(series: pd.Series, column: str) -> MoneyCells:
    """parse_amounts, plus the currency each cell names (€ -> EUR, £ -> GBP, 'CHF 1 200' -> CHF, '$' -> BARE_DOLLAR).

    The currency is read from the distinct values only; a cell naming two currencies is a problem.
    """
    values, problems = parse_amounts(series, column)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    named: list[str | None] = []
    reasons: list[str] = []
    bad = np.zeros(len(uniques), dtype=bool)
    for i, u in enumerate(uniques):
        code, reason = _named_currency(str(u))
        named.append(code)
        reasons.append(reason or "")
        bad[i] = reason is not None
    per_row = np.array([*named, None], dtype=object)[codes]
    per_row[np.isnan(values)] = None  # 'TBD' is no currency: an unreadable cell names none
    if bad.any():
        already = {p.row for p in problems}
        extra = _problems(series, codes, bad, column, reasons)
        problems = problems + [p for p in extra if p.row not in already]
        values = values.copy()
        values[np.append(bad, False)[codes]] = np.nan
    return MoneyCells(values, per_row, problems)


def parse_percent(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Percent cells to floats as written (45, 45%, 45,5 % -> 45, 45, 45.5; 0.45 stays 0.45); NaN for blank.

    A single ',' or '.' is always the decimal separator here. The range (0..100) is the caller's to check.
    """
    return _parse_numbers(series, column, currency=False, percent=True,
                          reason=f"is not a percent ({PERCENT_ACCEPTED})")


# --- dates ------------------------------------------------------------------------------------------------------

_TIME = r"(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*([AaPp][Mm])?\s*(Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + "$")
_DMY = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME + "$")
_MONTH_NAMES = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s,-]+(\d{4})" + _TIME + "$")
_MONTH_NAME_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + "$")
DATE_ACCEPTED = "accepted: 2026-03-31, 31/03/2026, 03/31/2026, 31.03.2026, 31 Mar 2026"


def _month(name: str) -> int | None:
    lower = name.lower()
    for full, number in _MONTH_NAMES.items():
        if lower in (full, full[:3]) or (lower == "sept" and number == 9):
            return number
    return None


def _time_parts(groups: tuple[str | None, ...]) -> tuple[int, int, int, str | None] | None:
    hh, mm, ss, ampm, tz = groups
    if hh is None:
        return 0, 0, 0, None
    h, m, s = int(hh), int(mm or 0), int(ss or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    return h, m, s, tz


def _build(y: int, mo: int, d: int, tparts: tuple[int, int, int, str | None] | None) -> datetime | None:
    if tparts is None:
        return None
    h, mi, s, tz = tparts
    try:
        value = datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    if tz:
        if tz != "Z":
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            value = value.replace(tzinfo=timezone(sign * offset))
        else:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC).replace(tzinfo=None)  # stored naive, in UTC
    return value


def _year(text: str) -> int:
    y = int(text)
    return y if len(text) == 4 else (2000 + y if y < 70 else 1900 + y)


def parse_dates(series: pd.Series, column: str, *, dayfirst: bool | None = None,
                ) -> tuple[pd.Series, list[Problem], str | None]:
    """Date cells to datetime64 (NaT for blank), a Problem per unreadable cell, and a note when a guess was made.

    ISO (2026-03-31, optionally with a time) and month names are unambiguous. For dd/mm/yyyy vs mm/dd/yyyy
    (also with '.' or '-'), ``dayfirst`` decides when given (from the mapping file); otherwise the column
    decides: a first part above 12 means dd/mm, a second part above 12 means mm/dd. When both occur, the
    rows that disagree with the majority are problems. When nothing decides, dd/mm is assumed and the note
    says so.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques]
    parsed: list[datetime | None] = [None] * len(texts)
    bad = np.zeros(len(texts), dtype=bool)
    shaped = np.zeros(len(texts), dtype=bool)  # looks like a date but names no real day (31/02, 2026-13-01)
    counts = np.bincount(codes[codes >= 0], minlength=len(texts))
    numeric: list[tuple[int, int, int, int, tuple[int, int, int, str | None] | None]] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        if m := _ISO.match(text):
            parsed[i] = _build(int(m[1]), int(m[3]), int(m[4]), _time_parts(m.groups()[4:9]))
        elif m := _DMY.match(text):
            numeric.append((i, int(m[1]), int(m[3]), _year(m[4]), _time_parts(m.groups()[4:9])))
            continue
        elif m := _DAY_MONTH_NAME.match(text):
            mo = _month(m[2])
            parsed[i] = _build(int(m[3]), mo, int(m[1]), _time_parts(m.groups()[3:8])) if mo else None
        elif m := _MONTH_NAME_DAY.match(text):
            mo = _month(m[1])
            parsed[i] = _build(int(m[3]), mo, int(m[2]), _time_parts(m.groups()[3:8])) if mo else None
        else:
            bad[i] = True
            continue
        bad[i] = shaped[i] = parsed[i] is None

    note: str | None = None
    conflict: dict[int, str] = {}
    if numeric:
        day_rows = sum(int(counts[i]) for i, a, b, _, _ in numeric if a > 12 >= b)
        month_rows = sum(int(counts[i]) for i, a, b, _, _ in numeric if b > 12 >= a)
        ambiguous = [texts[i] for i, a, b, _, _ in numeric if a <= 12 and b <= 12 and a != b]
        use_dayfirst = dayfirst
        if use_dayfirst is None:
            use_dayfirst = day_rows >= month_rows
            if day_rows and month_rows:
                chosen, other = ("dd/mm/yyyy", "mm/dd/yyyy") if use_dayfirst else ("mm/dd/yyyy", "dd/mm/yyyy")
                for i, a, b, _, _ in numeric:
                    if (b > 12 >= a) if use_dayfirst else (a > 12 >= b):
                        conflict[i] = (f"reads only as {other} but most dates in this column are {chosen}; use one "
                                       "date format per column (ISO 2026-03-31 is never ambiguous)")
                note = (f"Column '{column}': dates are written both as dd/mm/yyyy and mm/dd/yyyy; read as {chosen} "
                        "(the majority). Set a date format in the mapping file to change it.")
            elif not day_rows and not month_rows and ambiguous:
                note = (f"Column '{column}': dates like {ambiguous[0]} are ambiguous (dd/mm or mm/dd); read as "
                        "dd/mm/yyyy. Set a date format in the mapping file to change it.")
        form = "dd/mm/yyyy" if use_dayfirst else "mm/dd/yyyy"
        why = "the mapping file sets it" if dayfirst is not None else "the form this column uses"
        for i, a, b, y, tparts in numeric:
            if i in conflict:
                bad[i] = True
                continue
            day, month = (a, b) if use_dayfirst else (b, a)
            parsed[i] = _build(y, month, day, tparts)
            if parsed[i] is None:
                bad[i] = True
                conflict[i] = f"is not a real date when read as {form} ({why})"

    unreadable = f"is not a date ({DATE_ACCEPTED})"
    impossible = "is not a real date (no such day or month)"
    reasons = [conflict.get(i, impossible if shaped[i] else unreadable) for i in range(len(texts))]

    stamps = np.array([np.datetime64(p, "ns") if p is not None else np.datetime64("NaT", "ns") for p in parsed]
                      + [np.datetime64("NaT", "ns")], dtype="datetime64[ns]")
    result = pd.Series(stamps[codes], index=series.index, name=series.name)
    return result, _problems(series, codes, bad, column, reasons), note
