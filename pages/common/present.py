"""Presentation mode: the projector view a facilitator shows a room (``?present=1``, or the sidebar's toggle).

Larger type, no sidebar, no banner or developer chrome, and only the controls a workshop uses: the Matrix page
keeps its band sliders and "Save and activate" beside the matrix; forms that record decisions, reviews, imports
or settings are hidden. ``?present=0`` or the "Leave presentation mode" button at the top returns.

The room sees one workspace: the one in the address when presenting starts. A link, a page or a reload that asks
for another is not followed while presenting (the page says so); leaving the mode or showing another workspace is
a button at the top that asks first (pages/common/address.py keeps all of it in the address).

The browser remembers the room too (a cookie naming the workspace, for 12 hours or until presenting ends): a new
session whose address does not say (a navigation link opened in a new tab, the app's bare address typed in) goes on
presenting that workspace, and says so.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gtm.display import plain
from pages.common import session

_KEY = "gtm_present"
_ASKED = "gtm_present_asked"  # the ?present= value last seen: a link turns the mode on once, not on every run
_ROOM = "gtm_present_room"  # the workspace the room sees while presenting
_REFUSED = "gtm_present_refused"  # a workspace asked for while presenting and not shown: said once at the top
_COOKIE = "gtm_room"  # the browser's memory of the room's workspace, read when a session starts
_IN_BROWSER = "gtm_present_in_browser"  # what the cookie says as far as this session knows ("": no cookie)
_RESUMED = "gtm_present_resumed"  # the workspace a new session went on presenting from the cookie: said once

# Static scripts, one per workspace name of our own (never a value from the address or the data).
_REMEMBER = {name: "<script>document.cookie = 'gtm_room=" + name + "; path=/; max-age=43200; samesite=strict';</script>"
             for name in session.WORKSPACES}
_FORGET = "<script>document.cookie = 'gtm_room=; path=/; max-age=0; samesite=strict';</script>"

# Static rules only: no text from the data ever goes into this markup.
_STYLE = """
<style>
html { font-size: 17px; }
[data-testid="stMainMenu"], [data-testid="stAppDeployButton"], [data-testid="stDecoration"] {
  display: none !important;
}
/* Sides of 1.5rem, not Streamlit's 5rem: at 1280 px the charts get 120 px more, the matrix beside the sliders too. */
[data-testid="stMainBlockContainer"] { padding: 3.2rem 1.5rem 1rem; max-width: 100%; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.6rem; padding: 0.1rem 0 0.3rem; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.1rem; padding: 0.1rem 0 0.2rem; }
/* Streamlit pulls the line under a heading up by 1rem, which its own padding makes up for: with the smaller
   padding here, that would lay the next line over the heading. */
[data-testid="stHeading"] [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.35rem; }
</style>
"""

# The normal view, denser at the top: with the figures, the whole portfolio matrix fits above the fold at 1280x720.
_NORMAL_STYLE = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 4rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.25rem; padding: 0.25rem 0; }
</style>
"""


def _in_browser() -> str | None:
    """The room's workspace the browser remembers: the cookie as the session started, or as this session last set
    it; None when it remembers none."""
    known = st.session_state.get(_IN_BROWSER)
    if known is None:
        cookie = st.context.cookies.get(_COOKIE)
        known = st.session_state[_IN_BROWSER] = cookie if cookie in session.WORKSPACES else ""
    return str(known) or None


def presenting() -> bool:
    """True when this session shows the projector view: ``?present=1`` turns it on, ``?present=0`` off, and the
    choice is kept from page to page; a new session whose address does not say goes on presenting the workspace the
    browser remembers."""
    asked = st.query_params.get("present")
    if _KEY not in st.session_state and asked not in ("1", "0") and (remembered := _in_browser()):
        st.session_state[_KEY] = True
        st.session_state[_ROOM] = st.session_state[_RESUMED] = remembered
    if asked in ("1", "0") and asked != st.session_state.get(_ASKED):  # a new ask: the address wins once
        st.session_state[_KEY] = asked == "1"
    st.session_state[_ASKED] = asked
    return bool(st.session_state.get(_KEY, False))


def hold_room() -> None:
    """At the start of every run: while presenting, view the room's workspace (the address's when presenting
    starts), whatever a link, a page or the address asks for since; what was asked and not followed is said at the
    top (``start_page``). In the normal view, nothing is held."""
    if not presenting():
        st.session_state.pop(_ROOM, None)
        return
    held = st.session_state.get(_ROOM)
    if held not in session.WORKSPACES:  # presenting starts: the room sees the workspace in the address
        held = st.session_state[_ROOM] = session.workspace()
    asked = st.query_params.get("workspace")
    if asked is not None and asked != held:
        st.session_state[_REFUSED] = asked
    session.use_workspace(held)


def room() -> str | None:
    """The workspace the room sees while presenting; None in the normal view."""
    held = st.session_state.get(_ROOM) if presenting() else None
    return str(held) if held in session.WORKSPACES else None


def _leave() -> None:
    st.session_state[_KEY] = False
    st.session_state.pop(_ROOM, None)
    if "present" in st.query_params:
        del st.query_params["present"]


def _show(name: str) -> None:
    st.session_state[_ROOM] = name
    session.use_workspace(name)


def _tell_browser(name: str | None, slot: DeltaGenerator) -> None:
    """Have the browser remember the room's workspace (None: forget it), when it does not already."""
    if name == _in_browser():
        return
    slot.html(_REMEMBER[name] if name else _FORGET, unsafe_allow_javascript=True)
    st.session_state[_IN_BROWSER] = name or ""


def start_page() -> None:
    """On every run: the denser top of the normal view, or in presentation mode the larger type and, at the top, the
    two ways out of what the room sees, each asking first: leave presentation mode, show another workspace."""
    if not presenting():
        st.html(_NORMAL_STYLE)
        _tell_browser(None, st.sidebar)  # out of the way of the page
        return
    st.html(_STYLE)
    held = room() or session.workspace()
    bar = st.container(horizontal=True, gap="medium", key="present_bar")
    with bar.popover("Leave presentation mode", icon=":material/close_fullscreen:", type="tertiary",
                     key="present_leave_ask"):
        st.markdown("Leave the projector view? The sidebar comes back, with the workspace picker and the forms "
                    "that record decisions and edit accounts.")
        st.button("Yes, leave presentation mode", key="present_leave", type="primary", on_click=_leave)
    with bar.popover(f"Workspace {held}", icon=":material/database:", type="tertiary", key="present_workspace_ask"):
        st.markdown(f"The room sees the **{held}** workspace. Show another one to everyone in the room?")
        for name in session.WORKSPACES:
            if name != held:
                st.button(f"Yes, show {name} to the room", key=f"present_show_{name}", on_click=_show, args=(name,))
    _tell_browser(held, bar)
    resumed = st.session_state.pop(_RESUMED, None)
    if resumed is not None:
        st.caption(f":material/cast: This browser is presenting the **{resumed}** workspace, so an address that does "
                   "not say opens it in presentation mode. “Leave presentation mode” above ends it.")
    refused = st.session_state.pop(_REFUSED, None)
    if refused is not None:
        why = (f"This page asked for workspace **{plain(refused)}**" if refused in session.WORKSPACES else
               f"There is no workspace {plain(refused)} here")
        st.caption(f":material/lock: {why}; the room keeps seeing **{held}**. To show another workspace, use "
                   f"“Workspace {held}” above: it asks first.")


def _turn_on() -> None:
    st.session_state[_KEY] = True
    st.session_state["present_toggle"] = False  # off again for when the sidebar comes back


def toggle() -> None:
    """The sidebar's switch into presentation mode (the sidebar itself is gone once it is on)."""
    st.toggle("Presentation mode", key="present_toggle", on_change=_turn_on,
              help="The projector view: larger type, no sidebar, the band sliders beside the matrix")
