"""The Key accounts page's head: what the funnel is, its figures per stage with the focus target, and which of the
deck's three steps is the current one."""

from __future__ import annotations

from typing import cast

import pandas as pd
import streamlit as st

from gtm.display import money, plain
from gtm.domain.types import FunnelRules
from pages.common.key_accounts.state import Lists

STAGES = ["1 · Long list → shortlist", "2 · Shortlist: the BUs' picks", "3 · Focus list", "The funnel and saved lists"]


def show_intro(rules: FunnelRules, sidebar_list: str | None) -> None:
    """The page's title and what the funnel narrows to; the sidebar's list, if any, does not filter it."""
    st.title("Key accounts")
    st.caption(f"The deck's funnel: every potential account, narrowed to {rules.shortlist_size} on size of "
               f"opportunity and ease of access, then to the {rules.focus_size} of most interest to the BU leaders.")
    if sidebar_list is not None:
        st.caption(f"The sidebar's list **{plain(sidebar_list)}** does not filter this page: the funnel starts from "
                   "every account.")


def show_figures(stages: pd.DataFrame, target_value: float | None, target_years: int | None, cur: str) -> None:
    """Each stage's accounts and pipeline, and the focus list's target."""
    cols = st.columns(4)
    for col, row in zip(cols, stages.itertuples()):
        col.metric(str(row.stage), f"{row.accounts:,}", f"{money(cast(float, row.value), cur)} pipeline",
                   delta_color="off", delta_arrow="off")
    cols[3].metric("Focus target", money(target_value, cur) if target_value else "not set",
                   f"over {target_years} years" if target_years else "incremental sales", delta_color="off",
                   delta_arrow="off")


def step_now(lists: Lists) -> int:
    """The current step: no shortlist yet, the long list (0); a shortlist newer than the focus list, the BU leaders'
    picks on it (1); else the focus list (2)."""
    short, focus = lists.short, lists.focus
    return 0 if not short else 2 if focus and int(focus["list_id"]) > int(short["list_id"]) else 1


def show_step(now: int, lists: Lists, accounts: int) -> None:
    """The current step of the three, in a sentence."""
    if now == 0:
        st.caption(f"**Now: step 1 of 3.** Narrow the long list of {accounts:,} accounts to a shortlist on size of "
                   "opportunity and ease of access, and save it.")
    elif now == 1:
        assert lists.short is not None  # step 2: a shortlist is saved
        st.caption(f"**Now: step 2 of 3.** The BU leaders score and pick the accounts of interest on the shortlist "
                   f"**{plain(lists.short['name'])}** v{lists.short['version']}; the focus list (step 3) is built "
                   "from their picks.")
    else:
        assert lists.focus is not None  # step 3 done: a focus list is saved
        st.caption(f"The focus list **{plain(lists.focus['name'])}** v{lists.focus['version']} is saved: the three "
                   "steps are done. A new shortlist (step 1) starts them again.")
