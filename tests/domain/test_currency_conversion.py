"""Currencies in the domain: codes, symbols, conversion to the reporting currency, money on pages."""

from __future__ import annotations

import math

import pandas as pd

from gtm.domain.currency import convert, parse_code, rebase, symbol
from gtm.domain.fmt import money


def test_codes_are_read_as_people_write_them() -> None:
    assert [parse_code(x) for x in (" eur ", "€", "£", "CHF", "usd", "$")] == ["EUR", "EUR", "GBP", "CHF", "USD", "USD"]
    assert [parse_code(x) for x in ("", None, float("nan"), "euro", "E U R", "12")] == [None] * 6


def test_money_shows_the_reporting_currency_never_a_hard_coded_dollar() -> None:
    assert money(1_250_000, "EUR") == "€1.2M"
    assert money(950, "GBP") == "£950"
    assert money(1_250_000, "CHF") == "CHF 1.2M"
    assert money(2_340_000) == "$2.3M"  # USD until a reporting currency is set
    assert symbol("JPY") == "¥" and symbol("SEK") == "SEK"


def test_conversion_multiplies_by_the_rate_and_leaves_no_rate_as_nan_with_a_count() -> None:
    values = pd.Series([100.0, 200.0, 300.0, 50.0, 10.0], index=[5, 6, 7, 8, 9])
    currencies = pd.Series(["EUR", "USD", "GBP", None, "GBP"], index=values.index)
    out = convert(values, currencies, "USD", {"EUR": 1.1})
    assert math.isclose(out.values.iloc[0], 110.0) and out.values.iloc[1] == 200.0 and out.values.iloc[3] == 50.0
    assert math.isnan(out.values.iloc[2]) and math.isnan(out.values.iloc[4])
    assert out.missing == {"GBP": 2} and out.unconverted == 2
    assert list(out.values.index) == [5, 6, 7, 8, 9]


def test_rates_are_rebased_when_the_reporting_currency_changes() -> None:
    # In USD: 1 EUR = 1.10 USD, 1 GBP = 1.32 USD. In EUR: 1 USD = 1/1.1 EUR, 1 GBP = 1.2 EUR.
    out = rebase({"EUR": 1.1, "GBP": 1.32}, "USD", "EUR")
    assert out is not None and set(out) == {"USD", "GBP"}
    assert math.isclose(out["USD"], 1 / 1.1) and math.isclose(out["GBP"], 1.2)
    assert rebase({"EUR": 1.1}, "USD", "CHF") is None  # CHF has no rate: nothing to rebase through
