"""Which account the Account page opens: the one in the address, one found by the search, else the account with
the most value in a misfit."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.services.views import portfolio
from pages.common import present, session, widgets
from pages.common.account import keys

RESULTS = 20  # matches listed at once: the largest, so a few letters find the account that matters


def show_not_here(asked: str, list_id: int) -> None:
    """Why the account in the address is not shown (never its id in front of a room: an id may be a name)."""
    named = "" if present.presenting() else f" ({plain(asked)})"
    scope = f"the list **{plain(session.chosen_list())}** of " if list_id else ""
    st.warning(f"The account in the address{named} is not in {scope}the **{session.workspace()}** workspace, so it is "
               f"not shown; the workspace stays {session.workspace()}. Below is the account with the most value in a "
               "misfit: the search finds another.", icon=":material/search_off:")


def show_search(accounts: pd.DataFrame, chosen: str | None) -> str | None:
    """One control: a search whose matches are listed largest value first; the largest opens, a click opens another.
    The account chosen (``chosen`` when nothing is searched)."""
    query = st.text_input("Find an account", key=keys.SEARCH,
                          placeholder="Type part of a name or id: matches are listed largest value first")
    if not query.strip():
        return chosen
    found = portfolio.search_accounts(accounts, query, limit=None)
    if found.empty:
        st.warning(f"No account matches '{plain(query)}'.")
        return chosen
    top = found.head(RESULTS)
    results_key = f"{keys.RESULTS}{hashlib.sha1(query.strip().lower().encode()).hexdigest()[:10]}"
    rows = st.session_state.get(results_key, {}).get("selection", {}).get("rows", [])
    chosen = str(top["account_id"].iloc[rows[0] if rows and rows[0] < len(top) else 0])
    more = f"; the {RESULTS} largest are listed, type more to narrow" if len(found) > RESULTS else ""
    st.caption(f"{len(found):,} match{'' if len(found) == 1 else 'es'}, largest value first{more}. "
               "Click a row to open that account.")
    widgets.dataframe(
        top.assign(open=np.where(top["account_id"] == chosen, "▶", "")), ["value"], session.currency(),
        hide_index=True, key=results_key,
        on_select="rerun", selection_mode="single-row", height=35 * (min(len(top), 5) + 1) + 3,  # 5 rows, scroll
        column_order=["open", "name", "account_id", "value", "industry", "region"],
        column_config={"open": st.column_config.TextColumn("", width=30, help="The account shown below"),
                       "name": st.column_config.TextColumn("Account", width="large"), "account_id": "Id",
                       "value": st.column_config.NumberColumn(f"Value ({session.currency()})",
                                                              help="The full amount of its opportunities"),
                       "industry": "Industry", "region": "Region"})
    return chosen


def find_account(accounts: pd.DataFrame, list_id: int) -> str:
    """The account to show, kept in the address (?account=ID) so that a copied link opens it directly."""
    ids = accounts["account_id"]
    asked = st.query_params.get("account")
    chosen = asked if asked is not None and (ids == asked).any() else None
    if asked is not None and chosen is None:
        show_not_here(asked, list_id)
    chosen = show_search(accounts, chosen)
    if chosen is None:  # no link and no search: the account with the most value in a misfit
        chosen = str(ids.at[accounts["misfit_value"].idxmax()])
    if chosen != st.query_params.get("account"):
        st.query_params["account"] = chosen
    return chosen
