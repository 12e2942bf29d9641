"""Step 1's scatter: the size and ease axes chosen, every account placed on them (the largest drawn, with every
listed account), what was not placed, and the accounts not scored."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm.display import money, plain
from gtm.domain.types import Axis, FunnelRules
from gtm.export import charts
from gtm.services.views import key_accounts
from pages.common import widgets
from pages.common.key_accounts import keys
from pages.common.key_accounts.state import LIST_COLOURS, SHOWN, Lists, pipeline_column


def show_axes(rules: FunnelRules) -> tuple[str, str, bool]:
    """The size and ease axes chosen (codes) and whether the size is times the growth potential."""
    size_codes = [a.code for a in rules.size_axes]
    ease_codes = [a.code for a in rules.ease_axes]
    c1, c2, c3 = st.columns([2, 2, 1.3], vertical_alignment="bottom")
    size_axis = c1.selectbox("Size of opportunity", size_codes, index=size_codes.index(rules.default_size),
                             format_func=widgets.names(size_codes, {c: rules.axis(c).label for c in size_codes}),
                             key=keys.SIZE,
                             help=" ".join(f"{a.label}: {a.help}" for a in rules.size_axes))
    ease_axis = c2.selectbox("Ease of access", ease_codes, index=ease_codes.index(rules.default_ease),
                             format_func=widgets.names(ease_codes, {c: rules.axis(c).label for c in ease_codes}),
                             key=keys.EASE,
                             help=" ".join(f"{a.label}: {a.help}" for a in rules.ease_axes))
    growth = c3.toggle("× growth potential", value=rules.growth_default, key=keys.GROWTH,
                       help="Size of opportunity times (1 + the imported growth potential); an account without one keeps "
                            "its size.")
    return size_axis, ease_axis, growth


def money_columns(size_ax: Axis) -> list[str]:
    """The amounts of a table of placed accounts: the pipeline value, and the size when it is an amount."""
    return ["value", *(["size"] if size_ax.unit == "money" else [])]


def size_column(size_ax: Axis) -> Any:
    """The size column: an amount, a percentage or a score."""
    return st.column_config.NumberColumn(size_ax.label, format=None if size_ax.unit == "money" else "%.1f")


def scatter_figure(frame: pd.DataFrame, lists: Lists, size_ax: Axis, ease_ax: Axis, cur: str,
                   least: float) -> go.Figure:
    """The accounts on size against ease, bubbles by pipeline value, coloured by the list they are on."""
    short_ids, focus_ids = lists.short_ids, lists.focus_ids
    drawn = frame.dropna(subset=["size", "ease"]).nlargest(SHOWN, "size")
    marked = frame[frame["account_id"].isin(short_ids) | frame["account_id"].isin(focus_ids)].dropna(
        subset=["size", "ease"])
    drawn = pd.concat([drawn, marked[~marked["account_id"].isin(drawn["account_id"])]])
    status = np.where(drawn["account_id"].isin(focus_ids), "Focus list",
                      np.where(drawn["account_id"].isin(short_ids), "Shortlist", "Long list"))
    fig = go.Figure()
    top = max(float(drawn["value"].max()), 1.0) if len(drawn) else 1.0
    for label, colour in LIST_COLOURS.items():
        part = drawn[status == label]
        if part.empty:
            continue
        fig.add_trace(go.Scattergl(
            x=part["ease"], y=part["size"], mode="markers",
            name=f"{label}{' (not on the focus list)' if label == 'Shortlist' and focus_ids else ''} ({len(part):,})",
            marker={"size": 6 + 24 * np.sqrt(part["value"].clip(lower=0) / top), "color": colour,
                    "line": {"width": 0.5, "color": "#333"}, "opacity": 0.85 if label != "Long list" else 0.55},
            customdata=np.stack([part["name"].astype(str).map(charts.hover_text),  # data text: never markup
                                 part["value"].map(lambda v: money(v, cur))], axis=-1),
            hovertemplate="%{customdata[0]}<br>" + ease_ax.label + ": %{x:.1f}<br>" + size_ax.label
                          + ": %{y:,.3s}<br>Pipeline: %{customdata[1]}<extra>" + label + "</extra>"))
    text = charts.text_layout(least)
    font = text["font"]
    # A money axis is logarithmic: a label at each power of ten, none between (Plotly draws those smaller).
    log = {"type": "log", "minorloglabels": "none"} if size_ax.unit == "money" else {}
    fig.update_layout(
        height=420, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
        **{**text, "legend": {**text["legend"], "orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0}},
        xaxis={"title": {"text": ease_ax.label + " →  easier", "font": font}, "tickfont": font,
               "gridcolor": "#EEE"},
        yaxis={"title": {"text": size_ax.label + " →  larger", "font": font}, "tickfont": font,
               "gridcolor": "#EEE", **log})
    return fig


def show_scatter(placed: pd.DataFrame, lists: Lists, size_ax: Axis, ease_ax: Axis, growth: bool, cur: str,
                 least: float) -> None:
    """The scatter, a sentence on what it places and leaves out, and the accounts not scored."""
    cover = key_accounts.coverage(placed)
    widgets.chart(scatter_figure(placed, lists, size_ax, ease_ax, cur, least), key=keys.SCATTER, width="stretch")
    note = [f"{cover.placed:,} of {cover.accounts:,} accounts placed"]
    if cover.placed > SHOWN:
        note.append(f"the {SHOWN:,} largest drawn, with every listed account")
    if cover.not_scored:
        note.append(f"{cover.not_scored:,} not scored on ease of access (not 0: listed below)")
    if cover.size_unknown:
        note.append(f"{cover.size_unknown:,} with no {size_ax.label.lower()}")
    if growth and cover.growth_unknown:
        note.append(f"{cover.growth_unknown:,} without a growth potential keep their size")
    st.caption(plain("; ".join(note) + ". Bubble size: pipeline value."))
    if cover.not_scored or cover.size_unknown:
        unknown = placed[placed["ease"].isna() | placed["size"].isna()]
        with st.expander(f"Accounts not scored ({len(unknown):,})"):
            st.dataframe(widgets.money_table(unknown.nlargest(SHOWN, "value")[["account_id", "name", "value", "size",
                                                                               "ease"]], money_columns(size_ax), cur),
                         hide_index=True, width="stretch", key=keys.UNSCORED,
                         column_config={"value": pipeline_column(cur), "size": size_column(size_ax),
                                        "ease": st.column_config.NumberColumn(ease_ax.label, format="%.1f")})
