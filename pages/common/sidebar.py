"""The shared sidebar's parts: the workspace and account-list choosers and where the data comes from."""

from __future__ import annotations

import streamlit as st

from gtm.display import plain
from gtm.domain.types import GtmError
from pages.common import address, session
from pages.common.widgets import show_error


def _list_name(name: str) -> str:
    return name or "all accounts"


_WORKSPACE_LABELS = {session.MAIN: "main — your portfolio", session.DEMO: "demo — the demo portfolio"}


def _picked_workspace() -> None:
    session.use_workspace(st.session_state["sb_workspace"])


def workspace_picker() -> None:
    """The sidebar's workspace selector (the address keeps ?workspace=NAME: pages/common/address.py)."""
    asked = address.unknown_workspace()
    current = session.workspace()
    if asked is not None:
        st.warning(f"There is no workspace {plain(asked)!s} here; showing {current}. The workspaces are "
                   f"{' and '.join(session.WORKSPACES)}.", icon=":material/warning:")
    st.session_state["sb_workspace"] = current
    st.selectbox("Workspace", session.WORKSPACES, key="sb_workspace", format_func=_WORKSPACE_LABELS.__getitem__,
                 on_change=_picked_workspace,
                 help="main holds your organisation's portfolio (imports go there); demo holds the bundled demo "
                      "portfolio, which facilitators may reload.")


def _picked_list() -> None:
    session.use_list(st.session_state["sb_list"] or None)


def list_picker() -> None:
    """The sidebar's "Accounts" chooser: every account, or a saved list (Key accounts page); kept in ?list=NAME
    (pages/common/address.py)."""
    names = session.list_names()
    current = session.chosen_list()
    if not names:
        return
    st.session_state["sb_list"] = current or ""
    st.selectbox("Accounts", ["", *names], key="sb_list", on_change=_picked_list,
                 format_func=_list_name,
                 help="Filter every page to a saved list's latest version (Key accounts page), or all accounts.")


def data_source(show_location: bool) -> None:
    """The sidebar's workspace, active matrix and (``show_location``: for administrators) the data source's path or
    URL; stops the page with a message if the store cannot open."""
    try:
        workspace_picker()
        list_picker()
        s = session.store()
        active = session.active_matrix()
    except GtmError as exc:
        show_error(exc)
        st.stop()
    st.caption("Active matrix")
    st.markdown(f"**{plain(active.name)}** · `{active.matrix.fingerprint}`")
    if show_location:  # where the data lives is an administrator's business, not every viewer's
        st.caption("Data source")
        st.markdown(f"{'SQLite' if s.backend == 'sqlite' else 'PostgreSQL'} · `{s.display_url}`")
