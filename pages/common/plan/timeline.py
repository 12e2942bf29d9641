"""The plan's timeline: phases (dark bars) and their activities (coloured by status) from the start date, with
today's line, every name whole."""

from __future__ import annotations

import textwrap
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from gtm.domain.types import Schedule
from gtm.export import charts
from gtm.export.charts import hover_text

STATUS_COLOURS = {"not started": "#AEB5BD", "in progress": "#0072B2", "done": "#009E73", "blocked": "#D55E00"}
PHASE_COLOUR = "#4A5058"
TEXT = "#1B1F24"
LABEL_CHARS = 56  # an activity's name on the timeline's axis wraps onto lines this long (the deck's all fit one)


def _label(text: str, bold: bool = False) -> tuple[str, int]:
    """A name for the timeline's axis, whole: wrapped onto lines of LABEL_CHARS, escaped; and its number of lines."""
    lines = [hover_text(line) for line in textwrap.wrap(text, LABEL_CHARS)] or [""]
    return "<br>".join(f"<b>{line}</b>" if bold else line for line in lines), len(lines)


def timeline(sched: Schedule, today: date, *, compact: bool = False,
             least: float = charts.SCREEN_TEXT_PX) -> go.Figure:
    """Phases (dark bars) and their activities (coloured by status) from the start date, with today's line;
    ``compact``: tighter rows, so that the whole plan and its legend fit a 1280x720 projector. No text under
    ``least`` px; every name whole, a long one on several lines in a row as tall as they are."""
    labels: list[str] = []
    heights: list[int] = []  # each row's lines: a row is as tall as its name
    centres: list[float] = []  # each row's middle, in lines from the top
    bars: list[dict[str, object]] = []

    def row(label: tuple[str, int]) -> float:
        """A row for a name (its text and lines) under the rows so far: where its bar stands."""
        labels.append(label[0])
        centres.append(sum(heights) + label[1] / 2)
        heights.append(label[1])
        return centres[-1]

    for i, phase in enumerate(sched.phases.itertuples(index=False), start=1):  # a few dozen rows: a loop is fine
        bars.append({"y": row(_label(f"{i}. {phase.phase}", bold=True)), "start": phase.start, "end": phase.end,
                     "kind": "phase",
                     "hover": f"<b>{hover_text(str(phase.phase))}</b><br>{phase.start:%d %b %Y} → "
                              f"{phase.end:%d %b %Y} · {phase.weeks:g} weeks"})
        for act in sched.activities[sched.activities["phase"] == phase.phase].itertuples(index=False):
            owner = hover_text(str(act.owner)) if act.owner else "no owner yet"
            bars.append({"y": row(_label(str(act.activity))), "start": act.start, "end": act.end, "kind": act.status,
                         "hover": f"<b>{hover_text(str(act.activity))}</b><br>{act.start:%d %b %Y} → "
                                  f"{act.end:%d %b %Y} · {act.weeks:g} weeks<br>{act.status} · {owner}"})
    frame = pd.DataFrame(bars)
    fig = go.Figure()
    for kind, colour in {"phase": PHASE_COLOUR, **STATUS_COLOURS}.items():
        part = frame[frame["kind"] == kind]
        if part.empty:  # a status no activity has yet: a bar of no length, so the legend still names its colour
            fig.add_trace(go.Bar(y=[centres[0]], base=[sched.start.isoformat()], x=[0], orientation="h", marker_color=colour,
                                 name=kind.capitalize(), hoverinfo="skip"))
            continue
        starts = pd.to_datetime(part["start"])
        fig.add_trace(go.Bar(
            y=part["y"], base=starts.dt.strftime("%Y-%m-%d"), orientation="h", marker_color=colour,
            x=(pd.to_datetime(part["end"]) - starts).dt.total_seconds() * 1000, name=kind.capitalize(),
            width=0.45 if kind == "phase" else 0.7, hovertext=part["hover"], hoverinfo="text"))
    text = charts.text_layout(least, 13)
    font = text["font"]
    # The dates stand above the plot on two lines (day and month, then the year where it changes); today's label
    # stands above them, in a band of its own, so that it never lies over a date, and turns inwards near either end
    # so that it is never cut.
    dates_px = 2 * charts.LINE_HEIGHT * font["size"] + 10
    shapes, notes = [], []
    if sched.start <= today <= sched.end:
        shapes.append({"type": "line", "x0": today.isoformat(), "x1": today.isoformat(), "yref": "paper", "y0": 0,
                       "y1": 1, "line": {"color": TEXT, "width": 1.5, "dash": "dash"}})
        along = (today - sched.start).days / max((sched.end - sched.start).days, 1)
        notes.append({"x": today.isoformat(), "y": 1, "yref": "paper", "yanchor": "bottom", "yshift": dates_px,
                      "xanchor": "left" if along < 0.15 else "right" if along > 0.85 else "center",
                      "showarrow": False, "text": f"Today, {today:%d %b}", "font": font})
    lines = sum(heights)
    fig.update_layout(
        barmode="overlay", height=round(74 + dates_px + (21 if compact else 26) * lines),
        margin={"l": 10, "r": 10, "t": round(dates_px + charts.LINE_HEIGHT * font["size"] + 8), "b": 10},
        shapes=shapes, annotations=notes, plot_bgcolor="white",
        **{**text, "legend": {**text["legend"], "orientation": "h", "yanchor": "top", "y": -0.01, "xanchor": "left",
                              "x": 0, "title": None}},
        xaxis={"type": "date", "side": "top", "showgrid": True, "gridcolor": "#E4E6E9", "fixedrange": True,
               "tickformat": "%d %b\n%Y", "tickfont": font},
        yaxis={"tickfont": font, "tickmode": "array", "tickvals": centres, "ticktext": labels,
               "range": [lines, 0], "fixedrange": True, "automargin": True},
    )
    return fig
