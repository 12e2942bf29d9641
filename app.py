"""GTM Fit: the entry point. Sign-in, navigation over pages/ in sections (by role), page config, the shared
sidebar."""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gtm import incidents, timing
from gtm.domain.types import Action
from pages.common import (
    address,
    auth,
    draft,
    housekeeping,
    identity,
    navigation,
    present,
    session,
    sidebar,
    style,
    widgets,
)

incidents.configure_logging()  # the 'gtm' logger to stderr, set up once per server process (again: a no-op)
housekeeping.start()  # once per server process: libraries frozen out of the garbage collector, memory given back
session.begin_run()  # the store's versions and active matrix: read once in this run

presenting = present.presenting()  # ?present=1: the projector view, without the sidebar
st.set_page_config(page_title="GTM Fit", page_icon=":material/grid_view:", layout="wide",
                   initial_sidebar_state="collapsed" if presenting else "auto")

# The pages in the navigation's sections, each with the action its user must be allowed (None: every signed-in
# person, viewers included). A page's url_path is its file's name: a server's very first request, still in folder
# mode, finds the page by that name (pages/common/navigation.py answers other spellings and unknown addresses).
START = st.Page("pages/start.py", title="Start", icon=":material/flag:", url_path="start")
PORTFOLIO = st.Page("pages/portfolio.py", title="Portfolio", icon=":material/grid_view:", url_path="portfolio")
SECTIONS: dict[str, list[tuple[st.Page, Action | None]]] = {
    "": [(START, None)],
    "Decide": [
        (PORTFOLIO, None),
        (st.Page("pages/account.py", title="Account", icon=":material/business:", url_path="account"), None),
        (st.Page("pages/diagnose.py", title="Diagnose", icon=":material/troubleshoot:", url_path="diagnose"), None),
        (st.Page("pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"), None),
        (st.Page("pages/matrix.py", title="Matrix", icon=":material/tune:", url_path="matrix"), None),
    ],
    "Programme": [
        (st.Page("pages/key_accounts.py", title="Key accounts", icon=":material/filter_alt:", url_path="key_accounts"),
         None),
        (st.Page("pages/whitespace.py", title="Whitespace", icon=":material/grid_on:", url_path="whitespace"), None),
        (st.Page("pages/maturity.py", title="Maturity", icon=":material/radar:", url_path="maturity"), None),
        (st.Page("pages/plan.py", title="Plan", icon=":material/timeline:", url_path="plan"), None),
        (st.Page("pages/results.py", title="Results", icon=":material/trending_up:", url_path="results"), None),
    ],
    "Organisation": [
        (st.Page("pages/structures.py", title="Structures", icon=":material/account_tree:", url_path="structures"),
         None),
        (st.Page("pages/design.py", title="Design", icon=":material/groups:", url_path="design"), None),
        (st.Page("pages/scenarios.py", title="Scenarios", icon=":material/compare_arrows:", url_path="scenarios"),
         None),
    ],
    "Data": [
        # Importing, rates and the demo reset are shown to who may use them (pages/data.py); everyone exports.
        (st.Page("pages/data.py", title="Import", icon=":material/upload_file:", url_path="data"), None),
        (st.Page("pages/exports.py", title="Exports & hand-out", icon=":material/download:", url_path="exports"),
         None),
        (st.Page("pages/admin.py", title="Admin", icon=":material/admin_panel_settings:", url_path="admin"),
         Action.MANAGE_USERS),
    ],
}

# No traceback reaches a browser: an unexpected error shows an error id, its trace goes to the server's log.
with widgets.unexpected_errors("sign-in"):
    if identity.signed_in() is None:  # OpenID Connect or proxy header configured, and nobody signed in yet
        gate = auth.sign_in_page if auth.mode() == "oidc" else auth.no_header_page
        st.navigation([st.Page(gate, title="Sign in", url_path="sign-in")], position="hidden").run()
        st.stop()
    who = identity.actor()
    # Streamlit's navigation links carry no parameters, and a reload knows only its address: before anything is drawn
    # (or the root switches page), the workspace, presentation mode and list go back into the address. While
    # presenting, the workspace is the room's, whatever a link asks for.
    address.keep()

allowed = {section: [p for p, action in pages if action is None or who.can(action)]
           for section, pages in SECTIONS.items()}
navigation.follow_address([p.url_path for pages in allowed.values() for p in pages],
                          {p.url_path: p.title for pages in SECTIONS.values() for p, _ in pages})
# The root opens Start until the workspace is set up, then Portfolio; its own page only says that the address asked
# for names no page here.
ROOT = st.Page(navigation.no_page, title="No page here", url_path="home", default=True, visibility="hidden")
# Every page one click away in the sidebar; in presentation mode (no sidebar) the sections stand in the top bar.
page = st.navigation({section: [*pages, *([ROOT] if not section else [])] for section, pages in allowed.items()},
                     position="top" if presenting else "sidebar", expanded=True)
if page is ROOT:
    with widgets.unexpected_errors("opening the root"):
        navigation.open_root(START, PORTFOLIO, session.set_up)
# The tab names the page (the Account page adds the account). A bare run of this file (no server: a spawned
# worker re-importing __main__) has a page without a title; it keeps the default.
if title := getattr(page, "title", None):
    st.set_page_config(page_title=f"{title} · GTM Fit")
with widgets.unexpected_errors(lambda: f"page {getattr(page, 'title', '?')}"):
    style.apply()  # static CSS: on a phone the matrix scrolls sideways in its own box
    present.start_page()
    if getattr(page, "title", "") not in ("Matrix", "Portfolio"):  # those two show the draft themselves
        draft.marker()  # an unsaved band edit, on every other page, with the way back to it
    if not presenting:
        with st.sidebar:
            identity.banner()
            sidebar.data_source(who.can(Action.MANAGE_USERS))
            st.divider()
            identity.acting_as()
            present.toggle()
    # GTM_TIMING_LOG set: one JSON line per page run, the server's own time (scripts/load_sessions.py).
    with timing.page_run(lambda: getattr(page, "title", "?"),
                         lambda: getattr(get_script_run_ctx(), "session_id", None)):
        page.run()
