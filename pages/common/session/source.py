"""Start-up and where the data comes from: the first request's address, the database, the workspace this session
views and its store. Importing it switches Streamlit's folder mode off. (pages.common.session)."""

from __future__ import annotations

import os
from typing import cast

import streamlit as st

from gtm.services.workspaces import DEMO, MAIN, WORKSPACES, Store, demo_seeded
from pages.common import cache
from pages.common.session.run import _once


def _leave_folder_mode() -> None:
    """Run every page through app.py's st.navigation, even on a server's very first request.

    Streamlit treats a project with a pages/ folder as a folder-style multipage app until some
    script calls st.navigation; a first request for /account would then run pages/account.py on
    its own, without app.py's page config and sidebar. Switching the mode off and rerunning sends
    that request through app.py like every later one.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # The address asked for is lost in the rerun (folder mode answered it, or failed to): keep it for
        # pages/common/navigation.py, which resolves aliases and unknown addresses.
        asked = getattr(getattr(get_script_run_ctx(), "pages_manager", None), "intended_page_name", None)
        if asked:
            st.session_state[_FIRST_REQUEST] = str(asked).strip("/")
        st.rerun()


_FIRST_REQUEST = "nav_first_request"


def first_request_path() -> str | None:
    """The address a server's very first request asked for (taken once), None afterwards."""
    return cast("str | None", st.session_state.pop(_FIRST_REQUEST, None))


# Every page reads the store through this package, so importing it is the first thing any page does.
_leave_folder_mode()


def database_url() -> str | None:
    """GTM_DATABASE_URL, else a [connections.gtm] url secret, else None (the embedded SQLite file)."""
    if os.environ.get("GTM_DATABASE_URL"):
        return os.environ["GTM_DATABASE_URL"]
    try:
        return str(st.secrets["connections"]["gtm"]["url"])
    except (KeyError, FileNotFoundError):
        # KeyError: no such secret. FileNotFoundError: Streamlit's StreamlitSecretNotFoundError (a
        # subclass), raised when there is no secrets file at all.
        return None


def demo_offered() -> bool:
    """Whether the demo workspace holds the bundled demo portfolio (GTM_SEED_DEMO is not off)."""
    return demo_seeded()


def _open_store(url: str | None, workspace: str) -> Store:
    return cache.store(url, workspace, demo_seeded())


_CHOSEN = "gtm_workspace"


def workspace() -> str:
    """The workspace this session views: ?workspace=NAME, else the one chosen before, else main when it holds a
    portfolio (or the demo is not seeded, GTM_SEED_DEMO=0) and demo when it does not."""
    asked = st.query_params.get("workspace")
    if asked in WORKSPACES:
        st.session_state[_CHOSEN] = asked
    name = st.session_state.get(_CHOSEN)
    if name not in WORKSPACES:
        name = DEMO if demo_seeded() and _open_store(database_url(), MAIN).is_empty() else MAIN
        st.session_state[_CHOSEN] = name
    return str(name)


def use_workspace(name: str) -> None:
    """View workspace ``name`` from now on, and say so in the address bar, so a copied link opens it too."""
    st.session_state[_CHOSEN] = name
    if st.query_params.get("workspace") != name:
        st.query_params["workspace"] = name


def store(workspace_name: str | None = None) -> Store:
    """The shared store of a workspace (default: the one this session views) for this server process."""
    name = workspace_name or workspace()
    return _once(("store", name), lambda: _open_store(database_url(), name))
