"""The Account page's "Account plan" section: the latest version (objectives, targets per BU, stakeholders,
actions, the open ones first), its editors for who may edit, earlier versions and the XLSX export."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from gtm.display import count, plain
from gtm.domain.types import Actor
from gtm.services import account_plans
from gtm.services.workspaces import Store
from pages.common import present, session, widgets
from pages.common.account_plan import keys
from pages.common.account_plan.editors import show_editors
from pages.common.account_plan.tables import show_open_actions, show_read_only


def show_versions(store: Store, account_id: str, account_name: object) -> None:
    """Every saved version of the account's plan, and this plan as XLSX."""
    history = account_plans.versions(store, account_id)
    with st.expander(f"{count(len(history), 'version')} saved"):
        st.dataframe(history, hide_index=True, key=keys.VERSIONS,
                     column_config={"version": "Version", "saved_by": "Saved by", "role": "Role",
                                    "saved_at": st.column_config.DatetimeColumn("Saved at (UTC)",
                                                                                format="D MMM YYYY, HH:mm"),
                                    "objectives": "Objectives", "actions": "Actions",
                                    "open_actions": "Open actions"})
    st.download_button("This plan (XLSX)", lambda: account_plans.export_xlsx(
        store, [account_id], pd.Series({account_id: account_name})),
        file_name=f"gtm-account-plan-{account_id}.xlsx", mime=account_plans.MIME_XLSX, key=keys.EXPORT,
        on_click="ignore")


def show_account_plan(store: Store, who: Actor, account: pd.Series, business_units: pd.DataFrame) -> None:
    """The Account page's "Account plan" section: the latest version (objectives, targets per BU, stakeholders,
    actions, the open ones first), its editors for who may edit, earlier versions and the XLSX export."""
    account_id = str(account["account_id"])
    owner = account["owner"] if pd.notna(account.get("owner")) else None
    st.divider()
    st.subheader("Account plan", anchor=keys.ANCHOR)
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
        show_open_actions(saved.plan, today)
    may = account_plans.may_edit(who, owner)
    if may and on_focus and not present.presenting():
        gen = f"{account_id}_{saved.version if saved else 0}_{st.session_state.get(keys.GEN, 0)}"
        st.caption("Edit the plan in the tables below; each save is a new version and earlier versions are kept. "
                   "Rows left empty are skipped.")
        edited = show_editors(saved.plan if saved else None, bus, gen, session.currency())
        note = st.text_input("Note on this version", key=keys.note(gen), max_chars=2000)
        if st.button("Save the plan", type="primary", key=keys.SAVE):
            def save() -> int:
                return account_plans.save_plan(store, who, account_id, account_plans.plan_from_frames(edited, note),
                                               expected_version=saved.version if saved else 0)

            widgets.run_action(save, toast="Account plan saved",
                               flags={keys.GEN: st.session_state.get(keys.GEN, 0) + 1})
    else:
        if saved is not None:
            show_read_only(saved.plan, bus, session.currency())
        if present.presenting():
            st.caption("Editing the plan is hidden in presentation mode.")
        elif not may:
            st.caption(account_plans.why_not_edit(who, owner))
    if saved is not None:
        show_versions(store, account_id, account.get("name"))
