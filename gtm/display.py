"""Words and symbols have one home: every label, fit symbol, money or month format, minus sign and "who may do
this" sentence that a page, an export or the hand-out shows is made here, from the vocabulary (data/vocabulary.json)
and the permission rules (gtm.domain.permissions.RULES), never typed again.

It sits between the domain and the layers that show things (export, services, pages): the domain's own "why"
sentences format with ``gtm.domain.fmt``, which this module re-exports, so a page needs one import.
"""

from __future__ import annotations

import math

from gtm.domain import vocabulary as vocab
from gtm.domain.currency import SYMBOLS, symbol
from gtm.domain.fmt import MINUS, count, money, money_column, moneys, plain, plural, share, shares
from gtm.domain.permissions import ROLE_LABELS, RULES, Action, Role
from gtm.domain.vocabulary import Fit

__all__ = [
    "CHECK",
    "CROSS",
    "DOWN",
    "FIT_SYMBOLS",
    "MINUS",
    "NOT_DIAGNOSED",
    "SYMBOLS",
    "UP",
    "approach_label",
    "count",
    "first_upper",
    "fit_badge",
    "fit_label",
    "may",
    "metric_delta",
    "money",
    "money_column",
    "moneys",
    "months",
    "nature_label",
    "payback",
    "plain",
    "plural",
    "role_label",
    "roles_allowed",
    "share",
    "shares",
    "signed",
    "signed_money",
    "structure_label",
    "symbol",
]

# ---------------------------------------------------------------------------------------------- symbols
UP, DOWN, CHECK, CROSS = "▲", "▼", "✓", "✗"
FIT_SYMBOLS: dict[str, str] = {Fit.REALISTIC: CHECK, Fit.OVERKILL: UP, Fit.INSUFFICIENT: DOWN}
NOT_DIAGNOSED = "– not yet diagnosed"  # a fit badge where no fit is known


# ---------------------------------------------------------------------------------------------- labels
def nature_label(code: str) -> str:
    """A nature's label in data/vocabulary.json."""
    return vocab.NATURES.label(code)


def approach_label(code: str) -> str:
    """An approach's label in data/vocabulary.json."""
    return vocab.APPROACHES.label(code)


def structure_label(code: str, short: bool = False) -> str:
    """A structure's (an approach's) label, or its short label (the chart axes' and the page tables')."""
    term = vocab.APPROACHES.term(code)
    return term.short_label if short else term.label


def fit_label(fit: str) -> str:
    """What people read for a fit: its label in data/vocabulary.json, e.g. 'Likely overkill'."""
    return vocab.FITS.label(fit)


def fit_badge(fit: str | None) -> str:
    """Symbol and words of a fit, e.g. '▼ Likely insufficient'."""
    if fit is None or fit not in FIT_SYMBOLS:
        return NOT_DIAGNOSED
    return f"{FIT_SYMBOLS[fit]} {fit_label(fit)}"


# ---------------------------------------------------------------------------------------------- amounts and months
def signed_money(x: float, currency: str) -> str:
    """A change of money with its sign: +$1.2M, −$350.0k, $0."""
    if round(x) == 0:
        return money(0.0, currency)
    return ("+" if x > 0 else MINUS) + money(abs(x), currency)


def signed(x: float, digits: int = 0) -> str:
    """A change with its sign: +3, −1,200, 0 (``digits`` decimals)."""
    if round(x, digits) == 0:
        return f"{0:.{digits}f}"
    return ("+" if x > 0 else MINUS) + f"{abs(x):,.{digits}f}"


def metric_delta(text: str) -> str:
    """A change as st.metric's delta: Streamlit reads a leading hyphen as "down", so a leading minus sign becomes
    one (the only place a negative figure is written with a hyphen)."""
    return "-" + text[1:] if text.startswith(MINUS) else text


def months(m: float) -> int:
    """Months as people count them here: whole months, rounded up."""
    return math.ceil(m - 1e-9)


def payback(m: float | None, moved: bool = True, horizon_years: int | None = None) -> str:
    """A payback as people read it: "no move", "at once", "in 14 months", "in 40 months (after the 3-year
    horizon)" (only when ``horizon_years`` is given), "never"."""
    if not moved:
        return "no move"
    if m is None or math.isnan(m):
        return "never"
    if m <= 0:
        return "at once"
    text = f"in {months(m):,} months"
    after = horizon_years is not None and m > 12 * horizon_years
    return text + (f" (after the {horizon_years}-year horizon)" if after else "")


# ---------------------------------------------------------------------------------------------- who may do this
def role_label(role: Role) -> str:
    """A role's name: 'Workshop facilitator'."""
    return ROLE_LABELS[role]


def _many(label: str) -> str:
    # "Sales leader" -> "sales leaders"; "BU head" keeps its capitals -> "BU heads".
    return (label if label[1:2].isupper() else label[:1].lower() + label[1:]) + "s"


def roles_allowed(action: Action) -> str:
    """The roles allowed ``action``, in words from the permission rules, in the roles' order: "sales leaders,
    workshop facilitators and administrators"."""
    names = [_many(ROLE_LABELS[r]) for r in Role if r in RULES[action]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def first_upper(text: str) -> str:
    """``text`` with its first letter a capital (str.capitalize would lower "BU heads")."""
    return text[:1].upper() + text[1:]


def may(action: Action, what: str) -> str:
    """A sentence saying who may do ``what``: may(Action.EDIT_PLAN, "Editing and saving the plan") is "Editing and
    saving the plan is for workshop facilitators and administrators."."""
    return f"{what} is for {roles_allowed(action)}."
