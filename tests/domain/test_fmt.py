"""Formatting helpers."""

import math

from hypothesis import given
from hypothesis import strategies as st

from gtm.domain.fmt import money, moneys, plain


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
