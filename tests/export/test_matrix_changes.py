"""The portfolio matrix outlines the cells a band edit changes, and its hovers say what each word means."""

from __future__ import annotations

import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.matrix import default_matrix
from gtm.export import charts


def _cells() -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([vocab.NATURES.codes, vocab.APPROACHES.codes],
                                      names=["nature", "approach"]).to_frame(index=False)
    return grid.assign(count=1, value=1_000_000.0)


def _dashed(fig: object) -> list[dict]:
    return [s for s in fig.layout.shapes if s.line.dash == "dash"]  # type: ignore[attr-defined]


def test_the_cells_an_edit_changes_are_outlined_before_and_after() -> None:
    active = default_matrix()
    edited = active.with_band("qualification", "traditional_sales", "lead_unit")  # one cell joins the band
    edited = edited.with_band("cross_sell", "coordinated_incentives", "overlay_advisory")  # and one more
    after = charts.portfolio_matrix(_cells(), edited, compare_with=active)
    before = charts.portfolio_matrix(_cells(), active, compare_with=edited)
    assert len(_dashed(after)) == len(_dashed(before)) == 2
    centres = sorted(((s.x0 + s.x1) / 2, (s.y0 + s.y1) / 2) for s in _dashed(after))
    assert centres == [(1, 0), (2, 1)]  # qualification at traditional sales, cross-sell at coordinated incentives
    assert "Dashed" in after.layout.annotations[0].text  # the legend says what the outline is
    hovers = [h for h in after.data[-1].hovertext if "Changes with this edit" in h]
    assert len(hovers) == 2
    assert not _dashed(charts.portfolio_matrix(_cells(), active))  # no edit, no outline


def test_a_hover_says_what_the_nature_and_approach_mean() -> None:
    fig = charts.portfolio_matrix(_cells(), default_matrix())
    hover = next(h for h in fig.data[-1].hovertext if h.startswith("<b>Turnkey solutions</b> at <b>Market"))
    assert "end-to-end" in hover and "profit-and-loss" in hover
    assert all(t.meaning for t in (*vocab.NATURES.terms, *vocab.APPROACHES.terms))  # every word has one


def test_every_cell_carries_its_codes_for_a_click() -> None:
    fig = charts.portfolio_matrix(_cells(), default_matrix())
    codes = {tuple(c) for c in fig.data[-1].customdata}
    assert ("turnkey", "market_bu") in codes and len(codes) == 42
