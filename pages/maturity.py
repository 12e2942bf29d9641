"""Maturity: losers and winners in account management (docs/domain.md section 5). Each person scores the organisation or
a BU on nine dimensions, from the losers' phrasing (1) to the winners' (5); the page shows the mean and the spread
on a radar, the weakest dimensions first with what winners do, two dates compared, and who scored."""

from __future__ import annotations

from datetime import date
from typing import cast

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import ORGANISATION, Action
from gtm.export import charts
from gtm.export.charts import hover_text
from gtm.services import maturity
from pages.common import identity, present, session, widgets

MEAN_COLOUR = "#0072B2"
BAND_COLOUR = "rgba(0, 114, 178, 0.16)"
EARLIER_COLOUR = "#6B6F73"
NOT_SCORED = "Not scored"
DISAGREE = 2  # a spread this wide or wider: people see the dimension differently, worth a discussion



def _axis_label(text: object, width: int = 13) -> str:
    """A dimension's label for the radar's rim, escaped and broken into short lines so that none is cut off."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(hover_text(line) for line in lines)


def _number(x: float) -> str:
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
    hover = [f"<b>{hover_text(str(lab))}</b><br>mean {_number(m)} · lowest {_number(lo)} · highest {_number(hi)}<br>"
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


def weakest_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the page shows it, weakest first: text cells, "not scored" where nobody scored."""
    return pd.DataFrame({
        "Dimension": summary["label"],
        "Mean": summary["mean"].map(_number),
        "Lowest–highest": [f"{_number(lo)}–{_number(hi)}" if p else "not scored"
                           for lo, hi, p in zip(summary["min"], summary["max"], summary["people"])],
        "Spread": summary["spread"].map(_number),
        "People": summary["people"].astype(int),
        "What winners do": summary["winners_do"],
        "Losers (1)": summary["losers"],
        "Winners (5)": summary["winners"],
    })


def _day(d: date) -> str:
    return f"{d:%d %b %Y}"


s = session.store()
who = identity.actor()
showing = present.presenting()
st.title("Maturity")
if not showing:
    st.caption("Losers and winners in account management: each person scores nine dimensions from the losers' end "
               "(1) to the winners' end (5). The radar shows the mean and, shaded, the lowest to highest score; the "
               "table lists the weakest first, with what winners do.")

options = maturity.scopes(s)
scope_names = dict(zip(options["scope"], options["label"]))
if "mt_pick" in st.session_state:  # a save just made: show what it saved (set before the widgets exist)
    picked_scope, picked_day = st.session_state.pop("mt_pick")
    st.session_state["mt_scope"], st.session_state["mt_date"] = picked_scope, picked_day
if st.session_state.get("mt_scope") not in scope_names:
    st.session_state["mt_scope"] = ORGANISATION
c1, c2, c3 = st.columns([2, 1, 2], vertical_alignment="bottom")
scope = c1.selectbox("Whose maturity", list(scope_names), key="mt_scope", format_func=scope_names.__getitem__,
                     help="The whole organisation, or one BU")
whom = "the organisation" if scope == ORGANISATION else scope_names[scope]
assessed = maturity.dates(s, scope)
if not assessed:
    st.info(f"No maturity assessment yet for {plain(whom)}."
            + (" Score it below: each person in the room adds their own." if who.can(Action.ASSESS_MATURITY)
               and not showing else ""), icon=":material/radar:")
else:
    newest_first = assessed[::-1]
    if st.session_state.get("mt_date") not in newest_first:
        st.session_state["mt_date"] = newest_first[0]
    day = c2.selectbox("Assessed on", newest_first, key="mt_date", format_func=_day)
    earlier_options = [d for d in newest_first if d != day]
    earlier_day = None
    if earlier_options and c3.toggle("Compare with another date", key="mt_compare"):
        if st.session_state.get("mt_earlier") not in earlier_options:
            st.session_state["mt_earlier"] = next((d for d in earlier_options if d < day), earlier_options[0])
        earlier_day = c3.selectbox("Compare with", earlier_options, key="mt_earlier", format_func=_day)
    summary = maturity.summary(s, scope, day)
    people = int(summary["people"].max())
    scored = summary[summary["people"] > 0]
    disagree = scored.loc[scored["spread"] >= DISAGREE, "label"].tolist()
    st.markdown(f"**{people} {'person' if people == 1 else 'people'}** scored {plain(whom)} on "
                f"{_day(day)}. Weakest: **{plain(', '.join(scored['label'].head(3)))}**."
                + (f" People disagree most on {plain(', '.join(disagree))} (a spread of {DISAGREE} or more)."
                   if disagree else ""))
    earlier = maturity.summary(s, scope, earlier_day) if earlier_day else None
    chart, side = st.columns([5, 4], gap="medium")
    with chart:
        names = (_day(earlier_day), _day(day)) if earlier_day else ("", "")
        widgets.chart(radar(summary, earlier, names, widgets.text_px()), key="mt_radar",
                      config={"displayModeBar": False})
    with side:
        st.subheader("Weakest first", anchor=False)
        for row in scored.head(3).itertuples(index=False):  # three rows
            mean = _number(cast(float, row.mean))  # the score columns hold numbers (NaN: not scored)
            if row.people == 1:
                figures = f"score {mean} (one person)"
            elif row.spread == 0:
                figures = f"all {row.people} people scored {mean}"
            else:
                figures = f"mean {mean}, from {_number(cast(float, row.min))} to {_number(cast(float, row.max))}"
            st.markdown(f"**{plain(row.label)}** · {figures}  \n_What winners do:_ {plain(row.winners_do)}")
    st.dataframe(weakest_table(summary), hide_index=True, key="mt_table", width="stretch",
                 column_config={"What winners do": st.column_config.TextColumn(width="large"),
                                "People": st.column_config.NumberColumn(width="small")})
    if earlier_day is not None:
        st.subheader(f"From {_day(earlier_day)} to {_day(day)}", anchor=False)
        change = maturity.compare(s, scope, earlier_day, day)
        st.dataframe(pd.DataFrame({
            "Dimension": change["label"], f"Mean on {_day(earlier_day)}": change["before"].map(_number),
            f"Mean on {_day(day)}": change["after"].map(_number),
            "Change": change["delta"].map(lambda x: "unknown" if pd.isna(x) else f"{x:+.1f}")}),
            hide_index=True, key="mt_change", width="stretch")
    if not showing:
        who_scored = maturity.scored_by(s, scope, day)
        with st.expander(f"Who scored on {_day(day)} ({len(who_scored)})"):
            labels = {d.code: d.label for d in maturity.dimensions()}
            shown = who_scored.rename(columns={**maturity.SCORED_BY_HEADERS, **labels})
            st.dataframe(shown, hide_index=True, key="mt_who", column_config={
                "Assessed on": st.column_config.DateColumn(format="D MMM YYYY"),
                "Saved at (UTC)": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
                **{label: st.column_config.NumberColumn(format="%d") for label in labels.values()}})
            st.caption("Empty: not scored. A person who scored the same date twice counts with their last scores.")

if showing:
    st.stop()

allowed = maturity.assessable_scopes(s, who)
if not allowed:
    st.caption(display.may(Action.ASSESS_MATURITY, "Scoring"))
    st.stop()

gen = st.session_state.get("mt_gen", 0)
sc = maturity.scale()
st.subheader("Add your scores", anchor=False)
st.caption(f"For each dimension, choose where the scope stands today as you see it: {sc.low} is "
           f"the losers' end (left), {sc.high} the winners' end (right). Choose '{NOT_SCORED}' where you cannot "
           "judge: it stays unknown, never a middle score.")
with st.form(f"mt_form_{gen}", border=True):
    f1, f2 = st.columns([2, 1])
    form_scope = f1.selectbox("Scope", allowed, index=allowed.index(scope) if scope in allowed else 0,
                              format_func=widgets.names(allowed, scope_names), key=f"mt_form_scope_{gen}")
    form_day = f2.date_input("Date", value=date.today(), max_value=date.today(), min_value=maturity.EARLIEST,
                             format="YYYY-MM-DD", key=f"mt_form_date_{gen}")
    chosen: dict[str, object] = {}
    for i, dim in enumerate(maturity.dimensions(), start=1):
        st.markdown(f"**{i}. {plain(dim.label)}**")
        left, middle, right = st.columns([3, 4, 3], vertical_alignment="center")
        left.markdown(plain(dim.losers), text_alignment="right")
        chosen[dim.code] = middle.segmented_control(
            f"{dim.label}: {dim.losers} (1) … {dim.winners} (5)", [*sc.points, NOT_SCORED],
            key=f"mt_score_{dim.code}_{gen}", label_visibility="collapsed", width="stretch")
        right.markdown(plain(dim.winners))
    note = st.text_area("Note (optional)", max_chars=maturity.MAX_NOTE, key=f"mt_note_{gen}", height=80,
                        placeholder="What you had in mind, an example")
    saved = st.form_submit_button("Save my scores", type="primary", key="mt_save")
if saved:
    missing = [d.label for d in maturity.dimensions() if chosen[d.code] is None]
    if missing:
        st.error(f"Choose a score from {sc.low} to {sc.high}, or '{NOT_SCORED}', for: {plain(', '.join(missing))}.",
                 icon=":material/error:")
    else:
        scores = {code: None if value == NOT_SCORED else value for code, value in chosen.items()}
        widgets.run_action(
            lambda: maturity.record_assessment(s, who, form_scope, form_day, scores, note),
            toast="Saved your scores of " + plain("the organisation" if form_scope == ORGANISATION
                                                  else scope_names.get(form_scope, form_scope)),
            flags={"mt_pick": (form_scope, form_day), "mt_gen": gen + 1})
