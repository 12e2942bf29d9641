"""The funnel chart (each stage's accounts and pipeline) and every saved list version."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm.display import money, plain
from gtm.export import charts
from pages.common import widgets
from pages.common.key_accounts import keys
from pages.common.key_accounts.state import LIST_COLOURS


def funnel_figure(stages: pd.DataFrame, cur: str, least: float) -> go.Figure:
    """The funnel: each stage's words inside its bar where they fit, else beside it (a focus list of 15 of 400 is a
    sliver)."""
    colours = list(LIST_COLOURS.values())
    text = charts.text_layout(least, 14)
    fig = go.Figure(go.Funnel(
        y=stages["stage"], x=stages["accounts"], textinfo="text", textposition="auto",
        text=[f"{a:,} accounts · {money(v, cur)}" for a, v in zip(stages["accounts"], stages["value"])],
        textfont=text["font"], insidetextfont={**text["font"], "color": [charts.text_on(c) for c in colours]},
        outsidetextfont=text["font"], marker={"color": colours}, hoverinfo="skip"))
    fig.update_layout(height=260, margin={"l": 10, "r": 10, "t": 10, "b": 10}, **text,
                      yaxis={"tickfont": text["font"]})
    return fig


def show_funnel(stages: pd.DataFrame, target_value: float | None, target_years: int | None, cur: str,
                least: float) -> None:
    """The funnel chart and the focus list's target."""
    st.subheader("The funnel", anchor=False)
    widgets.chart(funnel_figure(stages, cur, least), key=keys.FUNNEL, width="stretch")
    if target_value:
        st.caption(plain(f"The focus list's target: {money(target_value, cur)} of incremental sales over "
                         f"{target_years} years."))


def show_saved_lists(versions: pd.DataFrame, cur: str) -> None:
    """Every saved list version: name, version, stage, accounts, who saved it when, its target."""
    st.subheader("Saved lists", anchor=False)
    if versions.empty:
        st.info("No list saved yet.", icon=":material/info:")
        return
    st.dataframe(widgets.money_table(versions[["name", "version", "stage", "accounts", "created_by", "created_at",
                                               "target_value", "target_years"]], ["target_value"], cur),
                 hide_index=True, width="stretch", key=keys.VERSIONS,
                 column_config={"name": "List", "version": "Version", "stage": "Stage", "accounts": "Accounts",
                                "created_by": "Saved by",
                                "created_at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
                                "target_value": st.column_config.NumberColumn(f"Target ({cur})"),
                                "target_years": "Years"})
