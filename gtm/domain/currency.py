"""Currencies: ISO 4217 codes, their symbols, and converting amounts to the reporting currency.

A rate is how many units of the reporting currency one unit of a currency is worth (EUR 1.08 in a USD portfolio).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

DEFAULT_REPORTING = "USD"

# Symbols written in front of amounts on pages (a code without one is written as its code: "CHF 1.2M").
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩", "RUB": "₽", "TRY": "₺",
           "ILS": "₪", "VND": "₫", "THB": "฿"}

# What a symbol in a cell names. "$" is ambiguous (US, Canadian, Australian … dollars): read as USD, with a note.
SYMBOL_CODES = {mark: code for code, mark in SYMBOLS.items()}

# Codes people write; any other three capital letters are accepted as a code too (ISO 4217 has about 180).
COMMON_CODES = ("USD", "EUR", "GBP", "CHF", "JPY", "CNY", "INR", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK",
                "HUF", "BRL", "MXN", "ZAR", "SGD", "HKD", "KRW", "NZD", "TRY", "ILS", "AED", "SAR", "RUB", "THB",
                "VND")
_CODE = re.compile(r"^[A-Z]{3}$")
CODE_ACCEPTED = "accepted: a three-letter ISO 4217 code such as " + ", ".join(COMMON_CODES[:6])


def parse_code(text: object) -> str | None:
    """An ISO 4217 code from what people write (' eur ', '€'), or None if it is not one."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    s = str(text).strip()
    if s in SYMBOL_CODES:
        return SYMBOL_CODES[s]
    s = s.upper()
    return s if _CODE.match(s) else None


def symbol(code: str | None) -> str:
    """'$' for USD, '€' for EUR … and the code itself for the others ('CHF')."""
    code = (code or DEFAULT_REPORTING).upper()
    return SYMBOLS.get(code, code)


@dataclass(frozen=True)
class Converted:
    """Amounts in the reporting currency, and the currencies (with row counts) that had no rate."""

    values: pd.Series
    missing: dict[str, int]

    @property
    def unconverted(self) -> int:
        """How many amounts could not be converted (NaN in ``values``)."""
        return sum(self.missing.values())


def convert(values: pd.Series, currencies: pd.Series, reporting: str, rates: dict[str, float]) -> Converted:
    """``values`` in ``reporting``: times the rate of each row's currency (1 for the reporting currency or none).

    A currency without a rate gives NaN, counted in ``missing``; never a silent 1:1.
    """
    codes = currencies.astype(object).where(currencies.notna(), reporting).astype(str)
    table = {**{str(k).upper(): float(v) for k, v in rates.items()}, reporting: 1.0}
    factor = codes.map(table).astype(float)
    lacking = factor.isna()
    missing = {str(k): int(v) for k, v in codes[lacking].value_counts().sort_index().items()}
    return Converted(pd.Series(values.astype(float).to_numpy() * factor.to_numpy(), index=values.index,
                               name=values.name), missing)


def rebase(rates: dict[str, float], old: str, new: str) -> dict[str, float] | None:
    """The same rates against a new reporting currency, or None when ``new`` has no rate in ``rates``."""
    if new == old:
        return dict(rates)
    base = rates.get(new)
    if base is None or not base > 0:
        return None
    out = {code: rate / base for code, rate in rates.items() if code != new}
    out[old] = 1.0 / base
    return dict(sorted(out.items()))

