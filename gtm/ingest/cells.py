"""Parsing cells of CRM exports: amounts, percents and dates, as people really write them.

Yes/no cells are read by gtm.domain.words.read_bools, with the words of data/words.json.

Pure functions over text Series: each helper parses distinct values only, then maps them back to every row, and
returns a ``Problem`` per unreadable cell naming the row, the column, the value and what would be accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel import Locale
from babel.dates import get_month_names
from babel.numbers import NumberFormatError, parse_decimal

from gtm.domain import currency
from gtm.domain.errors import Problem
from gtm.domain.fmt import count

_SPACES = " '\u00a0\u202f\u2009\u2019"  # thousands groupings seen in the wild: space, NBSP, thin space, Swiss '
_MINUS = "-\u2212\u2013"
_SYMBOLS = re.compile(r"[A-Z]{0,2}[$€£¥₹₩₽₺₪₫฿¢]")
_ISO_CODE = re.compile(r"^[A-Z]{3}(?=[\s\d(+\-.,])|(?<=[\s\d).,\-])[A-Z]{3}$")
_SCIENTIFIC = re.compile(r"^[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+$")
# Unambiguous as-is: fast path through pd.to_numeric (ASCII digits only, short enough to be a float).
_PLAIN = r"-?[0-9]{1,15}(?:\.(?:[0-9]{1,2}|[0-9]{4,15}))?"
_GROUPED = (  # (pattern, thousands, decimal): grouped thousands followed by a decimal part
    (r"(?:[$£]\s?)?[0-9]{1,3}(?:,[0-9]{3}){1,4}\.[0-9]{1,15}", ",", "."),
    (r"[0-9]{1,3}(?:\.[0-9]{3}){1,4},[0-9]{1,15}(?:\s?€)?", ".", ","),
)
AMOUNT_ACCEPTED = "accepted: 1234.50, $1,234.50, 1.234,50 €, (1,200)"
PERCENT_ACCEPTED = "accepted: 45, 45%, 45.5 %, 45,5 %"
# Beyond this no amount, revenue or percent is real, and sums of such values overflow: 10^15 is a quadrillion.
MAX_MAGNITUDE = 1e15
_MAX_NUMBER_CHARS = 64  # '-1,234,567,890,123.45 USD' is 25; longer is not a number a person wrote
_DECIMAL_POINT, _DECIMAL_COMMA = Locale("en"), Locale("de")  # 1,234.5 and 1.234,5
_DIGITS_AND_MARKS = re.compile(r"[0-9]*(?:[.,][0-9]*)*")
_TOO_LARGE = "is too large; amounts and percents up to 1,000,000,000,000,000 (10^15) are accepted"


_SCRIPT_MARKS = str.maketrans({"\u066b": ".", "\u066c": ",", "\u066a": "%", "\u2396": "."})
_ANY_DIGIT = re.compile(r"\d")


def ascii_digits(text: str) -> str:
    """``text`` with digits of other scripts (Arabic-Indic ٣٤٥, full-width １２３, Devanagari …) as 0-9.

    Full-width signs and separators (，．－％) become their ASCII forms too (NFKC); ASCII text is returned as is.
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text.translate(_SCRIPT_MARKS))
    return _ANY_DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), text)


def digits_note(series: pd.Series, column: str) -> str | None:
    """A note when cells of ``series`` write digits of another script (they are read as 0-9), else None."""
    uniques = pd.unique(series.dropna().astype(str))
    converted = [(u, ascii_digits(u)) for u in uniques if not u.isascii() and _ANY_DIGIT.search(u)]
    converted = [(u, a) for u, a in converted if any(not c.isascii() and c.isdecimal() for c in u)]
    if not converted:
        return None
    rows = int(series.isin([u for u, _ in converted]).sum())
    example, read = converted[0]
    return (f"Column '{column}': {count(rows, 'cell')} {'writes' if rows == 1 else 'write'} digits of another script; "
            f"{'it was' if rows == 1 else 'they were'} read as 0-9 "
            f"(e.g. '{example}' as '{read}').")


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
    """Digits with thousands groups (3 digits each) and an optional decimal part, or None.

    Babel reads and checks them (``strict``: a group of other than 3 digits is refused, never guessed) in a locale
    whose marks are the ones this value uses: English for a '.' decimal, German for a ',' decimal. Which mark is the
    decimal is decided before (by the value, or by its column: ``_shape`` and the votes), which no library does. Spaces
    and apostrophes group thousands too: they become the locale's group mark first.
    """
    group = "," if decimal == "." else "." if decimal == "," else ("." if "." in core else ",")
    text = re.sub(f"[{re.escape(_SPACES)}]", group, core)
    if decimal and text.endswith(decimal) and len(text) > 1:
        text = text[:-1]  # '1,234.': a decimal mark with nothing after it reads as the whole number
    if not _DIGITS_AND_MARKS.fullmatch(text):
        return None
    locale = _DECIMAL_COMMA if group == "." else _DECIMAL_POINT
    # Babel's strict check refuses leading zeros ('01,234', '0 939'), which were always read: it checks the groups
    # with the zeros as other digits, then reads the value itself.
    shape = re.sub(r"^0+", lambda zeros: "1" * len(zeros[0]), text)
    try:
        parse_decimal(shape, locale=locale, strict=True)
        return float(parse_decimal(text, locale=locale))
    except NumberFormatError:
        return None


def _ascii_digit(text: str) -> bool:
    return text.isascii() and text.isdigit()


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
    if not s or not (_ascii_digit(s[0]) or s[0] in ".,"):
        return None
    return s, negative


def _parse_numbers(series: pd.Series, column: str, *, currency: bool, percent: bool,
                   reason: str) -> tuple[np.ndarray, list[Problem]]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = pd.Series([ascii_digits(str(u)) for u in uniques], dtype=object).astype(str).str.strip()
    values = np.full(len(texts), np.nan)
    bad = np.zeros(len(texts), dtype=bool)
    why: list[str] = [reason] * len(texts)
    too_long = (texts.str.len() > _MAX_NUMBER_CHARS).to_numpy(dtype=bool)
    bad |= too_long
    for long_one in np.flatnonzero(too_long).tolist():
        why[long_one] = f"is {len(str(texts.iat[long_one])):,} characters long, too long to be a number"
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
    for i in (int(j) for j in np.flatnonzero(~done & ~too_long)):
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
    # Values the engine cannot hold are problems, never data: inf poisons every sum it enters.
    with np.errstate(invalid="ignore"):
        infinite = ~bad & np.isinf(values)
        huge = ~bad & ~infinite & (np.abs(values) > MAX_MAGNITUDE)
    for beyond in np.flatnonzero(infinite | huge).tolist():
        why[beyond] = _TOO_LARGE
    bad |= infinite | huge
    values[bad] = np.nan
    out = np.append(values, np.nan)[codes]
    return out, _problems(series, codes, bad, column, why)


def _problems(series: pd.Series, codes: np.ndarray, bad_unique: np.ndarray, column: str,
              reason: str | list[str]) -> list[Problem]:
    """One Problem per row whose distinct value is bad; ``reason`` is shared or given per distinct value."""
    if not bad_unique.any():
        return []
    rows = np.flatnonzero(np.append(bad_unique, False)[codes])
    values = series.iloc[rows].map(_shown)
    if isinstance(reason, str):
        return [Problem(row, column, value, reason) for row, value in values.items()]
    return [Problem(row, column, value, reason[codes[pos]]) for pos, (row, value) in zip(rows, values.items())]


def _shown(value: object) -> object:
    """A cell as a problem shows it: a long text is cut (a 1 MB cell would fill every message)."""
    if isinstance(value, str) and len(value) > 80:
        return value[:80] + f"… ({len(value):,} characters)"
    return value


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


_MARKS = "$€£¥₹₩₽₺₪₫฿"
_CELL_SYMBOL = re.compile(rf"([A-Z]{{0,2}})([{_MARKS}])")
# No capital letter and no mark but '$': a cell that names no currency, or only a bare '$' (most CRM amounts).
_AT_MOST_A_DOLLAR = rf"[^A-Z{_MARKS.replace('$', '')}]*"
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
    texts = pd.Series(uniques, dtype="str")
    plain = texts.str.fullmatch(_AT_MOST_A_DOLLAR).to_numpy(dtype=bool)
    dollar = texts.str.contains("$", regex=False).to_numpy(dtype=bool)
    named: list[str | None] = [BARE_DOLLAR if d else None for d in (plain & dollar).tolist()]
    reasons: list[str] = [""] * len(uniques)
    bad = np.zeros(len(uniques), dtype=bool)
    for i in np.flatnonzero(~plain).tolist():  # the regexes only where a code or another mark may be
        code, reason = _named_currency(str(uniques[i]))
        named[i] = code
        reasons[i] = reason or ""
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

_TIME = (r"(?:[T ]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<sec>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[AaPp][Mm])?"
         r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?")
# The forms a date is accepted in, each naming its parts. A text in none of them is not a date: pandas and dateutil
# read far more ('2026/03' as March 1st, 'soon' with fuzzy rules), and would silently swap day and month where a
# column's form says they cannot be swapped, so they get the parts, never the text.
_FORMS = (
    r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})",  # ISO: year first
    r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})",  # dd/mm/yyyy or mm/dd/yyyy
    r"(?P<day>\d{1,2})[\s-]+(?P<name>[A-Za-z]{3,9})\.?[\s,-]+(?P<year>\d{4})",  # 31 Mar 2026
    r"(?P<name>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})",  # March 31st, 2026
)
_NUMERIC = 1
_PARTS = ["year", "month", "day", "a", "b", "name", "hour", "minute", "sec", "ampm", "tz"]
# English month names and abbreviations from the CLDR (Babel), and 'Sept', which people write too.
_MONTHS = {n.lower(): m for w in ("wide", "abbreviated") for m, n in get_month_names(w, locale="en").items()}
_MONTHS["sept"] = 9
DATE_ACCEPTED = "accepted: 2026-03-31, 31/03/2026, 03/31/2026, 31.03.2026, 31 Mar 2026"
_FIRST_DATE, _LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2199-12-31 23:59:59")
_OUT_OF_RANGE = "is outside the dates accepted (years 1900 to 2199)"
_BAD_OFFSET = "has the UTC offset {}, which no place uses; offsets run from -12:00 to +14:00"


def _date_parts(texts: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """The parts of each text (_PARTS, as text or NaN) in the first of _FORMS it matches, and that form's number
    (-1: none; no date is written in more than 64 characters)."""
    parts = pd.DataFrame(np.nan, index=texts.index, columns=_PARTS, dtype=object)
    form = np.full(len(texts), -1)
    short = (texts.str.len() <= 64).to_numpy(dtype=bool)
    for number, pattern in enumerate(_FORMS):
        todo = (form == -1) & short
        found = texts[todo].str.extract(f"^{pattern}{_TIME}$")
        hit = found["year"].notna()
        rows = hit.index[hit]
        columns = [c for c in _PARTS if c in found.columns]
        parts.loc[rows, columns] = found.loc[rows, columns]
        form[np.flatnonzero(todo)[hit.to_numpy(dtype=bool)]] = number
    return parts, form


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _timestamps(year: np.ndarray, month: np.ndarray, day: np.ndarray, parts: pd.DataFrame,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(naive UTC datetime64[ns] or NaT where no such day or time exists, an offset no place uses, outside the years
    accepted) from the parts: pandas assembles and checks the dates and times, and the offsets move them to UTC."""
    hour, minute, sec = (np.nan_to_num(_numbers(parts[c])) for c in ("hour", "minute", "sec"))
    ampm = parts["ampm"].str.lower().to_numpy(dtype=object)
    twelve = pd.notna(ampm)
    real = ((year >= 1) & ~np.isnan(month) & ~np.isnan(day) & (hour <= 23) & (minute <= 59) & (sec <= 59)
            & (~twelve | ((hour >= 1) & (hour <= 12))))  # pandas would carry 24:00 into the next day
    hour = np.where(twelve, hour % 12 + np.where(ampm == "pm", 12, 0), hour)
    offset = parts["tz"].str.extract(r"(?P<sign>[+-])(?P<h>\d\d):?(?P<m>\d\d)")  # 'Z' and none: UTC
    hours, minutes = _numbers(offset["h"]), _numbers(offset["m"])
    bad_offset = (minutes >= 60) | (hours * 60 + minutes > 14 * 60)
    shift = np.where(offset["sign"] == "-", -1, 1) * np.nan_to_num(hours * 60 + minutes) * ~bad_offset
    # Years far outside the range are checked as a year of the same leap-ness, then refused for their year: pandas
    # before 3 holds no date before 1677 and would call them not real.
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    beyond = (year < 1899) | (year > 2200)
    fields = {"year": np.where(beyond, np.where(leap, 2000, 2001), year), "month": month, "day": day,
              "hour": hour, "minute": minute, "second": sec}
    written = pd.DataFrame({k: np.where(real, v, np.nan) for k, v in fields.items()})
    stamps = pd.to_datetime(written, errors="coerce") - pd.to_timedelta(shift, unit="m")
    values = stamps.to_numpy(dtype="datetime64[ns]")
    first, last = _FIRST_DATE.to_datetime64(), _LAST_DATE.to_datetime64()
    outside = ~np.isnat(values) & (beyond | (values < first) | (values > last))
    return values, bad_offset & ~np.isnat(values), outside


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
    texts = pd.Series([ascii_digits(str(u).strip()) for u in uniques], dtype=object)
    counts = np.bincount(codes[codes >= 0], minlength=len(texts))
    parts, form = _date_parts(texts)
    numeric = form == _NUMERIC
    a, b = _numbers(parts["a"]), _numbers(parts["b"])
    day_shaped, month_shaped = numeric & (a > 12) & (b <= 12), numeric & (b > 12) & (a <= 12)
    day_rows, month_rows = int(counts[day_shaped].sum()), int(counts[month_shaped].sum())
    conflict = np.zeros(len(texts), dtype=bool)
    note: str | None = None
    use_dayfirst = day_rows >= month_rows if dayfirst is None else dayfirst
    chosen, other = ("dd/mm/yyyy", "mm/dd/yyyy") if use_dayfirst else ("mm/dd/yyyy", "dd/mm/yyyy")
    if dayfirst is None:
        ambiguous = texts[numeric & (a <= 12) & (b <= 12) & (a != b)]
        if day_rows and month_rows:
            conflict = month_shaped if use_dayfirst else day_shaped
            note = (f"Column '{column}': dates are written both as dd/mm/yyyy and mm/dd/yyyy; read as {chosen} "
                    "(the majority). Set a date format in the mapping file to change it.")
        elif not day_rows and not month_rows and len(ambiguous):
            note = (f"Column '{column}': dates like {ambiguous.iat[0]} are ambiguous (dd/mm or mm/dd); read as "
                    "dd/mm/yyyy. Set a date format in the mapping file to change it.")

    year = _numbers(parts["year"])
    year = np.where(parts["year"].str.len() == 2, np.where(year < 70, 2000 + year, 1900 + year), year)
    month = np.where(numeric, b if use_dayfirst else a, _numbers(parts["month"]))
    month = np.where(parts["name"].notna(), _numbers(parts["name"].str.lower().map(_MONTHS)), month)
    day = np.where(numeric, a if use_dayfirst else b, _numbers(parts["day"]))
    values, bad_offset, outside = _timestamps(year, np.where(conflict, np.nan, month), day, parts)

    why = "the mapping file sets it" if dayfirst is not None else "the form this column uses"
    blank = (texts == "").to_numpy(dtype=bool)
    bad = ~blank & (np.isnat(values) | bad_offset | outside)
    reasons = np.where(form == -1, f"is not a date ({DATE_ACCEPTED})",
                       np.where(numeric, f"is not a real date when read as {chosen} ({why})",
                                "is not a real date (no such day or month)")).astype(object)
    reasons[outside] = _OUT_OF_RANGE
    for i in np.flatnonzero(bad_offset).tolist():
        reasons[i] = _BAD_OFFSET.format(parts["tz"].iat[i])
    reasons[conflict] = (f"reads only as {other} but most dates in this column are {chosen}; use one date "
                         "format per column (ISO 2026-03-31 is never ambiguous)")
    values[bad] = np.datetime64("NaT", "ns")
    stamps = np.append(values, np.datetime64("NaT", "ns"))[codes]
    result = pd.Series(stamps, index=series.index, name=series.name, dtype="datetime64[ns]")
    return result, _problems(series, codes, bad, column, reasons.tolist()), note
