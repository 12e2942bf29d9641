"""The maturity radar: the mean per dimension inside its lowest-highest band, and an earlier date's mean."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from gtm.export import charts
from gtm.export.charts import hover_text
from gtm.services import maturity

MEAN_COLOUR = "#0072B2"
BAND_COLOUR = "rgba(0, 114, 178, 0.16)"
EARLIER_COLOUR = "#6B6F73"


def day(d: date) -> str:
    """A date as the page writes it: 05 Mar 2026."""
    return f"{d:%d %b %Y}"


def _axis_label(text: object, width: int = 13) -> str:
    """A dimension's label for the radar's rim, escaped and broken into short lines so that none is cut off."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(hover_text(line) for line in lines)


def number(x: float) -> str:
    """A score or mean as people read it: 3, 2.5, or "not scored"."""
    if pd.isna(x):
        return "not scored"
    return f"{x:g}" if float(x).is_integer() else f"{x:.1f}"


def radar(summary: pd.DataFrame, earlier: pd.DataFrame | None = None, names: tuple[str, str] = ("", ""),
          least: float = charts.SCREEN_TEXT_PX) -> go.Figure:
    """The mean per dimension (deck's order, clockwise from the top) inside its lowest-highest band; with
    ``earlier``, that date's mean as a dashed line. No text under ``least`` px."""
    order = [d.code for d in maturity.dimensions()]
    rows = summary.set_index("dimension").reindex(order)
    theta = [_axis_label(x) for x in rows["label"]]
    fig = go.Figure()
    scored = rows[rows["people"] > 0]
    if len(scored) >= 2:
        # The band: round the highest scores, then back round the lowest, as one filled ring.
        band_theta = [_axis_label(x) for x in scored["label"]]
        fig.add_trace(go.Scatterpolar(
            r=[*scored["max"], scored["max"].iloc[0], scored["min"].iloc[0], *scored["min"].iloc[::-1]],
            theta=[*band_theta, band_theta[0], band_theta[0], *band_theta[::-1]], fill="toself",
            fillcolor=BAND_COLOUR, line={"width": 0}, mode="lines", name="Lowest to highest score",
            hoverinfo="skip"))
    if earlier is not None and not earlier.empty:
        before = earlier.set_index("dimension").reindex(order)
        fig.add_trace(go.Scatterpolar(
            r=[*before["mean"], before["mean"].iloc[0]], theta=[*theta, theta[0]], mode="lines+markers",
            name=f"Mean on {names[0]}", line={"color": EARLIER_COLOUR, "width": 2, "dash": "dash"},
            marker={"size": 6}, hovertemplate="%{theta}: %{r:.1f}<extra>" + hover_text(str(names[0])) + "</extra>"))
    hover = [f"<b>{hover_text(str(lab))}</b><br>mean {number(m)} · lowest {number(lo)} · highest {number(hi)}<br>"
             f"{int(p)} {'person' if p == 1 else 'people'}"
             for lab, m, lo, hi, p in zip(rows["label"], rows["mean"], rows["min"], rows["max"], rows["people"])]
    fig.add_trace(go.Scatterpolar(
        r=[*rows["mean"], rows["mean"].iloc[0]], theta=[*theta, theta[0]], mode="lines+markers",
        name=f"Mean on {names[1]}" if names[1] else "Mean", line={"color": MEAN_COLOUR, "width": 3},
        marker={"size": 8}, hovertext=[*hover, hover[0]], hoverinfo="text"))
    sc = maturity.scale()
    text = charts.text_layout(least, 13)
    font = text["font"]
    # The scores' axis runs between the first two dimensions (9 at 40 degrees apart: 20 degrees off the top), so
    # that its 5 stands clear of the top dimension's name; its numbers upright (a tick angle equal to the axis's),
    # in the theme's text colour, as they cross the band.
    axis_angle = 90 - 180 / len(order)
    fig.update_layout(
        height=460, showlegend=True,  # the top dimension's name stands above the rim on two lines
        margin={"l": 90, "r": 90, "t": round(2 * charts.LINE_HEIGHT * font["size"] + 12), "b": 70},
        **{**text, "legend": {**text["legend"], "orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "center",
                              "x": 0.5}},
        polar={"radialaxis": {"range": [0, sc.high], "tickvals": list(sc.points), "angle": axis_angle,
                              "tickangle": axis_angle, "tickfont": font, "gridcolor": "#E4E6E9"},
               "angularaxis": {"direction": "clockwise", "rotation": 90, "tickfont": font, "gridcolor": "#E4E6E9"}})
    return fig
