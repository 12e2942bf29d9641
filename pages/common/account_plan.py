"""Account plans on the pages (issue 25, item 4): the Account page's "Account plan" section, and the Plan page's
"pilot account planning" activity linking to the focus accounts' plans. Kept apart from the pages' own code: each
page calls one function."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import count, plain
from gtm.domain.types import (
    ACCOUNT_PLAN_ACCEPTED,
    ACCOUNT_PLAN_MAX_NAME,
    ACCOUNT_PLAN_MAX_TEXT,
    ACCOUNT_PLAN_PARTS,
    NOT_KNOWN,
    STATUSES,
    STRENGTHS,
    AccountPlan,
    Actor,
)
from gtm.services import account_plans, lists
from gtm.services.workspaces import Store
from pages.common import address, present, session, widgets

ANCHOR = "account-plan"
STRENGTH_WORDS = {"strong": "strong", "medium": "medium", "weak": "weak"}


def _open_actions(plan: AccountPlan, today: date) -> None:
    """The actions not done yet, overdue first, in a table (text from people: never Markdown)."""
    acts = account_plans.plan_open_actions(plan, today)
    late = int(acts["overdue"].sum()) if len(acts) else 0
    st.markdown(f"**Open actions: {len(acts):,}**" + (f" · **{late:,} overdue**" if late else ""))
    if len(acts):
        st.dataframe(acts.assign(owner=acts["owner"].replace("", "no owner yet"),
                                 overdue=acts["overdue"].map({True: "⚠ overdue", False: ""})),
                     hide_index=True, key="ap_open", column_order=["action", "owner", "due", "status", "overdue"],
                     column_config={"action": st.column_config.TextColumn("Action", width="large"), "owner": "Owner",
                                    "due": st.column_config.DateColumn("Due", format="D MMM YYYY"),
                                    "status": "Status", "overdue": ""})


def _read_only(plan: AccountPlan, bus: dict[str, str]) -> None:
    """The plan's parts as tables, what nobody gave said as not known."""
    frames = account_plans.plan_frames(plan)
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['objectives']}**")
    if plan.objectives:
        st.dataframe(frames["objectives"], hide_index=True, key="ap_objectives_shown",
                     column_config={"objective": st.column_config.TextColumn("Objective", width="large")})
    else:
        st.caption("No objective yet.")
    targets = frames["targets"].assign(bu=frames["targets"]["bu"].map(lambda b: bus.get(b, b)))
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['targets']}**")
    if len(targets):
        st.dataframe(widgets.money_table(targets, ["value"], session.currency()), hide_index=True,
                     key="ap_targets_shown", column_config={"bu": "BU", "value": st.column_config.NumberColumn(
                         f"Target ({session.currency()})"), "source": "Target from"})
    else:
        st.caption("No target per BU yet.")
    people = frames["stakeholders"]
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['stakeholders']}**")
    if len(people):
        st.dataframe(people.assign(strength=people["strength"].fillna(NOT_KNOWN),
                                   owner=people["owner"].replace("", "no owner yet")),
                     hide_index=True, key="ap_people_shown",
                     column_config={"name": "Name", "role": "Role", "strength": "Relationship",
                                    "owner": "Relationship owner"})
    else:
        st.caption("No stakeholder yet.")


def _editors(plan: AccountPlan | None, bus: dict[str, str], gen: str) -> dict[str, pd.DataFrame]:
    """One editor per part of the plan, started from ``plan``; returns what they hold."""
    frames = account_plans.plan_frames(plan)
    cur = session.currency()
    edited: dict[str, pd.DataFrame] = {}
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['objectives']}**")
    edited["objectives"] = st.data_editor(
        frames["objectives"], num_rows="dynamic", hide_index=True, key=f"ap_objectives_{gen}", width="stretch",
        column_config={"objective": st.column_config.TextColumn("Objective", max_chars=ACCOUNT_PLAN_MAX_TEXT,
                                                                width="large")})
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['targets']}**")
    # Streamlit types a select column's format_func over every option type (str, int, float, bool); ours are BU ids.
    bu_name: Callable[[Any], str] = widgets.names(list(bus), bus)
    edited["targets"] = st.data_editor(
        frames["targets"], num_rows="dynamic", hide_index=True, key=f"ap_targets_{gen}", width="stretch",
        column_config={
            "bu": st.column_config.SelectboxColumn("BU", options=list(bus), format_func=bu_name,
                                                   required=True),
            "value": st.column_config.NumberColumn(f"Target ({cur})", min_value=0.0, format="localized",
                                                   help="What the BU aims to sell at this account beyond today"),
            "source": st.column_config.SelectboxColumn("Target from", options=["entered", "whitespace"],
                                                       default="entered", help=ACCOUNT_PLAN_ACCEPTED["source"])})
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['stakeholders']}**")
    edited["stakeholders"] = st.data_editor(
        frames["stakeholders"], num_rows="dynamic", hide_index=True, key=f"ap_people_{gen}", width="stretch",
        column_config={
            "name": st.column_config.TextColumn("Name", max_chars=ACCOUNT_PLAN_MAX_NAME),
            "role": st.column_config.TextColumn("Role", max_chars=ACCOUNT_PLAN_MAX_NAME),
            "strength": st.column_config.SelectboxColumn("Relationship", options=list(STRENGTHS),
                                                         help="How strong our relationship is; empty: not known"),
            "owner": st.column_config.TextColumn("Relationship owner", max_chars=ACCOUNT_PLAN_MAX_NAME,
                                                 help="Who on our side owns the relationship")})
    st.markdown(f"**{ACCOUNT_PLAN_PARTS['actions']}**")
    edited["actions"] = st.data_editor(
        frames["actions"], num_rows="dynamic", hide_index=True, key=f"ap_actions_{gen}", width="stretch",
        column_config={
            "action": st.column_config.TextColumn("Action", max_chars=ACCOUNT_PLAN_MAX_TEXT, width="large"),
            "owner": st.column_config.TextColumn("Owner", max_chars=ACCOUNT_PLAN_MAX_NAME),
            "due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
            "status": st.column_config.SelectboxColumn("Status", options=list(STATUSES),
                                                       default="not started", required=True)})
    return edited


def show_account_plan(store: Store, who: Actor, account: pd.Series, business_units: pd.DataFrame) -> None:
    """The Account page's "Account plan" section: the latest version (objectives, targets per BU, stakeholders,
    actions, the open ones first), its editors for who may edit, earlier versions and the XLSX export."""
    account_id = str(account["account_id"])
    owner = account["owner"] if pd.notna(account.get("owner")) else None
    st.divider()
    st.subheader("Account plan", anchor=ANCHOR)
    saved = account_plans.latest_plan(store, account_id)
    on_focus = account_id in set(account_plans.focus_accounts(store))
    if saved is None and not on_focus:
        st.caption("Account plans are for the focus accounts (the deck's pilot account planning); this account is on "
                   "no focus list. The Key accounts page builds the focus list.")
        return
    today = date.today()
    bus = {str(b): str(n) for b, n in zip(business_units["bu_id"], business_units["name"], strict=True)}
    if saved is None:
        st.caption("No plan saved yet for this focus account.")
    else:
        st.caption(f"Version {saved.version}, saved by {plain(saved.saved_by)}"
                   + (f" on {saved.saved_at:%-d %b %Y}" if saved.saved_at else "")
                   + ("" if on_focus else " · this account is no longer on a focus list"))
        _open_actions(saved.plan, today)
    may = account_plans.may_edit(who, owner)
    if may and on_focus and not present.presenting():
        gen = f"{account_id}_{saved.version if saved else 0}_{st.session_state.get('ap_gen', 0)}"
        st.caption("Edit the plan in the tables below; each save is a new version and earlier versions are kept. "
                   "Rows left empty are skipped.")
        edited = _editors(saved.plan if saved else None, bus, gen)
        note = st.text_input("Note on this version", key=f"ap_note_{gen}", max_chars=2000)
        if st.button("Save the plan", type="primary", key="ap_save"):
            def save() -> int:
                return account_plans.save_plan(store, who, account_id, account_plans.plan_from_frames(edited, note),
                                               expected_version=saved.version if saved else 0)

            widgets.run_action(save, toast="Account plan saved",
                               flags={"ap_gen": st.session_state.get("ap_gen", 0) + 1})
    else:
        if saved is not None:
            _read_only(saved.plan, bus)
        if present.presenting():
            st.caption("Editing the plan is hidden in presentation mode.")
        elif not may:
            st.caption(account_plans.why_not_edit(who, owner))
    if saved is not None:
        history = account_plans.versions(store, account_id)
        with st.expander(f"{count(len(history), 'version')} saved"):
            st.dataframe(history, hide_index=True, key="ap_versions",
                         column_config={"version": "Version", "saved_by": "Saved by", "role": "Role",
                                        "saved_at": st.column_config.DatetimeColumn("Saved at (UTC)",
                                                                                    format="D MMM YYYY, HH:mm"),
                                        "objectives": "Objectives", "actions": "Actions",
                                        "open_actions": "Open actions"})
        st.download_button("This plan (XLSX)", lambda: account_plans.export_xlsx(
            store, [account_id], pd.Series({account_id: account.get("name")})),
            file_name=f"gtm-account-plan-{account_id}.xlsx", mime=account_plans.MIME_XLSX, key="ap_export",
            on_click="ignore")


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
    table = table.assign(link=address.account_links(table["account_id"]) + f"#{ANCHOR}",
                         plan=table["version"].map(lambda v: f"version {v}" if v else "no plan yet"))
    st.dataframe(table, hide_index=True, key="pl_account_plans",
                 column_order=["account_name", "link", "plan", "saved_by", "objectives", "open_actions",
                               "overdue_actions"],
                 column_config={"account_name": "Account",
                                "link": st.column_config.LinkColumn("Plan", display_text=r"account=([^#]*)"),
                                "plan": "Version", "saved_by": "Saved by", "objectives": "Objectives",
                                "open_actions": "Open actions", "overdue_actions": "Overdue"})
    st.caption("Open a focus account's plan (the Account page, its section \"Account plan\"):")
    row = st.container(horizontal=True, gap="small", key="pl_plan_links")
    for account_id, name in zip(table["account_id"], table["account_name"], strict=True):
        row.page_link("pages/account.py", label=str(name if pd.notna(name) else account_id),
                      icon=":material/assignment:", query_params=address.here(account=str(account_id)))
    if planned:
        st.download_button("The focus accounts' plans (XLSX)", lambda: account_plans.export_xlsx(store, ids, names),
                           file_name="gtm-account-plans.xlsx", mime=account_plans.MIME_XLSX, key="pl_account_plans_xlsx",
                           on_click="ignore")


def planning_activity(schedule: pd.DataFrame) -> dict[str, Any] | None:
    """The schedule's pilot account planning activity (its name says so), or None when the plan has none."""
    found = schedule[schedule["activity"].astype(str).str.casefold().str.contains("account planning")]
    return None if found.empty else {str(k): v for k, v in found.iloc[0].to_dict().items()}
