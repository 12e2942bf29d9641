"""Charts legible from the back of the room (issue 23, part 2, item 4): charts.legible() lifts every text of a figure
to the floor and colours what had no colour; the matrices are built at the floor already, so that legible() leaves
them as they are (and costs nothing). tests/browser/test_chart_legibility.py measures the same in Chromium."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from chart_text import inline_sizes, smaller_than  # tests/chart_text.py (rootdir-relative, no package)

from gtm.domain import portfolio
from gtm.domain import vocabulary as vocab
from gtm.domain.matrix import default_matrix
from gtm.export import charts

FLOORS = [charts.SCREEN_TEXT_PX, charts.PRESENT_TEXT_PX]


def _spec(fig: go.Figure) -> dict[str, Any]:
    """The figure as the browser gets it (JSON)."""
    return dict(json.loads(fig.to_json()))


def _cells() -> pd.DataFrame:
    return pd.DataFrame([(n, a, 3, 1e6) for n in vocab.NATURES.codes for a in vocab.APPROACHES.codes],
                        columns=["nature", "approach", "count", "value"])


def _account() -> pd.DataFrame:
    opps = pd.DataFrame({"opportunity_id": ["O1", "O2"], "account_id": "A", "name": ["Turbines", "Spares"],
                         "nature": ["turnkey", "qualification"], "approach": "traditional_sales",
                         "value": [5e6, 2e4], "probability": None})
    return portfolio.assess_portfolio(opps, default_matrix())


def test_text_on_takes_the_colour_that_reads_better() -> None:
    for fill in ["#FFFFFF", "#B8BDC2", "#2F6DB5", "#C44E29", "#4A5058", "#0072B2", "#1B1F24", *charts.FIT_TINTS.values()]:
        chosen = charts.text_on(fill)
        assert chosen in (charts.TEXT, charts.WHITE)
        assert charts.contrast(chosen, fill) == max(charts.contrast(charts.TEXT, fill), charts.contrast(charts.WHITE, fill))
    assert charts.text_on("#2F6DB5") == charts.WHITE and charts.text_on("#B8BDC2") == charts.TEXT
    assert round(charts.contrast("#000000", "#FFFFFF"), 2) == 21.0 and charts.contrast(charts.TEXT, charts.TEXT) == 1.0


@pytest.mark.parametrize("least", FLOORS)
def test_legible_lifts_every_small_text_and_colours_what_had_no_colour(least: float) -> None:
    fig = go.Figure(
        [go.Scatter(x=[1, 2], y=[1, 2], mode="text", text=["a", "b"], textfont={"size": 9}, name="points"),
         go.Bar(x=[3, 1], y=["one", "two"], orientation="h", text=["3", "1"], marker={"color": ["#2F6DB5", "#B8BDC2"]},
                name="bars"),
         go.Scatterpolar(r=[1, 2, 3], theta=["x", "y", "z"], name="radar")],
        layout={"font": {"size": 10}, "xaxis": {"tickfont": {"size": 11}}, "yaxis": {"title": {"text": "Y"}},
                "title": {"text": "Title", "font": {"size": 20, "color": "#123456"}}, "legend": {"font": {"size": 9}},
                "annotations": [{"text": "note", "font": {"size": 8}, "showarrow": False},
                                {"text": "kept", "font": {"size": 30, "color": "#654321"}, "showarrow": False}],
                "polar": {"radialaxis": {"tickfont": {"size": 11}}}})
    spec = _spec(charts.legible(fig, least))
    assert not smaller_than(spec, least), smaller_than(spec, least)
    layout = fig.layout
    assert layout.title.font.size == 20 and layout.title.font.color == "#123456"  # larger and chosen: kept
    assert layout.annotations[1].font.size == 30 and layout.annotations[1].font.color == "#654321"
    assert layout.annotations[0].font.color == charts.TEXT  # no colour chosen: the theme's text colour
    for font in (layout.font, layout.legend.font, layout.xaxis.tickfont, layout.yaxis.tickfont, layout.yaxis.title.font,
                 layout.polar.radialaxis.tickfont, layout.polar.angularaxis.tickfont, fig.data[0].textfont):
        assert font.size >= least and font.color == charts.TEXT, font
    bars = fig.data[1]
    # Inside a bar, the colour that reads on it (white on the blue, near-black on the grey); beside it, TEXT; and
    # Plotly may not shrink a bar's text below the floor to make it fit.
    assert list(bars.insidetextfont.color) == [charts.WHITE, charts.TEXT] and bars.outsidetextfont.color == charts.TEXT
    assert layout.uniformtext.minsize == least and layout.uniformtext.mode == "show"


@pytest.mark.parametrize("least", FLOORS)
@pytest.mark.parametrize("compact", [False, True])
def test_the_portfolio_matrix_is_built_at_the_floor_and_legible_leaves_it(least: float, compact: bool) -> None:
    undiagnosed = pd.DataFrame({"approach": ["lead_unit"], "count": [4], "value": [2e5]})
    fig = charts.portfolio_matrix(_cells(), default_matrix(), undiagnosed=undiagnosed, compact=compact, least=least,
                                  compare_with=default_matrix())
    spec = _spec(fig)
    assert not smaller_than(spec, least), smaller_than(spec, least)
    assert min(inline_sizes(spec)) >= 14  # the amounts under the counts: 14 px in every mode, as on the Portfolio
    assert _spec(charts.legible(fig, least)) == spec  # nothing to lift: nothing changed, nothing paid


@pytest.mark.parametrize("least", FLOORS)
def test_the_account_matrix_is_built_at_the_floor_and_legible_leaves_it(least: float) -> None:
    fig = charts.account_matrix(_account(), default_matrix(), "common_front_end", least=least)
    spec = _spec(fig)
    assert not smaller_than(spec, least), smaller_than(spec, least)
    assert _spec(charts.legible(fig, least)) == spec


def test_the_approaches_take_two_lines_at_most_so_the_natures_have_the_width() -> None:
    fig = charts.portfolio_matrix(_cells(), default_matrix(), least=charts.PRESENT_TEXT_PX)
    approaches = list(fig.data[0].y)
    assert [a.replace("<br>", " ") for a in approaches] == [t.short_label for t in vocab.APPROACHES.terms]
    assert max(a.count("<br>") for a in approaches) == 1
    natures = list(fig.data[0].x)
    assert max(n.count("<br>") for n in natures) == 1  # on two lines, as on the Portfolio page
