"""The plan's figures and timeline, its dates, saving it as a version, the saved versions and the export."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import STATUSES, Action, Actor, GtmError, Plan, Schedule
from gtm.services import plans
from gtm.services.workspaces import Store
from pages.common import widgets
from pages.common.plan import keys
from pages.common.plan.source import source_key
from pages.common.plan.timeline import timeline


def show_board(sched: Schedule, problem: GtmError | None, *, compact: bool, least: float) -> None:
    """The edits' problem if any, the plan's weeks, dates, activities done and without an owner, and the timeline."""
    acts = sched.activities
    if problem is not None:
        widgets.show_error(problem)
        st.caption("The timeline shows the plan as loaded until the table below is valid.")
    done = int((acts["status"] == "done").sum())
    unowned = int((acts["owner"] == "").sum())
    st.markdown(f"**{sched.weeks:g} weeks**, {sched.start:%d %b %Y} → {sched.end:%d %b %Y} · **{done}** of "
                f"{len(acts)} activities done · **{unowned}** without an owner yet", help=", ".join(
                    f"{int((acts['status'] == k).sum())} {k}" for k in STATUSES))
    widgets.chart(timeline(sched, date.today(), compact=compact, least=least), key=keys.TIMELINE,
                  config={"displayModeBar": False})


def show_dates(frame: pd.DataFrame) -> None:
    """Every activity with its dates (the export's table)."""
    dates: dict[str, Any] = {c: st.column_config.DateColumn(c, format="D MMM YYYY") for c in ("Start", "End")}
    st.dataframe(frame, hide_index=True, key=keys.DATES,
                 column_config={**dates, "Weeks": st.column_config.NumberColumn(format="%g")})


def show_save(store: Store, who: Actor, name: str, start: date, plan: Plan, list_name: str | None, gen: int,
              problem: GtmError | None) -> None:
    """A facilitator saves the plan under a name as its next version, then sees that version with fresh fields."""
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    name = c1.text_input("Save as", value=name, key=keys.name(gen), max_chars=plans.MAX_NAME,
                         help="Each save is a new version of the plan's name; earlier versions are kept.")
    if c2.button("Save plan", type="primary", key=keys.SAVE, disabled=problem is not None, width="stretch"):
        def saved_flags(version: int) -> dict[str, object]:
            return {keys.PICK: source_key(name.strip(), version), keys.GEN: gen + 1}

        widgets.run_action(lambda: plans.save_plan(store, who, name, start, plan, list_name),
                           toast=f"Saved the plan '{plain(name.strip())}'", flags=saved_flags)


def show_may_not_edit() -> None:
    """Who may edit and save the plan, for someone who may not."""
    st.caption(display.may(Action.EDIT_PLAN, "Editing and saving the plan"))


def show_versions(saved: pd.DataFrame) -> None:
    """The saved versions: name, version, start, the accounts it is for, who saved it when."""
    st.subheader("Saved versions", anchor=False)
    if saved.empty:
        st.caption("No plan saved yet: the default plan is shown.")
        return
    st.dataframe(saved.assign(list_name=saved["list_name"].fillna("not said")).rename(columns=plans.VERSION_HEADERS),
                 hide_index=True, key=keys.VERSIONS,
                 column_config={"Start": st.column_config.DateColumn(format="D MMM YYYY"),
                                "Saved at (UTC)": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")})


def show_export(plan: Plan, start: date) -> None:
    """The plan's activities with their dates as CSV (European or not) and XLSX."""
    st.subheader("Export", anchor=False)
    st.caption("The plan's activities with their dates, under the headers above. Formulas are neutralised: a cell "
               "starting with = + - @ opens as text.")
    european = widgets.european_csv(keys.EUROPEAN)
    exports = st.container(horizontal=True)
    exports.download_button("Plan (CSV)", lambda: plans.export_csv(plan, start, european=european),
                            file_name=f"gtm-plan-{start:%Y-%m-%d}.csv", mime="text/csv", key=keys.EXPORT_CSV,
                            on_click="ignore")
    exports.download_button("Plan (XLSX)", lambda: plans.export_xlsx(plan, start),
                            file_name=f"gtm-plan-{start:%Y-%m-%d}.xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=keys.EXPORT_XLSX, on_click="ignore")
