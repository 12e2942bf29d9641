"""An account plan read, not edited: its open actions (overdue first) and its parts as tables, what nobody gave said
as not known."""

from __future__ import annotations

from datetime import date

import streamlit as st

from gtm.domain.types import ACCOUNT_PLAN_PARTS, NOT_KNOWN, AccountPlan
from gtm.services import account_plans
from pages.common import widgets
from pages.common.account_plan import keys


def show_open_actions(plan: AccountPlan, today: date) -> None:
    """The actions not done yet, overdue first, in a table (text from people: never Markdown)."""
    acts = account_plans.plan_open_actions(plan, today)
    late = int(acts["overdue"].sum()) if len(acts) else 0
    st.markdown(f"**Open actions: {len(acts):,}**" + (f" · **{late:,} overdue**" if late else ""))
    if len(acts):
        st.dataframe(acts.assign(owner=acts["owner"].replace("", "no owner yet"),
                                 overdue=acts["overdue"].map({True: "⚠ overdue", False: ""})),
                     hide_index=True, key=keys.OPEN, column_order=["action", "owner", "due", "status", "overdue"],
                     column_config={"action": st.column_config.TextColumn("Action", width="large"), "owner": "Owner",
                                    "due": st.column_config.DateColumn("Due", format="D MMM YYYY"),
                                    "status": "Status", "overdue": ""})


def show_read_only(plan: AccountPlan, bus: dict[str, str], cur: str) -> None:
    """The plan's parts as tables, what nobody gave said as not known."""
    frames = account_plans.plan_frames(plan)
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['objectives']}**")
    if plan.objectives:
        st.dataframe(frames["objectives"], hide_index=True, key=keys.OBJECTIVES_SHOWN,
                     column_config={"objective": st.column_config.TextColumn("Objective", width="large")})
    else:
        st.caption("No objective yet.")
    targets = frames["targets"].assign(bu=frames["targets"]["bu"].map(lambda b: bus.get(b, b)))
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['targets']}**")
    if len(targets):
        st.dataframe(widgets.money_table(targets, ["value"], cur), hide_index=True,
                     key=keys.TARGETS_SHOWN, column_config={"bu": "BU", "value": st.column_config.NumberColumn(
                         f"Target ({cur})"), "source": "Target from"})
    else:
        st.caption("No target per BU yet.")
    people = frames["stakeholders"]
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['stakeholders']}**")
    if len(people):
        st.dataframe(people.assign(strength=people["strength"].fillna(NOT_KNOWN),
                                   owner=people["owner"].replace("", "no owner yet")),
                     hide_index=True, key=keys.PEOPLE_SHOWN,
                     column_config={"name": "Name", "role": "Role", "strength": "Relationship",
                                    "owner": "Relationship owner"})
    else:
        st.caption("No stakeholder yet.")
