"""Scenarios: build a structure per account for a set of accounts (every account or a saved list), save it with a
name (each save a new version), and compare two plans side by side (the recommendation, the latest decisions, the
current structures or a saved scenario): the figures, the people per role and the accounts that move, at the
assumptions in force. Exported as XLSX (three sheets) and CSV (the accounts moved)."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm import display
from gtm.display import count, plain, plural
from gtm.domain import types
from gtm.domain.types import Action, GtmError
from gtm.export import charts
from gtm.services import design
from pages.common import cache, design_inputs, identity, navigation, present, session, widgets

EDITABLE = 500  # accounts in the editor (largest pipeline value first); the others keep the start point's structure
SHOWN = 1000  # accounts moved listed on the page; the exports hold every one
A_COLOUR, B_COLOUR = "#9AA0A6", "#0072B2"
STRUCTURE = "Structure in this scenario"
SUMMARY_WIDTH, ROLES_WIDTH = 560, 510  # px: side by side from 1,090 px of main area (presentation mode at 1280 px)
LEGEND_CHARS = 56  # a scenario's name in the people chart's legend wraps onto lines this long (about 400 px)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

d = session.data(every_account=True)
s = session.store()
who = identity.actor()
cur = session.currency()
PIPELINE = f"Pipeline value ({cur})"  # the editor's read-only amount, written as the page's figures
showing = present.presenting()
st.title("Scenarios")
if not showing:
    st.caption("Give each account a structure, save it as a named scenario, and compare two plans side by side: "
               "the people per role, the cost, the value at stake and the accounts that move.")
    navigation.related("pages/scenarios.py")
if d.account_table.empty:
    navigation.empty_state("No accounts yet: import accounts and opportunities on the Import page (or open the demo "
                           "workspace) to build scenarios.", icon=":material/compare_arrows:")
    st.stop()

table = d.account_table
choices = design.plan_choices(s)
saved = design.scenarios(s)
newest = next((k for k in choices if k.startswith(design.SCENARIO_PREFIX)), None)  # scenarios come newest first
if st.session_state.pop("sc_saved", None) and newest:  # a save just made: build on it, and compare it as B
    st.session_state["sc_start"] = st.session_state["sc_b"] = newest
    st.session_state["sc_gen"] = st.session_state.get("sc_gen", 0) + 1
options = design_inputs.scope_options()
if st.session_state.get("sc_scope_kept") not in options:  # kept apart: presentation mode draws no scope chooser
    st.session_state["sc_scope_kept"] = design_inputs.default_scope()
if st.session_state.get("sc_start") not in choices:
    st.session_state["sc_start"] = design.RECOMMENDED
if st.session_state.get("sc_a") not in choices:
    st.session_state["sc_a"] = design.CURRENT
if st.session_state.get("sc_b") not in choices:
    st.session_state["sc_b"] = newest or design.RECOMMENDED

a = design_inputs.panel(who, key="sc_assume")


def _fresh() -> None:
    """A new scope or start point: the editor starts again from it."""
    st.session_state["sc_gen"] = st.session_state.get("sc_gen", 0) + 1
    if "sc_scope" in st.session_state:
        st.session_state["sc_scope_kept"] = st.session_state["sc_scope"]


def _in_scope(scope: str) -> list[str]:
    """The stored accounts of a scope, in the account table's order."""
    every = table["account_id"].astype(str)
    ids = design_inputs.scope_ids(scope)
    return every.tolist() if ids is None else every[every.isin(ids)].tolist()


def _plan(key: str) -> design.NamedPlan:
    used = a.model_dump_json() if key == design.PAYING and a is not None else ""
    return cache.named_plan(session.database_url(), session.workspace(), d.version, d.portfolio_version,
                            d.matrix.model_dump_json(), key, used, d)


def _structures(plan: pd.Series, edited: pd.DataFrame) -> pd.DataFrame:
    """What is saved: the editor's rows first, in its order (a message's row number is the editor's), then the rest
    of the scope at the start point's structure."""
    shown = pd.Index(edited["Account ID"])
    return pd.concat([
        pd.DataFrame({"account_id": shown.to_numpy(), "approach": edited[STRUCTURE].to_numpy()}),
        pd.DataFrame({"account_id": plan.index.difference(shown, sort=False).to_numpy(),
                      "approach": plan.drop(shown).to_numpy()}),
    ], ignore_index=True)


def build() -> None:
    """Choose the accounts and the start point, change structures in the editor, save under a name."""
    st.subheader("Build a scenario", anchor=False)
    c1, c2 = st.columns(2)
    if st.session_state.get("sc_scope") not in options:
        st.session_state["sc_scope"] = st.session_state["sc_scope_kept"]
    scope = c1.selectbox("Accounts", options, key="sc_scope", format_func=design_inputs.scope_label,
                         on_change=_fresh, help="Every account, or a saved list (the Key accounts page saves the "
                                                "focus list). Plans of every account are compared over these too.")
    st.session_state["sc_scope_kept"] = scope
    start = c2.selectbox("Start from", list(choices), key="sc_start", format_func=choices.__getitem__,
                         on_change=_fresh, help="The structures the editor starts from: the recommendation, the "
                                                "latest decisions, the current structures or a saved scenario")
    try:
        plan, notes, frame = cache.scenario_start(
            session.database_url(), session.workspace(), d.version, d.portfolio_version, d.matrix.model_dump_json(),
            scope, start, cur, a.model_dump_json() if start == design.PAYING and a is not None else "", EDITABLE,
            STRUCTURE, d, _in_scope)
    except GtmError as exc:
        widgets.show_error(exc)
        return
    if frame.empty:
        st.info("The list holds no stored account: choose other accounts.", icon=":material/info:")
        return
    total = len(plan)
    may_save = who.can(Action.SAVE_SCENARIO)
    gen = st.session_state.get("sc_gen", 0)
    st.caption(f"**{total:,}** accounts, largest pipeline value first. Change a structure in the column "
               f"*{STRUCTURE}*." if total <= EDITABLE else
               f"The **{EDITABLE:,}** accounts with the largest pipeline value of **{total:,}**: the other "
               f"{total - EDITABLE:,} keep the start point's structure in the scenario.")
    edited = st.data_editor(
        # The pipeline value (never edited) written as the page's figures are, as text: the rows are by value.
        frame.assign(**{PIPELINE: widgets.money_text(frame[PIPELINE], cur)}), key=f"sc_rows_{gen}",
        hide_index=True, width="stretch", height=320,
        disabled=list(frame.columns) if not may_save else [c for c in frame.columns if c != STRUCTURE],
        column_config={
            "Account": st.column_config.TextColumn(width=170, pinned=True),
            PIPELINE: st.column_config.TextColumn(width=135, alignment="right",
                                                                     help="The amounts of the account's opportunities summed"),
            "Today": st.column_config.TextColumn(width=125, help="The current structure (none recorded: the "
                                                                "lightest, as on every page)"),
            "Recommended": st.column_config.TextColumn(width=125, help="The structure recommended for the "
                                                                      "account's opportunities"),
            STRUCTURE: st.column_config.SelectboxColumn(options=list(types.APPROACHES.labels), required=True,
                                                        width=400, help="The structure this scenario gives the "
                                                                        "account (lightest first)"),
            "Account ID": st.column_config.TextColumn(width=90),
        })
    changed = int((edited[STRUCTURE].astype(object) != frame[STRUCTURE]).sum())
    st.caption(f"{count(changed, 'account')} changed from the start point."
               + "".join(f" {plain(n)}" for n in notes))
    if not may_save:
        st.caption(display.may(Action.SAVE_SCENARIO, "Saving a scenario"))
        return
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    # No max_chars: a longer name pasted in would be cut without a word; the service says what is accepted.
    name = c1.text_input("Scenario name", key="sc_name", placeholder="e.g. Lean",
                         help="Saving a name again makes its next version; earlier versions are kept.")
    note = c2.text_input("Note", key="sc_note", max_chars=design.MAX_NOTE, placeholder="What this scenario tries")
    if c3.button("Save scenario", type="primary", key="sc_save", width="stretch", icon=":material/save:"):
        widgets.run_action(
            lambda: design.save_scenario(s, who, name, _structures(plan, edited), scope=scope or None,
                                         base=choices[start], note=note),
            toast=f"Saved the scenario '{plain(name.strip())}'", flags={"sc_saved": True})


if not showing:
    build()

# ---------------------------------------------------------------------------------------------- comparing


def _short(key: str) -> str:
    """A plan's name in headers and legends: a scenario's name and version, else the source's label."""
    if key.startswith(design.SCENARIO_PREFIX):
        row = saved[saved["scenario_id"] == int(key.removeprefix(design.SCENARIO_PREFIX))]
        if len(row):
            return f"{row['name'].iloc[0]} v{int(row['version'].iloc[0])}"
    return design.SOURCES.get(key, key)


def _figure(x: object, unit: str, signed: bool = False) -> str:
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


st.subheader("Compare two scenarios", anchor=False)
c1, c2 = st.columns(2)
key_a = c1.selectbox("A", list(choices), key="sc_a", format_func=choices.__getitem__,
                     help="The plan compared against: by default today's structures")
key_b = c2.selectbox("B", list(choices), key="sc_b", format_func=choices.__getitem__,
                     help="The plan compared: by default the newest saved scenario")
if a is None:
    st.caption("The comparison needs assumptions that can be used: see the message above.")
    st.stop()
try:
    design_a, design_b, c, frames, notes_a, notes_b = cache.scenarios_compared(
        session.database_url(), session.workspace(), d.version, d.portfolio_version, d.matrix.model_dump_json(),
        st.session_state["sc_scope_kept"], key_a, key_b, a.model_dump_json(), cur, d, _in_scope,
        design_inputs.scope_ids, _short)
except GtmError as exc:
    widgets.show_error(exc)
    st.stop()
names = c.names
compared = len(design_a.economics)
st.markdown(f"**A**: {plain(names[0])} · **B**: {plain(names[1])} · **{compared:,}** accounts compared"
            + (" · A and B are the same plan" if key_a == key_b else ""))

# The figures beside the people per role where the main area is wide enough (presentation mode at 1280 px, 1920 px),
# one under the other where it is not (1280 px with the sidebar).
board = st.container(horizontal=True, gap="small")
with board.container(width=SUMMARY_WIDTH):
    summary = frames["Summary"]
    units = c.summary["unit"].tolist()
    a_col, b_col = summary.columns[1], summary.columns[2]
    shown_summary = pd.DataFrame({
        "Figure": summary["Figure"],
        "A": [_figure(x, u) for x, u in zip(summary[a_col], units)],
        "B": [_figure(x, u) for x, u in zip(summary[b_col], units)],
        "B − A": [_figure(x, u, signed=True) for x, u in zip(summary["B − A"], units)],
    })
    payback = units.index("months")  # months as a number; "never", "no move" or "at once" in words
    for col, dz in (("A", design_a), ("B", design_b)):
        months = dz.totals.payback_months
        if months is None or pd.isna(months) or months <= 0 or not dz.totals.moved:
            shown_summary.loc[payback, col] = display.payback(months, dz.totals.moved > 0, a.horizon_years)
    st.dataframe(shown_summary, hide_index=True, key="sc_summary", width="stretch", height="content",
                 column_config={"Figure": st.column_config.TextColumn(width=290),
                                **{col: st.column_config.TextColumn(width=85) for col in ("A", "B", "B − A")}})
with board.container(width=ROLES_WIDTH):
    roles = c.roles
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
                      height=max(300, 70 + round(line * legend_lines) + charts.grouped_bars_px(len(roles), text["font"]["size"])),
                      margin={"l": 10, "r": 40, "t": 30, "b": 10},
                      title={"text": "People per role", "font": {**text["font"], "size": max(14, widgets.text_px())},
                             "x": 0, "y": 0.98},
                      **{**text, "legend": {**text["legend"], "orientation": "h", "y": -0.08}},
                      yaxis={"autorange": "reversed", "tickfont": text["font"]}, xaxis={"visible": False})
    widgets.chart(fig, key="sc_roles_chart", config={"displayModeBar": False})
    # "Role (hire)": the source beside the name keeps the table inside the column; the export has both columns.
    shown_roles = pd.DataFrame({
        "Role": [f"{role} ({source})" for role, source in zip(roles["label"], roles["source"])],
        "A": roles["a"], "B": roles["b"], "B − A": [display.signed(int(x)) for x in roles["change"]]})
    st.dataframe(shown_roles, hide_index=True, key="sc_roles", width="stretch",
                 column_config={"Role": st.column_config.TextColumn("People per role", width=290),
                                **{col: st.column_config.NumberColumn(width=60) for col in ("A", "B")},
                                "B − A": st.column_config.TextColumn(width=70, alignment="right")})

moved = frames["Accounts moved"]
st.markdown(f"**Accounts moved**: {count(len(moved), 'account')} {plural(len(moved), 'has', 'have')} another "
            "structure in B than in A"
            + (f"; the {SHOWN:,} largest are listed, the exports hold every one." if len(moved) > SHOWN else "."))
if len(moved):
    money_cols = [col for col in moved.columns if col.endswith(f"{cur})")]
    st.dataframe(widgets.money_table(moved.head(SHOWN), money_cols, cur), hide_index=True, key="sc_moved",
                 width="stretch", height=300 if showing else 400,
                 column_config={**{col: st.column_config.NumberColumn() for col in money_cols},
                                "Steps (+ heavier in B)": st.column_config.NumberColumn(format="%+d")})
notes = list(dict.fromkeys([*c.notes, *design_a.notes, *design_b.notes]))
notes += [f"A: {n}" for n in notes_a] + [f"B: {n}" for n in notes_b]
for note in notes:
    st.caption(plain(note))
if showing:
    st.stop()

st.caption("The exports hold the three tables above (XLSX) or the accounts moved (CSV). Formulas are neutralised: a "
           "cell starting with = + - @ opens as text.")
european = widgets.european_csv("sc_eu")
exports = st.container(horizontal=True)
exports.download_button("Comparison (XLSX)", lambda: design.comparison_xlsx(c, cur), file_name="gtm-scenarios.xlsx",
                        mime=XLSX, key="sc_xlsx", on_click="ignore", icon=":material/download:")
exports.download_button("Accounts moved (CSV)", lambda: design.comparison_csv(c, cur, european=european),
                        file_name="gtm-scenarios-moved.csv", mime="text/csv", key="sc_csv", on_click="ignore",
                        icon=":material/download:")
