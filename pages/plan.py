"""Plan: the engagement in three phases (docs/domain.md section 6) on a timeline from a start date; facilitators edit
activities, weeks, owners and statuses and save versions; everyone sees and exports it."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import (
    NOT_STARTED,
    PLAN_MAX_NAME,
    PLAN_MAX_OWNER,
    PLAN_MAX_WEEKS,
    STATUSES,
    Action,
    GtmError,
    Plan,
    Schedule,
)
from gtm.export import charts
from gtm.export.charts import hover_text
from gtm.services import lists, plans
from pages.common import account_plan, identity, present, session, widgets

DEFAULT = "default"  # the source "the default plan of data/engagement_plan.json"
STATUS_COLOURS = {"not started": "#AEB5BD", "in progress": "#0072B2", "done": "#009E73", "blocked": "#D55E00"}
PHASE_COLOUR = "#4A5058"
TEXT = "#1B1F24"
LABEL_CHARS = 56  # an activity's name on the timeline's axis wraps onto lines this long (the deck's all fit one)
# Column widths (px): with the row marker they fit the main area at 1280 px, sidebar open (about 820 px).
WIDTHS = {"activity": 320, "offset": 125, "weeks": 80, "owner": 140, "status": 115}


def _source_key(name: str, version: int) -> str:
    return f"v{version}:{name}"


def _load(source: str) -> tuple[str, Plan, date, str | None, bool]:
    """The plan a source names: its name, plan, start date, list name, and whether it is a saved version."""
    if source != DEFAULT:
        number, name = source[1:].split(":", 1)
        loaded = plans.plan_version(s, name, int(number))
        if loaded is not None:
            return name, *loaded, True
    today = date.today()
    return plans.DEFAULT_NAME, plans.default_plan(), today + timedelta(days=-today.weekday() % 7), None, False


def _new_source() -> None:
    st.session_state["pl_gen"] = st.session_state.get("pl_gen", 0) + 1  # fresh fields, from the chosen plan


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


s = session.store()
who = identity.actor()
showing = present.presenting()
editing = who.can(Action.EDIT_PLAN) and not showing
st.title("Plan")
if not showing:
    st.caption("The engagement in three phases, from a start date: about 6 weeks of opportunity assessment and "
               "program design, 8 weeks of execution with the target customer sets, then about 3 months to launch "
               "the organization of the future.")

saved = plans.versions(s)
sources = [DEFAULT] + [_source_key(n, int(v)) for n, v in zip(saved["name"], saved["version"])]
shown_names = {DEFAULT: "The default plan (the deck's three phases)"} | {
    _source_key(n, int(v)): f"{n} · version {int(v)} · saved by {by}"
    for n, v, by in zip(saved["name"], saved["version"], saved["created_by"])}
if "pl_pick" in st.session_state:  # a save just made: show the version it wrote (set before the widget exists)
    st.session_state["pl_source"] = st.session_state.pop("pl_pick")
if st.session_state.get("pl_source") not in sources:
    st.session_state["pl_source"] = sources[1] if len(sources) > 1 else DEFAULT  # the latest saved, else the default
gen = st.session_state.get("pl_gen", 0)
source = st.session_state["pl_source"]
if showing:
    name, base, start, list_name, is_saved = _load(source)
else:
    c1, c2, c3 = st.columns([2, 1, 2])
    source = c1.selectbox("Plan shown", sources, key="pl_source", format_func=shown_names.__getitem__,
                          on_change=_new_source, help="The default plan, or a saved version; the fields below start "
                                                      "from it.")
    name, base, start, list_name, is_saved = _load(source)
    if editing:
        start = c2.date_input("Start date", value=start, key=f"pl_start_{gen}", format="YYYY-MM-DD",
                              min_value=plans.EARLIEST, max_value=plans.LATEST)
        saved_lists = lists.list_names(s)
        list_options = saved_lists["name"].astype(str).tolist()
        if list_name is None and not is_saved:  # a new plan is for the focus accounts, when a focus list exists
            focus = saved_lists[saved_lists["stage"] == "focus"]
            list_name = str(focus["name"].iloc[0]) if len(focus) else None
        if list_name and list_name not in list_options:
            list_options.append(list_name)
        list_name = c3.selectbox(
            "For accounts", list_options, index=list_options.index(list_name) if list_name else None,
            key=f"pl_list_{gen}", accept_new_options=True, placeholder="A saved list, or type who it is for",
            help="The accounts this plan is for: a list saved on the Key accounts page, or any text.") or None
    else:
        c2.markdown(f"**Start date**  \n{start:%d %b %Y}")
        c3.markdown(f"**For accounts**  \n{plain(list_name) if list_name else 'not said'}")
if showing and (list_name or is_saved):
    st.markdown(f"**{plain(name)}**" + (f" · for **{plain(list_name)}**" if list_name else ""))

# The figures and the timeline are drawn here, above the editors, once the edited plan is known.
board = st.container()
plan, problem = base, None
if editing:
    st.subheader("Phases and activities", anchor=False)
    st.caption("An activity with an offset starts that many weeks into its phase (activities overlap); without "
               "one, it starts when the activity above it in the phase ends. A phase lasts its weeks, or longer "
               "when an activity ends later, which moves the next phases. Add an activity in a phase's last row.")
    all_rows, phase_weeks = base.rows(), {}
    edited_parts = []
    for i, phase in enumerate(base.phases):
        # The phase's length left of the table's toolbar, which shows over the top right corner on hover.
        head, weeks_slot, _ = st.columns([5, 2, 2], vertical_alignment="bottom")
        head.markdown(f"**{i + 1}. {plain(phase.name)}**" + (f"  \n{plain(phase.note)}" if phase.note else ""))
        phase_weeks[phase.name] = weeks_slot.number_input(
            "Phase length (weeks)", min_value=0.5, max_value=float(PLAN_MAX_WEEKS), step=1.0, value=float(phase.weeks),
            format="%g", key=f"pl_phase_{i}_{gen}", help="How long the phase lasts, unless an activity ends later")
        rows = all_rows[all_rows["phase"] == phase.name].drop(columns="phase").reset_index(drop=True)
        edited = st.data_editor(
            rows, num_rows="dynamic", hide_index=True, key=f"pl_rows_{i}_{gen}", width="stretch",
            column_order=["activity", "offset", "weeks", "owner", "status"],
            column_config={
                "activity": st.column_config.TextColumn("Activity", required=True, max_chars=PLAN_MAX_NAME,
                                                        width=WIDTHS["activity"]),
                "offset": st.column_config.NumberColumn(
                    "Offset (weeks)", min_value=0.0, max_value=float(PLAN_MAX_WEEKS), step=0.5, format="%g",
                    width=WIDTHS["offset"], help="Weeks after the phase starts; empty: right after the activity above it"),
                "weeks": st.column_config.NumberColumn("Weeks", min_value=0.0, max_value=float(PLAN_MAX_WEEKS),
                                                       step=0.5, format="%g", required=True, default=1.0,
                                                       width=WIDTHS["weeks"]),
                "owner": st.column_config.TextColumn("Owner", max_chars=PLAN_MAX_OWNER, width=WIDTHS["owner"],
                                                     help="Who answers for it; empty until someone is named"),
                "status": st.column_config.SelectboxColumn("Status", options=list(STATUSES),
                                                           required=True, default=NOT_STARTED,
                                                           width=WIDTHS["status"]),
            })
        edited_parts.append(edited.assign(phase=phase.name))
    try:
        plan = plans.plan_from_rows(base, pd.concat(edited_parts, ignore_index=True), phase_weeks)
    except GtmError as exc:
        problem = exc

sched = plans.schedule(plan, start)
acts = sched.activities
with board:
    if problem is not None:
        widgets.show_error(problem)
        st.caption("The timeline shows the plan as loaded until the table below is valid.")
    done = int((acts["status"] == "done").sum())
    unowned = int((acts["owner"] == "").sum())
    st.markdown(f"**{sched.weeks:g} weeks**, {sched.start:%d %b %Y} → {sched.end:%d %b %Y} · **{done}** of "
                f"{len(acts)} activities done · **{unowned}** without an owner yet", help=", ".join(
                    f"{int((acts['status'] == k).sum())} {k}" for k in STATUSES))
    widgets.chart(timeline(sched, date.today(), compact=showing, least=widgets.text_px()), key="pl_timeline",
                  config={"displayModeBar": False})

frame = plans.export_frame(plan, start)
dates = {c: st.column_config.DateColumn(c, format="D MMM YYYY") for c in ("Start", "End")}
date_config = {**dates, "Weeks": st.column_config.NumberColumn(format="%g")}
if not editing:
    st.dataframe(frame, hide_index=True, key="pl_dates", column_config=date_config)
# "KAM pilots: pilot account planning" links to the focus accounts' plans (issue 25): pages/common/account_plan.py.
account_plan.show_pilot_planning(s, account_plan.planning_activity(acts))
if showing:
    st.stop()

if editing:
    with st.expander("Dates of every activity"):
        st.dataframe(frame, hide_index=True, key="pl_dates", column_config=date_config)
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    name = c1.text_input("Save as", value=name, key=f"pl_name_{gen}", max_chars=plans.MAX_NAME,
                         help="Each save is a new version of the plan's name; earlier versions are kept.")
    if c2.button("Save plan", type="primary", key="pl_save", disabled=problem is not None, width="stretch"):
        def saved_flags(version: int) -> dict[str, object]:
            return {"pl_pick": _source_key(name.strip(), version), "pl_gen": gen + 1}

        widgets.run_action(lambda: plans.save_plan(s, who, name, start, plan, list_name),
                           toast=f"Saved the plan '{plain(name.strip())}'", flags=saved_flags)
elif not who.can(Action.EDIT_PLAN):
    st.caption(display.may(Action.EDIT_PLAN, "Editing and saving the plan"))

st.subheader("Saved versions", anchor=False)
if saved.empty:
    st.caption("No plan saved yet: the default plan is shown.")
else:
    st.dataframe(saved.assign(list_name=saved["list_name"].fillna("not said")).rename(columns=plans.VERSION_HEADERS),
                 hide_index=True, key="pl_versions",
                 column_config={"Start": st.column_config.DateColumn(format="D MMM YYYY"),
                                "Saved at (UTC)": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")})

st.subheader("Export", anchor=False)
st.caption("The plan's activities with their dates, under the headers above. Formulas are neutralised: a cell "
           "starting with = + - @ opens as text.")
european = widgets.european_csv("pl_eu")
exports = st.container(horizontal=True)
exports.download_button("Plan (CSV)", lambda: plans.export_csv(plan, start, european=european),
                   file_name=f"gtm-plan-{start:%Y-%m-%d}.csv", mime="text/csv", key="pl_export_csv", on_click="ignore")
exports.download_button("Plan (XLSX)", lambda: plans.export_xlsx(plan, start), file_name=f"gtm-plan-{start:%Y-%m-%d}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="pl_export_xlsx",
                   on_click="ignore")
