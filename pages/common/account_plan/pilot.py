"""The Plan page's "pilot account planning": from the plan's activity to the focus accounts' plans, how many have one,
their open and overdue actions, a link to each, and all of them as one XLSX."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import count, plain
from gtm.services import account_plans, lists
from gtm.services.workspaces import Store
from pages.common import address, session
from pages.common.account_plan import keys


def show_pilot_planning(store: Store, activity: dict[str, Any] | None) -> None:
    """The Plan page's link from "KAM pilots: pilot account planning" to the focus accounts' plans: how many have
    one, their open and overdue actions, a link to each, and all of them as one XLSX."""
    st.subheader("Pilot account planning", anchor="pilot-account-planning")
    focus = lists.latest_list(store, stage="focus")
    if activity is not None:
        st.caption(f"The plan's activity **{plain(activity['activity'])}**: {plain(activity['status'])}"
                   + (f", {plain(activity['owner'])}" if activity.get("owner") else "") + ".")
    if focus is None:
        st.caption("No focus list yet: account plans are written for the focus accounts once the Key accounts page "
                   "has saved one.")
        return
    ids = lists.members(store, int(focus["list_id"]))
    names = session.data(every_account=True).accounts.set_index("account_id")["name"]
    table = account_plans.summary(store, ids, names)
    planned = int((table["version"] > 0).sum())
    st.markdown(f"**{planned:,} of the {count(len(ids), 'focus account')}** of {plain(focus['name'])} have a plan · "
                f"**{int(table['open_actions'].fillna(0).sum()):,}** open actions, "
                f"**{int(table['overdue_actions'].fillna(0).sum()):,}** overdue.")
    table = table.assign(link=address.account_links(table["account_id"]) + f"#{keys.ANCHOR}",
                         plan=table["version"].map(lambda v: f"version {v}" if v else "no plan yet"))
    st.dataframe(table, hide_index=True, key=keys.PILOT_PLANS,
                 column_order=["account_name", "link", "plan", "saved_by", "objectives", "open_actions",
                               "overdue_actions"],
                 column_config={"account_name": "Account",
                                "link": st.column_config.LinkColumn("Plan", display_text=r"account=([^#]*)"),
                                "plan": "Version", "saved_by": "Saved by", "objectives": "Objectives",
                                "open_actions": "Open actions", "overdue_actions": "Overdue"})
    st.caption("Open a focus account's plan (the Account page, its section \"Account plan\"):")
    row = st.container(horizontal=True, gap="small", key=keys.PILOT_LINKS)
    for account_id, name in zip(table["account_id"], table["account_name"], strict=True):
        row.page_link("pages/account.py", label=str(name if pd.notna(name) else account_id),
                      icon=":material/assignment:", query_params=address.here(account=str(account_id)))
    if planned:
        st.download_button("The focus accounts' plans (XLSX)", lambda: account_plans.export_xlsx(store, ids, names),
                           file_name="gtm-account-plans.xlsx", mime=account_plans.MIME_XLSX, key=keys.PILOT_XLSX,
                           on_click="ignore")


def planning_activity(schedule: pd.DataFrame) -> dict[str, Any] | None:
    """The schedule's pilot account planning activity (its name says so), or None when the plan has none."""
    found = schedule[schedule["activity"].astype(str).str.casefold().str.contains("account planning")]
    return None if found.empty else {str(k): v for k, v in found.iloc[0].to_dict().items()}
