"""The Design page's charts: today beside the plan as grouped horizontal bars, their numbers beside them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from gtm.export import charts
from pages.common import widgets

TODAY_COLOUR, PLAN_COLOUR = "#9AA0A6", "#0072B2"


@dataclass(frozen=True)
class Side:
    """One side of the bars: its name in the legend, its colour, its values and the words written beside them."""

    name: str
    colour: str
    values: Sequence[float]
    texts: Sequence[object]


def show_bars(labels: list[str], sides: Sequence[Side], *, least_height: int, right: int, key: str) -> None:
    """Grouped horizontal bars, one group per label, every text at the page's size or more."""
    text = charts.text_layout(widgets.text_px(), 13)  # every chart text this size or more, in the theme's colour
    layout = {**text, "legend": {**text["legend"], "orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
              "barmode": "group", "yaxis": {"autorange": "reversed", "tickfont": text["font"]},
              "xaxis": {"visible": False}}
    fig = go.Figure()
    for side in sides:
        fig.add_bar(y=labels, x=side.values, name=side.name, orientation="h", marker_color=side.colour,
                    text=side.texts, textposition="outside", cliponaxis=False, textfont=text["font"])
    fig.update_layout(height=max(least_height, 40 + charts.grouped_bars_px(len(labels), text["font"]["size"])),
                      margin={"l": 10, "r": right, "t": 30, "b": 10}, **layout)
    widgets.chart(fig, key=key, config={"displayModeBar": False})
