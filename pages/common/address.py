"""The address carries where a person is: the workspace on view, presentation mode and the account list in force
(``?workspace=demo&present=1&list=NAME``), on every page, after every click and across a reload.

A reload starts a new session that knows only its address, so the address must say it at all times. Streamlit's own
navigation links carry no parameters: ``keep`` puts them back at the start of every run (before anything is drawn,
so a switch to another page takes them along), and every link the app builds carries them (``here``,
``account_links``, ``links``): st.page_link, a table's link column, a link to copy.
"""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

from pages.common import present, session

_UNKNOWN = "gtm_address_unknown_workspace"  # a workspace the address named and no store holds: said in the sidebar


def keep() -> None:
    """At the start of every run: the session's workspace (the room's while presenting), presentation mode and list
    back into the address; a workspace or list name it holds and nothing here knows is replaced or dropped."""
    asked = st.query_params.get("workspace")
    present.hold_room()  # while presenting, the room's workspace whatever was asked
    workspace = session.workspace()
    if asked is not None and asked not in session.WORKSPACES and not present.presenting():
        st.session_state[_UNKNOWN] = asked  # the sidebar says so (presentation mode says it at the top)
    session.use_workspace(workspace)
    if present.presenting() and st.query_params.get("present") != "1":
        st.query_params["present"] = "1"
    session.use_list(session.chosen_list())


def unknown_workspace() -> str | None:
    """The workspace name the address asked for on this run that no store holds (taken once), or None."""
    name = st.session_state.pop(_UNKNOWN, None)
    return None if name is None else str(name)


def here(**more: str) -> dict[str, str]:
    """The parameters every link the app builds carries (workspace, presentation mode, list), then the link's own
    (``more``: e.g. ``account=ACC-1``, or another ``workspace``)."""
    place = {"workspace": session.workspace()}
    if present.presenting():
        place["present"] = "1"
    if name := session.chosen_list():
        place["list"] = name
    return {**place, **more}


def links(page: str, param: str, values: pd.Series | np.ndarray) -> pd.Series:
    """Links for a table's link column: ``page?workspace=…[&present=1][&list=…]&param=value`` per value, the
    value last so that a column's ``display_text`` can read it (``param=(.*)``)."""
    return f"{page}?{urlencode(here())}&{param}=" + pd.Series(values).astype(str)


def account_links(account_ids: pd.Series, page: str = "account") -> pd.Series:
    """Links to the Account page that keep the place: ``account?workspace=demo&account=ACC-1``."""
    return links(page, "account", account_ids)
