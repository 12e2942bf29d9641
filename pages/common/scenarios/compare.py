"""Comparing two plans on the Scenarios page: the figures, the people per role, the accounts that move and the
exports."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm import display
from gtm.display import count, plural
from gtm.export import charts
from gtm.services import design
from pages.common import design_inputs, widgets
from pages.common.scenarios import keys

SHOWN = 1000  # accounts moved listed on the page; the exports hold every one
A_COLOUR, B_COLOUR = "#9AA0A6", "#0072B2"
LEGEND_CHARS = 56  # a scenario's name in the people chart's legend wraps onto lines this long (about 400 px)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def short(saved: pd.DataFrame, key: str) -> str:
    """A plan's name in headers and legends: a scenario's name and version (``saved``: the scenarios), else the
    source's label."""
    if key.startswith(design.SCENARIO_PREFIX):
        row = saved[saved["scenario_id"] == int(key.removeprefix(design.SCENARIO_PREFIX))]
        if len(row):
            return f"{row['name'].iloc[0]} v{int(row['version'].iloc[0])}"
    return design.SOURCES.get(key, key)


def show_choice(choices: dict[str, str]) -> tuple[str, str]:
    """The two plans compared, A and B."""
    st.subheader("Compare two scenarios", anchor=False)
    c1, c2 = st.columns(2)
    key_a = c1.selectbox("A", list(choices), key=keys.A, format_func=choices.__getitem__,
                         help="The plan compared against: by default today's structures")
    key_b = c2.selectbox("B", list(choices), key=keys.B, format_func=choices.__getitem__,
                         help="The plan compared: by default the newest saved scenario")
    return key_a, key_b


def figure(x: object, unit: str, cur: str, signed: bool = False) -> str:
    """One figure of the summary for a table cell: money, a count or months; a change with its sign."""
    if x is None or pd.isna(x):  # type: ignore[call-overload]
        return "—" if signed else "unknown"
    v = float(x)  # type: ignore[arg-type]
    sign = ("+" if v > 0 else display.MINUS if v < 0 else "") if signed else ""
    if unit == "money":
        return sign + design_inputs.money_text(abs(v) if signed else v, cur)
    if unit == "months" and not signed:
        return f"{display.months(v):,}"  # whole months, rounded up as the Design page says them
    return sign + f"{abs(v) if signed else v:,.0f}"


def show_summary(summary: pd.DataFrame, units: list[str], designs: tuple[design.Design, design.Design],
                 horizon_years: int, cur: str) -> None:
    """The comparison's figures, A, B and B − A, in words where a number would mislead (a payback never reached)."""
    a_col, b_col = summary.columns[1], summary.columns[2]
    shown_summary = pd.DataFrame({
        "Figure": summary["Figure"],
        "A": [figure(x, u, cur) for x, u in zip(summary[a_col], units)],
        "B": [figure(x, u, cur) for x, u in zip(summary[b_col], units)],
        "B − A": [figure(x, u, cur, signed=True) for x, u in zip(summary["B − A"], units)],
    })
    payback = units.index("months")  # months as a number; "never", "no move" or "at once" in words
    for col, dz in zip(("A", "B"), designs):
        months = dz.totals.payback_months
        if months is None or pd.isna(months) or months <= 0 or not dz.totals.moved:
            shown_summary.loc[payback, col] = display.payback(months, dz.totals.moved > 0, horizon_years)
    st.dataframe(shown_summary, hide_index=True, key=keys.SUMMARY, width="stretch", height="content",
                 column_config={"Figure": st.column_config.TextColumn(width=290),
                                **{col: st.column_config.TextColumn(width=85) for col in ("A", "B", "B − A")}})


def show_roles(roles: pd.DataFrame, names: tuple[str, str]) -> None:
    """The people per role in A and in B: a chart of both, and their table with the change."""
    fig = go.Figure()
    labels = [charts.hover_text(x) for x in roles["label"]]
    text = charts.text_layout(widgets.text_px(), 13)  # every chart text this size or more, in the theme's colour
    legend_lines = 0
    for side, colour, column, name in (("A", A_COLOUR, "a", names[0]), ("B", B_COLOUR, "b", names[1])):
        # Each scenario's whole name, on lines that fit the column, never cut short.
        lines = [charts.hover_text(line) for line in textwrap.wrap(f"{side}: {name}", LEGEND_CHARS)]
        legend_lines += len(lines)
        fig.add_bar(y=labels, x=roles[column], name="<br>".join(lines), orientation="h", marker_color=colour,
                    text=roles[column], textposition="outside", cliponaxis=False, textfont=text["font"])
    # Room for each role's two numbers, the title above and the legend's lines below, whatever their number.
    line = charts.LINE_HEIGHT * text["font"]["size"]
    fig.update_layout(barmode="group",
                      height=max(300, 70 + round(line * legend_lines)
                                 + charts.grouped_bars_px(len(roles), text["font"]["size"])),
                      margin={"l": 10, "r": 40, "t": 30, "b": 10},
                      title={"text": "People per role", "font": {**text["font"], "size": max(14, widgets.text_px())},
                             "x": 0, "y": 0.98},
                      **{**text, "legend": {**text["legend"], "orientation": "h", "y": -0.08}},
                      yaxis={"autorange": "reversed", "tickfont": text["font"]}, xaxis={"visible": False})
    widgets.chart(fig, key=keys.ROLES_CHART, config={"displayModeBar": False})
    # "Role (hire)": the source beside the name keeps the table inside the column; the export has both columns.
    shown_roles = pd.DataFrame({
        "Role": [f"{role} ({source})" for role, source in zip(roles["label"], roles["source"])],
        "A": roles["a"], "B": roles["b"], "B − A": [display.signed(int(x)) for x in roles["change"]]})
    st.dataframe(shown_roles, hide_index=True, key=keys.ROLES, width="stretch",
                 column_config={"Role": st.column_config.TextColumn("People per role", width=290),
                                **{col: st.column_config.NumberColumn(width=60) for col in ("A", "B")},
                                "B − A": st.column_config.TextColumn(width=70, alignment="right")})


def show_moved(moved: pd.DataFrame, cur: str, showing: bool) -> None:
    """The accounts with another structure in B than in A, the largest SHOWN of them listed."""
    st.markdown(f"**Accounts moved**: {count(len(moved), 'account')} {plural(len(moved), 'has', 'have')} another "
                "structure in B than in A"
                + (f"; the {SHOWN:,} largest are listed, the exports hold every one." if len(moved) > SHOWN else "."))
    if len(moved):
        money_cols = [col for col in moved.columns if col.endswith(f"{cur})")]
        st.dataframe(widgets.money_table(moved.head(SHOWN), money_cols, cur), hide_index=True, key=keys.MOVED,
                     width="stretch", height=300 if showing else 400,
                     column_config={**{col: st.column_config.NumberColumn() for col in money_cols},
                                    "Steps (+ heavier in B)": st.column_config.NumberColumn(format="%+d")})


def show_exports(c: design.Comparison, cur: str) -> None:
    """The comparison as XLSX (three sheets) and the accounts moved as CSV."""
    st.caption("The exports hold the three tables above (XLSX) or the accounts moved (CSV). Formulas are neutralised: "
               "a cell starting with = + - @ opens as text.")
    european = widgets.european_csv(keys.EUROPEAN)
    exports = st.container(horizontal=True)
    exports.download_button("Comparison (XLSX)", lambda: design.comparison_xlsx(c, cur),
                            file_name="gtm-scenarios.xlsx", mime=XLSX, key=keys.XLSX, on_click="ignore",
                            icon=":material/download:")
    exports.download_button("Accounts moved (CSV)", lambda: design.comparison_csv(c, cur, european=european),
                            file_name="gtm-scenarios-moved.csv", mime="text/csv", key=keys.CSV, on_click="ignore",
                            icon=":material/download:")
