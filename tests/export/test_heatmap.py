"""The whitespace heatmap: names from the data never act as markup, every figure reads on its fill (4.5:1), a cell
whose potential is not known is grey with a "?", and a click finds the account and BU of its cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gtm.export import heatmap


def _contrast(a: str, b: str) -> float:
    la, lb = (float(heatmap._luminance(heatmap._rgb(c)[None, :])[0]) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def cells() -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": ["A", "A", "B", "B"], "account_name": ["<b>Acme</b>", "<b>Acme</b>", "Beta & Co", "Beta & Co"],
        "bu": ["X", "Y", "X", "Y"], "bu_name": ["X <i>unit</i>", "Yak", "X <i>unit</i>", "Yak"],
        "won_value": [0.0, 50.0, 10.0, 0.0], "open_value": [5.0, 0.0, 0.0, 0.0], "peers": [3, 4, 3, 0],
        "potential": [100.0, 50.0, 100.0, np.nan], "whitespace": [100.0, 0.0, 90.0, np.nan]})


def test_names_from_the_data_are_shown_as_written_never_as_markup() -> None:
    fig = heatmap.whitespace_heatmap(cells(), ["A", "B"], "USD")
    assert list(fig.layout.yaxis.ticktext) == ["&lt;b&gt;Acme&lt;/b&gt;", "Beta &amp; Co"]
    assert "X &lt;i&gt;unit&lt;/i&gt;" in fig.layout.xaxis.ticktext
    hovers = " ".join(fig.data[-1].hovertext)
    assert "<b>Acme</b>" not in hovers.replace("<b>X", "") and "&lt;b&gt;Acme" in hovers


def test_each_cell_says_its_whitespace_or_a_question_mark_and_knows_its_account_and_bu() -> None:
    fig = heatmap.whitespace_heatmap(cells(), ["A", "B"], "USD")
    text = fig.data[-1]
    said = dict(zip(map(tuple, text.customdata), text.text))
    assert said == {("A", "X"): "$100", ("A", "Y"): "$0", ("B", "X"): "$90", ("B", "Y"): "?"}
    unknown = fig.data[2].z
    assert unknown[1][1] == 1 and np.isnan(unknown[0][0])  # B x Yak: grey
    assert "Potential not known" in text.hovertext[list(said).index(("B", "Y"))]


def test_every_figure_reads_on_its_fill_at_4_5_to_1() -> None:
    strength = np.linspace(0, 1, 41)
    fills, colours = heatmap.shade(strength)
    assert min(_contrast(f, c) for f, c in zip(fills, colours)) >= 4.5
