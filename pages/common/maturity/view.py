"""What the Maturity page shows of one date: who scored and the weakest in a sentence, the radar beside the three
weakest with what winners do, every dimension weakest first, the change from an earlier date, and who scored."""

from __future__ import annotations

from datetime import date
from typing import cast

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.services import maturity
from pages.common import widgets
from pages.common.maturity import keys
from pages.common.maturity.radar import day as day_text
from pages.common.maturity.radar import number, radar

DISAGREE = 2  # a spread this wide or wider: people see the dimension differently, worth a discussion


def weakest_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the page shows it, weakest first: text cells, "not scored" where nobody scored."""
    return pd.DataFrame({
        "Dimension": summary["label"],
        "Mean": summary["mean"].map(number),
        "Lowest–highest": [f"{number(lo)}–{number(hi)}" if p else "not scored"
                           for lo, hi, p in zip(summary["min"], summary["max"], summary["people"])],
        "Spread": summary["spread"].map(number),
        "People": summary["people"].astype(int),
        "What winners do": summary["winners_do"],
        "Losers (1)": summary["losers"],
        "Winners (5)": summary["winners"],
    })


def show_summary(summary: pd.DataFrame, whom: str, day: date) -> None:
    """How many people scored, the three weakest dimensions and where people disagree, in a sentence."""
    people = int(summary["people"].max())
    scored = summary[summary["people"] > 0]
    disagree = scored.loc[scored["spread"] >= DISAGREE, "label"].tolist()
    st.markdown(f"**{people} {'person' if people == 1 else 'people'}** scored {plain(whom)} on "
                f"{day_text(day)}. Weakest: **{plain(', '.join(scored['label'].head(3)))}**."
                + (f" People disagree most on {plain(', '.join(disagree))} (a spread of {DISAGREE} or more)."
                   if disagree else ""))


def show_weakest(summary: pd.DataFrame) -> None:
    """The three weakest scored dimensions, their figures in words and what winners do."""
    st.subheader("Weakest first", anchor=False)
    scored = summary[summary["people"] > 0]
    for row in scored.head(3).itertuples(index=False):  # three rows
        mean = number(cast(float, row.mean))  # the score columns hold numbers (NaN: not scored)
        if row.people == 1:
            figures = f"score {mean} (one person)"
        elif row.spread == 0:
            figures = f"all {row.people} people scored {mean}"
        else:
            figures = f"mean {mean}, from {number(cast(float, row.min))} to {number(cast(float, row.max))}"
        st.markdown(f"**{plain(row.label)}** · {figures}  \n_What winners do:_ {plain(row.winners_do)}")


def show_date(summary: pd.DataFrame, earlier: pd.DataFrame | None, day: date, earlier_day: date | None,
              least: float) -> None:
    """The radar beside the weakest three, then every dimension weakest first."""
    chart, side = st.columns([5, 4], gap="medium")
    with chart:
        names = (day_text(earlier_day), day_text(day)) if earlier_day else ("", "")
        widgets.chart(radar(summary, earlier, names, least), key=keys.RADAR, config={"displayModeBar": False})
    with side:
        show_weakest(summary)
    st.dataframe(weakest_table(summary), hide_index=True, key=keys.TABLE, width="stretch",
                 column_config={"What winners do": st.column_config.TextColumn(width="large"),
                                "People": st.column_config.NumberColumn(width="small")})


def show_change(change: pd.DataFrame, earlier_day: date, day: date) -> None:
    """Each dimension's mean on both dates and the change."""
    st.subheader(f"From {day_text(earlier_day)} to {day_text(day)}", anchor=False)
    st.dataframe(pd.DataFrame({
        "Dimension": change["label"], f"Mean on {day_text(earlier_day)}": change["before"].map(number),
        f"Mean on {day_text(day)}": change["after"].map(number),
        "Change": change["delta"].map(lambda x: "unknown" if pd.isna(x) else f"{x:+.1f}")}),
        hide_index=True, key=keys.CHANGE, width="stretch")


def show_who_scored(who_scored: pd.DataFrame, day: date) -> None:
    """Each person's scores of the date, in an expander."""
    with st.expander(f"Who scored on {day_text(day)} ({len(who_scored)})"):
        labels = {d.code: d.label for d in maturity.dimensions()}
        shown = who_scored.rename(columns={**maturity.SCORED_BY_HEADERS, **labels})
        st.dataframe(shown, hide_index=True, key=keys.WHO, column_config={
            "Assessed on": st.column_config.DateColumn(format="D MMM YYYY"),
            "Saved at (UTC)": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm"),
            **{label: st.column_config.NumberColumn(format="%d") for label in labels.values()}})
        st.caption("Empty: not scored. A person who scored the same date twice counts with their last scores.")
