"""Amount cells keep the currency they name: symbols and ISO codes, before or after the number."""

from __future__ import annotations

import math

import pandas as pd

from gtm.ingest.cells import BARE_DOLLAR, parse_money


def test_each_cell_names_its_currency_and_keeps_its_value() -> None:
    cells = pd.Series(["1.250.000,00 €", "€ 980,50", "£40,000.00", "¥1,200", "₹ 500,000", "CHF 80'000",
                       "12 500 SEK", "(1,200) USD", "US$ 20", "C$1,000.00", "1234.50", ""])
    out = parse_money(cells, "Amount")
    assert list(out.named) == ["EUR", "EUR", "GBP", "JPY", "INR", "CHF", "SEK", "USD", "USD", "CAD", None, None]
    assert out.values[0] == 1_250_000.0 and out.values[1] == 980.5 and out.values[5] == 80_000.0
    assert out.values[7] == -1200.0 and out.values[9] == 1000.0 and math.isnan(out.values[11])


def test_a_bare_dollar_is_flagged_not_silently_read_as_us_dollars() -> None:
    out = parse_money(pd.Series(["$1,234.50", "USD $5"]), "Amount")
    assert list(out.named) == [BARE_DOLLAR, "USD"]  # the code says which dollar
    assert out.values[0] == 1234.5


def test_a_cell_naming_two_currencies_or_none_readable_is_a_problem_with_row_column_value() -> None:
    out = parse_money(pd.Series(["EUR $5", "TBD", "12"], index=[2, 3, 4]), "Amount")
    problems = {(p.row, p.column, p.value): p.reason for p in out.problems}
    assert "more than one currency" in problems[(2, "Amount", "EUR $5")]
    assert "is not an amount" in problems[(3, "Amount", "TBD")]
    assert list(out.named) == [None, None, None]  # 'TBD' is not a currency code
    assert out.values[2] == 12.0
