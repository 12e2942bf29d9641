"""The saved account list this session is filtered to, and the caption that says so. (pages.common.session)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.display import plain
from pages.common import cache
from pages.common.session.reads import data_version
from pages.common.session.source import database_url, workspace

# ---------------------------------------------------------------------------------------------- account lists
# The sidebar's "Accounts" chooser (?list=NAME) filters every page to a saved list's latest version (the Key
# accounts page saves them). The filtered frames are cached per list version: 100,000 accounts are filtered once.
_LIST = "gtm_list"


def _list_versions() -> pd.DataFrame:
    return cache.list_versions(database_url(), workspace(), data_version())


def list_names() -> list[str]:
    """The saved lists' names, the latest saved first."""
    frame = _list_versions()
    return list(dict.fromkeys(frame["name"].astype(str))) if len(frame) else []


def chosen_list() -> str | None:
    """The list this session is filtered to: ?list=NAME, else the one chosen before; None (every account) when
    none is chosen or the name is not saved in this workspace."""
    asked = st.query_params.get("list")
    if asked is not None:
        st.session_state[_LIST] = asked or None
    name = st.session_state.get(_LIST)
    return str(name) if name and name in list_names() else None


def use_list(name: str | None) -> None:
    """Filter every page to list ``name`` (None: every account) and say so in the address bar."""
    st.session_state[_LIST] = name
    if name:
        if st.query_params.get("list") != name:
            st.query_params["list"] = name
    elif "list" in st.query_params:
        del st.query_params["list"]


def list_scope() -> int:
    """The id of the chosen list's latest version (0: every account): the cache key of the filtered frames."""
    name = chosen_list()
    if name is None:
        return 0
    frame = _list_versions()
    return int(frame.loc[frame["name"] == name, "list_id"].iloc[0])  # newest first


def _say_list(list_id: int, accounts: int) -> None:
    """One caption on every page: which list it is filtered to."""
    frame = _list_versions()
    row = frame[frame["list_id"] == list_id].iloc[0]
    st.caption(f":material/filter_alt: Filtered to the list **{plain(row['name'])}** v{int(row['version'])} "
               f"({accounts:,} accounts); choose *all* under Accounts in the sidebar to see every account.")
