"""An account plan's editors, one per part (objectives, targets per BU, stakeholders, actions), started from the
latest version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from gtm.domain.types import (
    ACCOUNT_PLAN_ACCEPTED,
    ACCOUNT_PLAN_MAX_NAME,
    ACCOUNT_PLAN_MAX_TEXT,
    ACCOUNT_PLAN_PARTS,
    STATUSES,
    STRENGTHS,
    AccountPlan,
)
from gtm.services import account_plans
from pages.common import widgets
from pages.common.account_plan import keys


def show_editors(plan: AccountPlan | None, bus: dict[str, str], gen: str, cur: str) -> dict[str, pd.DataFrame]:
    """One editor per part of the plan, started from ``plan``; returns what they hold."""
    frames = account_plans.plan_frames(plan)
    edited: dict[str, pd.DataFrame] = {}
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['objectives']}**")
    edited["objectives"] = st.data_editor(
        frames["objectives"], num_rows="dynamic", hide_index=True, key=keys.part("objectives", gen), width="stretch",
        column_config={"objective": st.column_config.TextColumn("Objective", max_chars=ACCOUNT_PLAN_MAX_TEXT,
                                                                width="large")})
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['targets']}**")
    # Streamlit types a select column's format_func over every option type (str, int, float, bool); ours are BU ids.
    bu_name: Callable[[Any], str] = widgets.names(list(bus), bus)
    edited["targets"] = st.data_editor(
        frames["targets"], num_rows="dynamic", hide_index=True, key=keys.part("targets", gen), width="stretch",
        column_config={
            "bu": st.column_config.SelectboxColumn("BU", options=list(bus), format_func=bu_name,
                                                   required=True),
            "value": st.column_config.NumberColumn(f"Target ({cur})", min_value=0.0, format="localized",
                                                   help="What the BU aims to sell at this account beyond today"),
            "source": st.column_config.SelectboxColumn("Target from", options=["entered", "whitespace"],
                                                       default="entered", help=ACCOUNT_PLAN_ACCEPTED["source"])})
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['stakeholders']}**")
    edited["stakeholders"] = st.data_editor(
        frames["stakeholders"], num_rows="dynamic", hide_index=True, key=keys.part("people", gen), width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Name", max_chars=ACCOUNT_PLAN_MAX_NAME),
            "role": st.column_config.TextColumn("Role", max_chars=ACCOUNT_PLAN_MAX_NAME),
            "strength": st.column_config.SelectboxColumn("Relationship", options=list(STRENGTHS),
                                                         help="How strong our relationship is; empty: not known"),
            "owner": st.column_config.TextColumn("Relationship owner", max_chars=ACCOUNT_PLAN_MAX_NAME,
                                                 help="Who on our side owns the relationship")})
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['actions']}**")
    edited["actions"] = st.data_editor(
        frames["actions"], num_rows="dynamic", hide_index=True, key=keys.part("actions", gen), width="stretch",
        column_config={
            "action": st.column_config.TextColumn("Action", max_chars=ACCOUNT_PLAN_MAX_TEXT, width="large"),
            "owner": st.column_config.TextColumn("Owner", max_chars=ACCOUNT_PLAN_MAX_NAME),
            "due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
            "status": st.column_config.SelectboxColumn("Status", options=list(STATUSES),
                                                       default="not started", required=True)})
    return edited
