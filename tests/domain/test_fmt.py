"""Formatting helpers."""

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from gtm.domain.fmt import count, money, money_column, moneys, plain, plural, share, shares


def test_money_is_compact() -> None:
    assert [money(x) for x in (950, 1_500, 2_340_000, 7_500_000_000)] == ["$950", "$1.5k", "$2.3M", "$7.5B"]


@given(st.lists(st.floats(allow_infinity=False) | st.sampled_from([999.5, 1e3, 999_999.9, 1e6, 1e9, -1e3, math.nan])),
       st.sampled_from(["USD", "EUR", "CHF", "JPY"]))
def test_moneys_formats_each_amount_as_money_does(amounts: list[float], currency: str) -> None:
    assert moneys(amounts, currency) == [money(x, currency) for x in amounts]


def test_plain_escapes_everything_markdown_html_or_latex_would_act_on() -> None:
    assert plain("<img src=x onerror=alert(1)>") == r"\<img src\=x onerror\=alert\(1\)\>"
    assert plain("$1M to $2M") == r"\$1M to \$2M"  # two dollars would start LaTeX
    assert plain("**x** [a](javascript:b) :rocket:") == r"\*\*x\*\* \[a\]\(javascript\:b\) \:rocket\:"
    assert plain("Müller Anlagenbau GmbH") == "Müller Anlagenbau GmbH"


def test_plain_keeps_lines_but_never_makes_headings_or_code_blocks() -> None:
    assert plain("Title\n===") == "Title  \n\\=\\=\\="
    assert plain("    not code") == "not code"


def test_plain_shows_web_and_email_addresses_as_code_never_as_links() -> None:
    # GFM links bare addresses after escapes are resolved; a code span never links and shows the text as written.
    assert plain("see https://evil.example now") == "see `https://evil.example` now"
    assert plain("WWW.evil.example") == "`WWW.evil.example`"
    assert plain("mail fay.chen@example.com today") == "mail `fay.chen@example.com` today"
    assert plain("http://x.example/a`b") == "``http://x.example/a`b``"  # a fence longer than any backtick run
    assert plain("https://x.example/`") == "`` https://x.example/` ``"
    assert plain("<b>x</b> at http://x.example") == r"\<b\>x\</b\> at `http://x.example`"


def test_a_share_reads_with_one_precision_everywhere() -> None:
    # The same share read 5% on the Portfolio page and 5.3% on the Matrix page: one decimal, a trailing .0 dropped.
    assert [share(x) for x in (0.053, 0.05, 0.5, 1.0, 0.0, 0.0004, 0.9996)] == \
        ["5.3%", "5%", "50%", "100%", "0%", "0%", "100%"]
    assert share(-0.00001) == "0%"  # never "-0%"


@given(st.lists(st.floats(min_value=-2, max_value=2, allow_nan=False)))
def test_shares_formats_each_value_as_share_does(values: list[float]) -> None:
    assert shares(pd.Series(values, dtype=float)).tolist() == [share(x) for x in values]


def test_counts_say_one_thing_in_the_singular_and_others_in_the_plural() -> None:
    assert [count(n, "account") for n in (0, 1, 2, 1234)] == ["0 accounts", "1 account", "2 accounts", "1,234 accounts"]
    assert [count(n, "opportunity") for n in (1, 7375)] == ["1 opportunity", "7,375 opportunities"]
    assert count(3, "match") == "3 matches" and count(2, "BU") == "2 BUs" and count(1, "BU") == "1 BU"
    assert count(2, "person", "people") == "2 people" and plural(1, "person", "people") == "person"
    assert plural(2, "has", "have") == "have" and plural(1, "has", "have") == "has"


EDGES = [0.0, -0.0, 0.4, 0.5, 0.6, 1.5, 2.5, -0.5, -0.6, 999.4, 999.5, 999.6, 1_000.0, 999_949.0, 999_950.0,
         999_951.0, 999_999.9, 1e6, 1.05e6, 1.15e6, 1.25e6, 2.675e6, 1e9, 999.95e9, 1e12, 1e15, 1e300, math.nan,
         math.inf, -1e3, -1_234.5, 1_150.0, 1_250.0, 1_050.0, 5e-324]


@given(st.lists(st.floats(allow_infinity=False, min_value=-1e13, max_value=1e13) | st.sampled_from(EDGES)
                | st.integers(0, 10**8).map(lambda n: n / 10), min_size=64, max_size=400),
       st.sampled_from(["USD", "EUR", "CHF"]))
def test_many_amounts_are_written_at_once_as_money_writes_each(amounts: list[float], currency: str) -> None:
    # From 64 amounts on, moneys writes whole arrays of digits: the same text as money, ties and separators included.
    assert moneys(amounts, currency) == [money(x, currency) for x in amounts]
    assert money_column(pd.Series(amounts), currency).tolist() == [money(x, currency) for x in amounts]


@given(st.lists(st.floats(min_value=-2, max_value=2, allow_nan=False) | st.sampled_from([0.0005, 0.00049, 0.125, 1e12,
                                                                                            math.nan]),
                min_size=64, max_size=400))
def test_a_long_column_of_shares_reads_as_each_share(values: list[float]) -> None:
    assert shares(pd.Series(values, dtype=float)).tolist() == [share(x) for x in values]
