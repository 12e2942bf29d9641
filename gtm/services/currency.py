"""Use cases of currencies: the reporting currency, the exchange rates, and the portfolio converted on read."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from gtm.domain import currency as cur
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.permissions import Action, Actor, require
from gtm.services import audit
from gtm.storage.repository import Store

REPORTING_KEY = "reporting_currency"
RATE_RANGE = (1e-6, 1e6)  # units of the reporting currency per unit: every real pair of currencies lies within
RATE_ACCEPTED = (f"accepted: a number from {RATE_RANGE[0]:g} to {RATE_RANGE[1]:,.0f}, e.g. 1.08 (units of the "
                 "reporting currency per unit)")


def reporting_currency(store: Store) -> str:
    """The currency every page shows amounts in ('USD' until someone sets it)."""
    value = store.setting(REPORTING_KEY)
    return cur.parse_code(value) or cur.DEFAULT_REPORTING


def exchange_rates(store: Store) -> pd.DataFrame:
    """currency, rate (units of the reporting currency per unit), updated_by, updated_at."""
    return store.exchange_rates()


def rates(store: Store) -> dict[str, float]:
    """The exchange rates as {code: rate}."""
    frame = store.exchange_rates()
    return {str(c): float(r) for c, r in zip(frame["currency"], frame["rate"])}


def _used_currencies(store: Store) -> pd.Series:
    """How many stored opportunities are in each currency (NULL: the reporting currency)."""
    opps = store.opportunities()
    return opps["currency"].dropna().astype(str).value_counts() if len(opps) else pd.Series(dtype="int64")


def set_reporting_currency(store: Store, actor: Actor, code: str) -> None:
    """Make ``code`` the reporting currency; stored rates are re-expressed against it (it needs a rate first)."""
    require(actor, Action.SET_CURRENCY)
    new = cur.parse_code(code)
    if new is None:
        raise InputError(f"{code!r} is not a currency code; {cur.CODE_ACCEPTED}.",
                         [Problem(None, "reporting currency", code, cur.CODE_ACCEPTED)])
    old = reporting_currency(store)
    if new == old:
        return
    current = rates(store)
    rebased = cur.rebase(current, old, new)
    foreign = [c for c in _used_currencies(store).index if c != new]
    if rebased is None:
        if foreign or current:
            raise InputError(
                f"Add an exchange rate for {new} first (how many {old} one {new} is worth): the stored amounts in "
                f"{', '.join(sorted({*foreign, old} - {new}))} and the other rates are converted through it.",
                [Problem(None, "currency", new, "has no exchange rate")])
        rebased = {}
    with store.transaction() as tx:
        store.put_setting(tx, REPORTING_KEY, new)
        store.replace_exchange_rates(tx, rebased, actor.name.strip())
        audit.log(store, tx, actor, "currency.reporting_set", new, previous=old, rates=rebased)


def _blank(value: Any) -> bool:
    """An empty cell of an edited table: None, NaN, pd.NA or only spaces."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))) or not str(value).strip()


def _validate(rows: Iterable[Mapping[str, Any]], reporting: str) -> tuple[dict[str, float], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, float] = {}
    seen: dict[str, int] = {}
    for i, row in enumerate(rows, start=1):
        raw_code, raw_rate = row.get("currency"), row.get("rate")
        blank_code, blank_rate = _blank(raw_code), _blank(raw_rate)
        if blank_code and blank_rate:
            continue
        code = None if blank_code else cur.parse_code(raw_code)
        if code is None:
            problems.append(Problem(i, "currency", raw_code, "is empty; say which currency the rate is for" if blank_code else
                                    f"is not a currency code; {cur.CODE_ACCEPTED}"))
            continue
        if code == reporting:
            problems.append(Problem(i, "currency", raw_code, f"is the reporting currency ({reporting}); its rate is "
                                                             "always 1, leave it out"))
            continue
        if code in seen:
            problems.append(Problem(i, "currency", raw_code, f"has a rate already (row {seen[code]}); keep one"))
            continue
        seen[code] = i
        try:
            rate = float(str(raw_rate).replace(",", ".")) if not isinstance(raw_rate, (int, float)) else float(raw_rate)
        except ValueError:
            rate = math.nan
        if blank_rate or not math.isfinite(rate) or not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
            problems.append(Problem(i, "rate", raw_rate, ("is empty; " if blank_rate else "is not a usable rate; ")
                                    + RATE_ACCEPTED))
            continue
        out[code] = rate
    return out, problems


def set_exchange_rates(store: Store, actor: Actor, rows: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Replace the exchange rates with ``rows`` (currency, rate); InputError names each bad row; returns what is stored.

    A rate still used by stored opportunities cannot be removed.
    """
    require(actor, Action.SET_CURRENCY)
    reporting = reporting_currency(store)
    table, problems = _validate(rows, reporting)
    used = _used_currencies(store)
    for code, n in used.items():
        if code != reporting and code not in table:
            problems.append(Problem(None, "currency", code, f"is the currency of {count(int(n), 'stored opportunity')}; "
                                    "its rate cannot be removed (change it instead)"))
    if problems:
        raise InputError.from_problems(f"{count(len(problems), 'exchange rate')} cannot be used; nothing was saved.",
                                       problems)
    with store.transaction() as tx:
        store.replace_exchange_rates(tx, dict(sorted(table.items())), actor.name.strip())
        audit.log(store, tx, actor, "currency.rates_set", reporting, rates=dict(sorted(table.items())))
    return table


def in_reporting_currency(store: Store, opportunities: pd.DataFrame) -> pd.DataFrame:
    """``value`` in the reporting currency; ``value_original`` and ``currency`` keep what the file said."""
    reporting = reporting_currency(store)
    original = opportunities["value"].astype(float)
    currencies = opportunities["currency"].astype(object).where(opportunities["currency"].notna(), reporting)
    converted = cur.convert(original, currencies, reporting, rates(store))
    out = opportunities.assign(value=converted.values, value_original=original, currency=currencies)
    out.attrs["unconverted"] = converted.missing
    return out
