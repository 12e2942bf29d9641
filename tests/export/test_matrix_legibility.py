"""The portfolio matrix reads on a projector and in greyscale: each fit its own lightness, value as strength,
text at 4.5:1 or more (WCAG AA for normal text)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from gtm.domain import portfolio
from gtm.domain.matrix import default_matrix
from gtm.domain.vocabulary import Fit
from gtm.export import charts

WHITE = "#FFFFFF"
MIN_CONTRAST = 4.5
# Fits are told apart in greyscale when the nearest ends of their ramps differ by at least 10 CIELAB L* units:
# about the step between two neighbouring swatches of a ten-step grey scale, plain on a dim projector.
MIN_LIGHTNESS_STEP = 10.0


def _luminance(colour: str) -> float:
    channels = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def _lightness(colour: str) -> float:
    """CIELAB L* of a colour, 0 (black) to 100 (white)."""
    y = _luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("fit", list(Fit))
@pytest.mark.parametrize("strength", [0.0, 0.25, 0.5, 0.75, 1.0])
def test_cell_text_reaches_4_5_to_1_at_every_strength(fit: Fit, strength: float) -> None:
    assert contrast(charts.FIT_TEXT[fit], charts.cell_colour(fit, strength)) >= MIN_CONTRAST


def test_labels_and_notes_reach_4_5_to_1_on_white() -> None:
    assert contrast(charts.TEXT, WHITE) >= MIN_CONTRAST
    fig = charts.portfolio_matrix(portfolio.cell_summary(pd.DataFrame(
        {"nature": ["turnkey"], "approach": ["market_bu"], "value": [1.0]})), default_matrix())
    assert fig.layout.xaxis.tickfont.color == fig.layout.yaxis.tickfont.color == charts.TEXT
    assert all(a.font.color == charts.TEXT for a in fig.layout.annotations)


def test_fits_are_apart_in_greyscale_whatever_the_value() -> None:
    ranges = {fit: sorted(_lightness(c) for c in charts.FIT_RAMPS[fit]) for fit in Fit}
    ordered = sorted(ranges.values())  # realistic darkest, insufficient, overkill lightest
    for darker, lighter in itertools.pairwise(ordered):
        assert lighter[0] - darker[1] >= MIN_LIGHTNESS_STEP


@pytest.mark.parametrize("fit", list(Fit))
def test_more_value_is_a_stronger_colour(fit: Fit) -> None:
    lightness = [_lightness(charts.cell_colour(fit, s)) for s in np.linspace(0, 1, 11)]
    assert all(a > b for a, b in itertools.pairwise(lightness))


def test_cells_are_shaded_by_value_within_their_fits_third() -> None:
    cells = pd.DataFrame({"nature": ["turnkey", "info_exchange", "info_exchange"],
                          "approach": ["traditional_sales", "traditional_sales", "market_bu"],
                          "value": [7.5e9, 42e6, 0.0]})
    grid = portfolio.cell_summary(cells.assign(count=1))  # every cell, with the three values above
    strength = charts.cell_strength(grid)
    assert strength.max() == pytest.approx(1.0) and strength.min() == 0.0
    assert 0 < strength[0, 0] < 0.2  # $42M beside $7.5B: faint, but not empty
    fig = charts.portfolio_matrix(grid, default_matrix())
    z = np.asarray(fig.data[0].z, dtype=float)
    fit_grid = default_matrix().fit_table.T
    part = np.select([fit_grid == 1, fit_grid == 2], [0, 1], 2)  # overkill, insufficient, realistic
    assert (np.floor(z) == part).all() and (z - part < 0.995).all()
    text = fig.data[-1]
    realistic = [t.startswith("✓") for t in text.text]
    assert [c == "#FFFFFF" for c in text.textfont.color] == realistic


def test_the_matrix_as_a_table_has_every_cell_with_its_fit() -> None:
    cells = portfolio.cell_summary(pd.DataFrame({"nature": ["turnkey", "turnkey"],
                                                 "approach": ["traditional_sales", "market_bu"],
                                                 "value": [5.0, 7.0]}))
    table = charts.matrix_table(cells, default_matrix())
    assert len(table) == 6 * 7 and list(table.columns) == ["nature", "approach", "fit", "steps", "opportunities",
                                                           "value"]
    row = table[(table["nature"] == "Turnkey solutions") & table["approach"].str.startswith("Traditional")].iloc[0]
    assert row["fit"].startswith("▼") and row["steps"] == 5 and row["opportunities"] == 1 and row["value"] == 5.0
    assert table.iloc[0]["approach"].startswith("Market-oriented")  # heaviest first, as the chart stacks them
