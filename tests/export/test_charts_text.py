"""Text from the data in chart hovers shows as the characters it holds: no markup acts, no entity shows."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from gtm.domain import portfolio
from gtm.domain.matrix import default_matrix
from gtm.export import charts

PAYLOADS = ['<b>x</b>', '<script>alert(1)</script>', '"quoted"', "O'Brien & Sons", "https://evil.example",
            '<a href="https://evil.example">click</a>', "&lt;b&gt; already escaped", "5 < 6 > 4", "P&L &mu; &#65;"]

# Plotly.js (the PlotlyChart bundle Streamlit ships) splits hover text on tags, then turns these entities and
# numeric references back into characters in the text between them; the rest of a '&…;' stays as written.
_ENTITIES = {"mu": "\u03bc", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "\xd7", "plusmn": "\xb1",
             "deg": "\xb0"}
_TAG = re.compile(r"(<[^<>]*>)")
_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name.startswith("#"):
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _ENTITIES.get(name, match.group(0))


def plotly_shows(hover: str) -> tuple[str, list[str]]:
    """What a person reads in a Plotly hover, and the tags Plotly would act on."""
    parts = _TAG.split(hover)
    return "".join(_ENTITY.sub(_entity, p) for p in parts if not _TAG.fullmatch(p)), [p for p in parts if
                                                                                     _TAG.fullmatch(p)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hover_text_shows_the_characters_and_acts_on_no_tag(payload: str) -> None:
    shown, tags = plotly_shows(charts.hover_text(payload))
    assert shown == payload
    assert tags == []


def test_the_account_matrix_hovers_show_names_as_written() -> None:
    opps = pd.DataFrame({
        "opportunity_id": [f"O{i}" for i in range(len(PAYLOADS))], "account_id": "A", "name": PAYLOADS,
        "nature": "turnkey", "approach": "market_bu", "value": 1000.0, "probability": None,
    })
    assessed = portfolio.assess_portfolio(opps, default_matrix())
    fig = charts.account_matrix(assessed, default_matrix(), "market_bu")
    hovers = [(trace.hovertemplate, row) for trace in fig.data if trace.customdata is not None
              for row in trace.customdata]
    assert len(hovers) == len(PAYLOADS)
    names = []
    for template, row in hovers:
        text = re.sub(r"%\{customdata\[(\d)\]\}", lambda m, row=row: str(row[int(m.group(1))]), template)
        shown, tags = plotly_shows(text.replace("<extra></extra>", ""))
        assert set(tags) <= {"<b>", "</b>", "<br>"}  # only the chart's own markup
        names.append(shown.split("$")[0])
    assert sorted(names) == sorted(PAYLOADS)
    assert not any("&quot;" in str(row[0]) for _, row in hovers)


def test_the_account_matrix_under_the_recommendation_says_the_fit_at_the_row_shown() -> None:
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2"], "account_id": "A", "name": ["Line <b>one</b>", "Two"],
                         "nature": ["turnkey", "info_exchange"], "approach": "traditional_sales",
                         "value": [1000.0, 200.0], "probability": [50.0, None]})
    assessed = portfolio.assess_portfolio(opps, default_matrix())
    under = portfolio.fit_under(assessed, "common_front_end", default_matrix())
    fig = charts.account_matrix(under, default_matrix(), "common_front_end", shown="recommended")
    rows = {str(row[0]): row for trace in fig.data if trace.customdata is not None for row in trace.customdata}
    assert set(rows) == {charts.hover_text("Line <b>one</b>"), "Two"}
    assert {round(y) for trace in fig.data if trace.customdata is not None for y in trace.y} == {5}
    assert rows["Two"][1] == "$200 · $200 expected value"  # no probability: the amount alone
    assert rows["Two"][2] == ("▲ Likely overkill at <b>Common front-end sales force across all/most product groups "
                              "(★ recommended)</b>, 4 steps above the band")
    assert rows[charts.hover_text("Line <b>one</b>")][2].endswith("(★ recommended)</b>, inside the band")
    assert fig.layout.legend.title.text == "Fit under the ★ recommended structure:"
    today = charts.account_matrix(assessed, default_matrix(), "common_front_end")
    assert today.layout.legend.title.text == "Fit under the current structure:"
    assert any(str(row[2]).startswith("▼ Likely insufficient at <b>Traditional sales representatives and "
                                      "distributors</b>, 5 steps below") for t in today.data if t.customdata is not None
               for row in t.customdata)
