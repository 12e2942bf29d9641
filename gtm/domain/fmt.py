"""Formatting shared by the rationales, the charts and the pages."""

from __future__ import annotations


def money(x: float) -> str:
    """$1.2M-style amounts."""
    x = float(x)
    for div, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"${x / div:,.1f}{unit}"
    return f"${x:,.0f}"


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>$~:=")


def plain(text: object) -> str:
    """Text safe to place inside Markdown: every character Markdown, HTML or LaTeX would act on is escaped."""
    # Leading spaces would start a code block; every line break is kept as a line break.
    lines = (line.lstrip() for line in str(text).splitlines() or [""])
    return "  \n".join("".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in line) for line in lines)
