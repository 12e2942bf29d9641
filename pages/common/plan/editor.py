"""A facilitator's editors of the plan: per phase its length and a table of its activities (offset, weeks, owner,
status); the plan they make, or the problem that stops it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.domain.types import NOT_STARTED, PLAN_MAX_NAME, PLAN_MAX_OWNER, PLAN_MAX_WEEKS, STATUSES, GtmError, Plan
from gtm.services import plans
from pages.common.plan import keys

# Column widths (px): with the row marker they fit the main area at 1280 px, sidebar open (about 820 px).
WIDTHS = {"activity": 320, "offset": 125, "weeks": 80, "owner": 140, "status": 115}


def _columns() -> dict[str, Any]:
    return {
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
    }


def show_editor(base: Plan, gen: int) -> tuple[Plan, GtmError | None]:
    """Each phase's length and activities as editors; the edited plan, or ``base`` and the problem with the edits."""
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
            format="%g", key=keys.phase(i, gen), help="How long the phase lasts, unless an activity ends later")
        rows = all_rows[all_rows["phase"] == phase.name].drop(columns="phase").reset_index(drop=True)
        edited = st.data_editor(
            rows, num_rows="dynamic", hide_index=True, key=keys.rows(i, gen), width="stretch",
            column_order=["activity", "offset", "weeks", "owner", "status"], column_config=_columns())
        edited_parts.append(edited.assign(phase=phase.name))
    try:
        return plans.plan_from_rows(base, pd.concat(edited_parts, ignore_index=True), phase_weeks), None
    except GtmError as exc:
        return base, exc
