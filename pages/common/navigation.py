"""The app's addresses beyond st.navigation: the root opens Start until a workspace is set up (Portfolio after),
another spelling of a page's address opens that page, and an address that names no page says so. Also the links
that show the way on: a step of the first hour, what comes next, an empty page's way on, the Organisation pages'.

Streamlit serves its default page, after a "Page not found" dialog, for any address it does not know. Here the
address is read before st.navigation resolves it: an alias is pointed at its page and an unknown one at the root,
which then says what was asked and where to go instead of showing a page as if it had been asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gtm.display import plain
from gtm.services import progress
from pages.common import address, session

# Other spellings of a page's address (a hyphen for the underscore; the Data page's title), and the page's own
# (a page's url_path is its file's name).
ALIASES = {"key-accounts": "key_accounts", "import": "data"}
# The pages that fix a step of the first hour (gtm.services.progress names them, never by file).
PLACES = {progress.IMPORT: "pages/data.py", progress.DIAGNOSE: "pages/diagnose.py",
          progress.PORTFOLIO: "pages/portfolio.py", progress.ACCOUNT: "pages/account.py",
          progress.REVIEW: "pages/review.py"}
_ASKED = "nav_asked"  # an address the root must answer for: (path, why) – why: "unknown" or the page's title


def _pages_manager() -> Any:
    ctx = get_script_run_ctx()
    return getattr(ctx, "pages_manager", None)


def requested_path() -> str | None:
    """The page address this run was asked for by its name (a typed or followed address), or None when the run came
    from a click inside the app (Streamlit then names the page by its hash)."""
    manager = _pages_manager()
    if manager is None or getattr(manager, "intended_page_script_hash", None):
        return None
    name = getattr(manager, "intended_page_name", None)
    return str(name).strip("/") if name else None


def _ask_for(path: str) -> None:
    """Resolve this run to the page at ``path`` ("" is the root). Streamlit's internal PagesManager keeps what the
    run asked for; there is no public way to change it before st.navigation."""
    manager = _pages_manager()
    if manager is not None and hasattr(manager, "set_script_intent"):
        manager.set_script_intent("", path)


def follow_address(open_paths: Iterable[str], closed: Mapping[str, str]) -> None:
    """Before st.navigation: an alias opens its page; an address of a page this person may not open
    (``closed``: url_path -> title) or of no page at all opens the root, which says so (``no_page``)."""
    first = session.first_request_path()  # a server's first request, answered before navigation existed
    asked = first if first is not None else requested_path()
    if not asked:
        return
    if asked in ALIASES:
        _ask_for(ALIASES[asked])
        return
    if asked in set(open_paths):
        if first is not None:
            _ask_for(asked)
        return
    st.session_state[_ASKED] = (asked, closed.get(asked, "unknown"))
    _ask_for("")


def query() -> dict[str, list[str]]:
    """The address's parameters as they are (repeated keys kept), to carry over to another page."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def open_root(start: st.Page, portfolio: st.Page, set_up: Callable[[], bool]) -> None:
    """At the app's root, before anything is drawn: open Portfolio for a workspace that is set up and Start for one
    that is not, the address's parameters going along; unless the root is to say that the address asked for names no
    page here (``no_page`` then shows)."""
    if _ASKED not in st.session_state:
        st.switch_page(portfolio if set_up() else start, query_params=query())


def no_page() -> None:
    """The root's own page: the address asked for names no page here (or none this person may open), and the ways
    on."""
    path, why = st.session_state.pop(_ASKED, ("", "unknown"))
    st.title("No page here")
    if why == "unknown":
        st.info(f"There is no page /{plain(path)} here; the pages are in the navigation, and **Start** shows what to "
                "do next.", icon=":material/wrong_location:")
    else:
        st.info(f"The page /{plain(path)} ({plain(why)}) is not open to your role; the pages you may open are in the "
                "navigation, and **Start** shows what to do next.", icon=":material/lock:")
    here = address.here()
    st.page_link("pages/start.py", label="Go to Start", icon=":material/flag:", query_params=here)
    st.page_link("pages/portfolio.py", label="Go to Portfolio", icon=":material/grid_view:", query_params=here)


def step_link(step: progress.Step, slot: Any = st, workspace: str | None = None) -> None:
    """A link to the place that fixes ``step``, in ``workspace`` (default: this one), with what the step adds (e.g.
    the account)."""
    slot.page_link(PLACES[step.place], label=step.link, icon=":material/arrow_forward:",
                   query_params=address.here(**({"workspace": workspace} if workspace else {}), **step.query))


def show_next(workspace: str) -> None:
    """What comes next in ``workspace`` (after an import, say): the first step of the first hour not done yet, in one
    sentence with the link to its place, and Start for every step."""
    step = session.progress(workspace).next_step
    here = address.here(workspace=workspace)
    if step is None:
        st.markdown("**Next:** every step of the first hour is done; Portfolio shows the whole matrix.")
        st.page_link("pages/portfolio.py", label="Open Portfolio", icon=":material/grid_view:", query_params=here)
        return
    st.markdown(f"**Next: {plain(step.in_sentence)}.** {plain(step.missing)}")
    left, right = st.columns(2)
    step_link(step, left, workspace)
    right.page_link("pages/start.py", label="Every step on Start", icon=":material/flag:", query_params=here)


def empty_state(message: str, icon: str = ":material/inbox:") -> None:
    """A page with nothing to show in this workspace: what is empty, and the two ways on (import a CRM export; Start,
    the first hour step by step), as links that keep the workspace."""
    st.info(message, icon=icon)
    here = address.here()
    left, right = st.columns(2)
    left.page_link("pages/data.py", label="Import a CRM export", icon=":material/upload_file:", query_params=here)
    right.page_link("pages/start.py", label="Start: the first hour, step by step", icon=":material/flag:",
                    query_params=here)


# The Organisation section's three pages answer three questions: what each structure is (Structures), what one plan
# needs and costs for your accounts (Design), which plan (Scenarios). One line at the top of each says so, with links.
_ORGANISATION = {
    "pages/structures.py": ("Structures", ":material/account_tree:"),
    "pages/design.py": ("Design", ":material/groups:"),
    "pages/scenarios.py": ("Scenarios", ":material/compare_arrows:"),
}
_RELATED = {
    "pages/structures.py": "This is the playbook. **Design** applies it to your accounts: the structures one plan needs, "
                           "the people and what it costs and is worth; **Scenarios** builds such plans and compares two.",
    "pages/design.py": "One plan in detail. Each structure is described on **Structures**; plans of your own are built "
                       "and compared on **Scenarios**, and can be designed here.",
    "pages/scenarios.py": "Plans side by side. **Design** shows one plan in detail and holds the assumptions; "
                          "**Structures** says what each structure is.",
}


def related(here: str) -> None:
    """The line at the top of an Organisation page: how it relates to the other two, with a link to each."""
    st.caption(_RELATED[here])
    row = st.container(horizontal=True, gap="small")
    for path, (title, icon) in _ORGANISATION.items():
        if path != here:
            row.page_link(path, label=f"Open {title}", icon=icon, query_params=address.here())
