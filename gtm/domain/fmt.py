"""Formatting shared by the rationales, the charts and the pages."""

from __future__ import annotations

from gtm.domain.currency import DEFAULT_REPORTING, symbol


def money(x: float, currency: str = DEFAULT_REPORTING) -> str:
    """$1.2M-style amounts in ``currency``: €1.2M, £350k, CHF 1.2M (a code without a symbol, then a space)."""
    x = float(x)
    mark = symbol(currency)
    prefix = mark if len(mark) == 1 else mark + " "
    for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{prefix}{x / div:,.1f}{unit}"
    return f"{prefix}{x:,.0f}"


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>$~:=")


def plain(text: object) -> str:
    """Text safe to place inside Markdown: every character Markdown, HTML or LaTeX would act on is escaped."""
    # Leading spaces would start a code block; every line break is kept as a line break.
    lines = (line.lstrip() for line in str(text).splitlines() or [""])
    return "  \n".join("".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in line) for line in lines)
