"""Step 3: the focus list ranked from the BU leaders' picks (most BUs first, then value), with an optional target,
and saving it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import count, money, plain
from gtm.domain.types import Actor, FunnelRules
from gtm.services import lists as lists_service
from gtm.services.workspaces import Store
from pages.common import widgets
from pages.common.key_accounts import keys
from pages.common.key_accounts.state import SHOWN, Lists, pipeline_column


def show_focus_list(ranked: pd.DataFrame, cur: str) -> pd.DataFrame:
    """The shortlist's accounts ranked for focus, with why in or out; returns those in it."""
    infocus = ranked[ranked["in_list"]]
    st.markdown(f"**{count(len(infocus), 'account')}** picked into focus, "
                f"**{plain(money(float(infocus['value'].sum()), cur))}** of pipeline (most BUs first, then value).")
    st.dataframe(widgets.money_table(ranked[["rank", "account_id", "name", "value", "bus", "picked_by", "reason"]]
                                     .head(SHOWN), ["value"], cur),
                 hide_index=True, width="stretch", key=keys.FOCUS, height=300,
                 column_config={"rank": "Rank", "account_id": "Account", "name": "Name",
                                "value": pipeline_column(cur),
                                "bus": "BUs", "picked_by": "Picked by BUs", "reason": "Why in or out"})
    return infocus


def show_save_focus(store: Store, who: Actor, lists: Lists, pipeline: pd.Series, infocus: pd.DataFrame,
                    focus_n: int, rules: FunnelRules, cur: str, columns: list[Any]) -> None:
    """A list manager sets the target (said back in words), names and saves the focus list."""
    assert lists.short is not None  # a focus list is built on a saved shortlist
    short, f2, f3 = lists.short, columns[1], columns[2]
    deck = rules.deck_target
    target = f2.number_input(f"Incremental-sales target ({cur})", min_value=0.0, value=0.0, step=100_000_000.0,
                             format="%.0f", key=keys.TARGET,
                             help=f"Optional. The deck's case: {money(deck.low, 'USD')}–{money(deck.high, 'USD')} "
                                  f"over {deck.years} years.")
    years = f3.number_input("Over years", min_value=1, max_value=10, value=deck.years, key=keys.YEARS)
    # Said back in words: a digit too many or too few in a raw amount is easy to miss.
    f2.caption(f"= {money(target, cur)} over {years} years" if target else "No target")
    g1, g2 = st.columns([3, 1], vertical_alignment="bottom")
    focus_name = g1.text_input("Focus list name", value=str(lists.focus["name"]) if lists.focus else "Focus list",
                               key=keys.FOCUS_NAME, max_chars=lists_service.MAX_NAME)
    if g2.button("Save focus list", key=keys.SAVE_FOCUS, type="primary", icon=":material/save:",
                 disabled=infocus.empty):
        list_name, list_version = str(short["name"]), int(short["version"])  # the shortlist picked on
        widgets.run_action(lambda: lists_service.save_focus_list(
            store, who, list_name, pipeline, top_n=focus_n, name=focus_name,
            target_value=float(target) or None, target_years=int(years) if target else None,
            shortlist_version=list_version),
            toast=f"Focus list saved ({len(infocus)} accounts)")


def show_focus(store: Store, who: Actor, lists: Lists, accounts: pd.DataFrame, pipeline: pd.Series,
               rules: FunnelRules, cur: str, *, showing: bool, manager: bool) -> None:
    """Step 3: how many focus accounts, the ranked list, and (for a list manager) its target and saving."""
    st.subheader("Focus list: the accounts the BU leaders picked", anchor=False)
    if not lists.short:
        st.info("The focus list is built from the BU leaders' picks on a saved shortlist.", icon=":material/info:")
        return
    columns = st.columns(3, vertical_alignment="bottom")
    focus_n = rules.focus_size if showing else int(columns[0].number_input(
        "Focus accounts", min_value=1, max_value=max(1, len(lists.short_ids)),
        value=max(1, min(rules.focus_size, len(lists.short_ids))),
        key=keys.FOCUS_N))
    ranked = lists_service.focus_from_picks(store, lists.short, pipeline, focus_n)
    ranked = ranked.merge(accounts[["account_id", "name"]], on="account_id", how="left")
    infocus = show_focus_list(ranked, cur)
    if manager:
        show_save_focus(store, who, lists, pipeline, infocus, focus_n, rules, cur, list(columns))
