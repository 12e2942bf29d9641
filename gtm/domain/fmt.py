"""Formatting shared by the rationales, the charts and the pages."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtm.domain.currency import DEFAULT_REPORTING, symbol

MINUS = "\u2212"  # the minus sign of a negative figure shown to people (a hyphen is for words); gtm.display says it


def money(x: float, currency: str = DEFAULT_REPORTING) -> str:
    """$1.2M-style amounts in ``currency``: €1.2M, £350k, CHF 1.2M (a code without a symbol, then a space)."""
    return _money(float(x), _prefix(currency))


def _prefix(currency: str) -> str:
    mark = symbol(currency)
    return mark if len(mark) == 1 else mark + " "


def _money(x: float, prefix: str) -> str:
    a = abs(x)
    # A negative amount (a saving, a loss) reads −$170.0M, its sign (U+2212, the one minus sign shown) before the
    # currency.
    sign = MINUS if x < 0 and round(a) > 0 else ""
    if a >= 1e9:
        return f"{sign}{prefix}{a / 1e9:,.1f}B"
    if a >= 1e6:
        return f"{sign}{prefix}{a / 1e6:,.1f}M"
    if a >= 1e3:
        return f"{sign}{prefix}{a / 1e3:,.1f}k"
    return f"{sign}{prefix}{a:,.0f}"


VECTOR_FROM = 64  # fewer amounts are formatted one by one: building arrays costs more than it saves


def moneys(values: Iterable[float], currency: str = DEFAULT_REPORTING) -> list[str]:
    """``money`` for many amounts at once, the same text for each (a portfolio's rationales format 300,000)."""
    prefix = _prefix(currency)
    x = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=float)
    if len(x) < VECTOR_FROM:
        return [_money(float(v), prefix) for v in x]
    texts: list[str] = _money_texts(x, prefix).to_pylist()
    return texts


def money_column(values: pd.Series, currency: str = DEFAULT_REPORTING) -> pd.Series:
    """``money`` of each value of a column, as a text column with the same index (Arrow strings: a portfolio's
    100,000 amounts never become Python strings one by one)."""
    prefix = _prefix(currency)
    x = values.to_numpy(dtype=float, na_value=np.nan)
    if len(x) < VECTOR_FROM:
        return pd.Series([_money(float(v), prefix) for v in x], index=values.index, dtype=str)
    return pd.Series(pd.arrays.ArrowStringArray(_money_texts(x, prefix)), index=values.index, dtype=str)


def _digits(numbers: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(numbers, type=pa.int64()), pa.string())


def _money_texts(x: np.ndarray, prefix: str) -> pa.Array:
    """``money`` of every amount, written from whole arrays of digits; one by one only where the rounding is a near
    tie (the text rounds the exact binary value, rint may not), a number needs a thousands separator (1,000 and up)
    or is not finite."""
    a = np.abs(x)
    with np.errstate(invalid="ignore"):
        unit = np.select([a >= 1e9, a >= 1e6, a >= 1e3], [1e9, 1e6, 1e3], 1.0)
        scaled = a / unit  # the same division as money's
        tenths = np.where(unit > 1, scaled * 10, scaled)  # one decimal above a thousand, none below
        whole = np.rint(tenths)
        odd = ~np.isfinite(tenths) | (np.abs(tenths - np.floor(tenths) - 0.5) < 1e-6) \
            | (whole >= np.where(unit > 1, 10_000, 1_000))
    digits = np.where(odd, 0, whole).astype(np.int64)
    decimal = unit > 1
    number = pc.if_else(pa.array(decimal),
                        pc.binary_join_element_wise(_digits(digits // 10), _digits(digits % 10), "."),
                        _digits(digits))
    sign = pc.if_else(pa.array((x < 0) & (np.round(a) > 0)), MINUS, "")
    suffix = pa.array(np.select([unit == 1e9, unit == 1e6, unit == 1e3], ["B", "M", "k"], ""), type=pa.string())
    text = pc.binary_join_element_wise(sign, prefix, number, suffix, "")
    if odd.any():
        where = np.flatnonzero(odd)
        text = pc.replace_with_mask(text, pa.array(odd), pa.array([_money(float(x[i]), prefix) for i in where]))
    return text


def share(x: float) -> str:
    """A share of a whole as people read it everywhere: one decimal, a trailing ".0" dropped (5.3%, 50%, 0.4%)."""
    points = float(np.round(float(x) * 100, 1))  # numpy's rounding, as ``shares``: Python's round differs at ties
    if not math.isfinite(points):
        return "not known"
    return str(points if points != 0 else 0.0).removesuffix(".0") + "%"  # -0.0 reads 0


def shares(values: pd.Series) -> pd.Series:
    """``share`` for a whole column at once (a portfolio's 100,000 rationales): text with the same index."""
    points = (pd.to_numeric(values, errors="coerce").astype(float) * 100).round(1)
    points = points.where(points != 0, 0.0)  # -0.0 reads 0
    finite = np.isfinite(points.to_numpy())
    if len(points) < VECTOR_FROM or (np.abs(points.to_numpy()[finite]) >= 1e15).any():
        text = points.astype(str).str.removesuffix(".0")
    else:
        # A value rounded to tenths reads as its tenths (str(12.3) is "12.3"): written from integers, not floats.
        tenths = np.rint(np.where(finite, points.to_numpy(), 0.0) * 10).astype(np.int64)
        size = np.abs(tenths)
        whole = pc.binary_join_element_wise(pc.if_else(pa.array(tenths < 0), "-", ""), _digits(size // 10), "")
        written = pc.if_else(pa.array(size % 10 > 0),
                             pc.binary_join_element_wise(whole, _digits(size % 10), "."), whole)
        text = pd.Series(pd.arrays.ArrowStringArray(written), index=points.index, dtype=str)
    return text.where(finite, "not known") + np.where(finite, "%", "")


def plural(n: int | float, word: str, many: str | None = None) -> str:
    """``word`` as said of ``n`` things: "account" for 1, "accounts" otherwise; regular English endings
    ("opportunity" → "opportunities", "match" → "matches"), or ``many`` for any other ("person", "people")."""
    if n == 1:
        return word
    if many is not None:
        return many
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def count(n: int | float, word: str, many: str | None = None) -> str:
    """``n`` with its word, thousands separated: "1 account", "7,375 opportunities" (``many`` as in ``plural``)."""
    number = f"{int(n):,}" if float(n).is_integer() else f"{n:,.1f}"
    return f"{number} {plural(n, word, many)}"


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>$~:=")
# GitHub-flavoured Markdown turns bare web and e-mail addresses into links after backslash escapes are resolved,
# so no escape stops it. A code span is Markdown's own way to say "literal": never a link, shown as written.
_AUTOLINKED = re.compile(r"(?:https?://|www\.)\S*|[-.\w+]+@[-\w]+(?:\.[-\w]+)+", re.IGNORECASE)


def _escaped(text: str) -> str:
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)


def _code_span(text: str) -> str:
    """``text`` as a code span: a fence longer than any run of backticks inside, padded when it touches one."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _plain_line(line: str) -> str:
    parts, last = [], 0
    for found in _AUTOLINKED.finditer(line):
        parts += [_escaped(line[last:found.start()]), _code_span(found.group())]
        last = found.end()
    return "".join(parts) + _escaped(line[last:])


def plain(text: object) -> str:
    """Text safe to place inside Markdown: every character Markdown, HTML or LaTeX would act on is escaped, and a
    web or e-mail address is shown as code, never as a link."""
    # Leading spaces would start a code block; every line break is kept as a line break.
    lines = (line.lstrip() for line in str(text).splitlines() or [""])
    return "  \n".join(_plain_line(line) for line in lines)
