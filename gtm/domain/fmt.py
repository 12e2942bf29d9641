"""Formatting shared by the rationales, the charts and the pages."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from gtm.domain.currency import DEFAULT_REPORTING, symbol


def money(x: float, currency: str = DEFAULT_REPORTING) -> str:
    """$1.2M-style amounts in ``currency``: €1.2M, £350k, CHF 1.2M (a code without a symbol, then a space)."""
    return moneys([float(x)], currency)[0]


def moneys(values: Iterable[float], currency: str = DEFAULT_REPORTING) -> list[str]:
    """``money`` for many amounts at once, the same text for each (a portfolio's rationales format 300,000)."""
    mark = symbol(currency)
    prefix = mark if len(mark) == 1 else mark + " "
    out = []
    for x in values:
        a = abs(x)
        # A negative amount (a saving, a loss) reads -$170.0M, its sign before the currency.
        sign = "-" if x < 0 and round(a) > 0 else ""
        if a >= 1e9:
            out.append(f"{sign}{prefix}{a / 1e9:,.1f}B")
        elif a >= 1e6:
            out.append(f"{sign}{prefix}{a / 1e6:,.1f}M")
        elif a >= 1e3:
            out.append(f"{sign}{prefix}{a / 1e3:,.1f}k")
        else:
            out.append(f"{sign}{prefix}{a:,.0f}")
    return out


def share(x: float) -> str:
    """A share of a whole as people read it everywhere: one decimal, a trailing ".0" dropped (5.3%, 50%, 0.4%)."""
    return str(shares(pd.Series([float(x)])).iloc[0])


def shares(values: pd.Series) -> pd.Series:
    """``share`` for a whole column at once (a portfolio's 100,000 rationales): text with the same index."""
    points = (pd.to_numeric(values, errors="coerce").astype(float) * 100).round(1)
    points = points.where(points != 0, 0.0)  # -0.0 reads 0
    text = points.astype(str).str.removesuffix(".0")
    return text.where(np.isfinite(points), "not known") + np.where(np.isfinite(points), "%", "")


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
