"""GTM Fit: the entry point. Sign-in, navigation over pages/ (by role), page config, the shared sidebar."""

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gtm import timing
from gtm.domain.permissions import Action
from pages.common import auth, draft, housekeeping, identity, present, style, widgets

housekeeping.start()  # once per server process: libraries frozen out of the garbage collector, memory given back

presenting = present.presenting()  # ?present=1: the projector view, without the sidebar
st.set_page_config(page_title="GTM Fit", page_icon=":material/grid_view:", layout="wide",
                   initial_sidebar_state="collapsed" if presenting else "auto")

# Each page with the action its user must be allowed (None: every signed-in person, viewers included). A page's
# url_path is its file's name: a server's very first request, still in folder mode, finds the page by that name.
PAGES = [
    (st.Page("pages/portfolio.py", title="Portfolio", icon=":material/grid_view:", url_path="portfolio", default=True),
     None),
    (st.Page("pages/account.py", title="Account", icon=":material/business:", url_path="account"), None),
    (st.Page("pages/diagnose.py", title="Diagnose", icon=":material/troubleshoot:", url_path="diagnose"), None),
    (st.Page("pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"), None),
    (st.Page("pages/matrix.py", title="Matrix", icon=":material/tune:", url_path="matrix"), None),
    (st.Page("pages/structures.py", title="Structures", icon=":material/account_tree:", url_path="structures"), None),
    (st.Page("pages/key_accounts.py", title="Key accounts", icon=":material/filter_alt:", url_path="key_accounts"),
     None),
    (st.Page("pages/maturity.py", title="Maturity", icon=":material/radar:", url_path="maturity"), None),
    (st.Page("pages/plan.py", title="Plan", icon=":material/timeline:", url_path="plan"), None),
    (st.Page("pages/design.py", title="Design", icon=":material/groups:", url_path="design"), None),
    (st.Page("pages/scenarios.py", title="Scenarios", icon=":material/compare_arrows:", url_path="scenarios"), None),
    # Everyone exports; importing, rates and the demo reset are shown to who may use them (pages/data.py).
    (st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"), None),
    (st.Page("pages/admin.py", title="Admin", icon=":material/admin_panel_settings:", url_path="admin"),
     Action.MANAGE_USERS),
]

# No traceback reaches a browser: an unexpected error shows an error id, its trace goes to the server's log.
with widgets.unexpected_errors("sign-in"):
    if identity.signed_in() is None:  # OpenID Connect or proxy header configured, and nobody signed in yet
        gate = auth.sign_in_page if auth.mode() == "oidc" else auth.no_header_page
        st.navigation([st.Page(gate, title="Sign in", url_path="sign-in")], position="hidden").run()
        st.stop()
    who = identity.actor()

page = st.navigation([p for p, action in PAGES if action is None or who.can(action)], position="top")
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
            widgets.data_source(who.can(Action.MANAGE_USERS))
            st.divider()
            identity.acting_as()
            present.toggle()
    # GTM_TIMING_LOG set: one JSON line per page run, the server's own time (scripts/load_sessions.py).
    with timing.page_run(lambda: getattr(page, "title", "?"),
                         lambda: getattr(get_script_run_ctx(), "session_id", None)):
        page.run()
