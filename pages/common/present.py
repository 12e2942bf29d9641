"""Presentation mode: the projector view a facilitator shows a room (``?present=1``, or the sidebar's toggle).

Larger type, no sidebar, no banner or developer chrome, and only the controls a workshop uses: the Matrix page
keeps its band sliders and "Save and activate" beside the matrix; forms that record decisions, reviews, imports
or settings are hidden. ``?present=0`` or the "Leave presentation mode" button at the top returns.
"""

from __future__ import annotations

import streamlit as st

_KEY = "gtm_present"
_ASKED = "gtm_present_asked"  # the ?present= value last seen: a link turns the mode on once, not on every run

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


def presenting() -> bool:
    """True when this session shows the projector view: ``?present=1`` turns it on, ``?present=0`` off, and the
    choice is kept from page to page."""
    asked = st.query_params.get("present")
    if asked in ("1", "0") and asked != st.session_state.get(_ASKED):  # a new ask: the address wins once
        st.session_state[_KEY] = asked == "1"
    st.session_state[_ASKED] = asked
    return bool(st.session_state.get(_KEY, False))


def start_page() -> None:
    """On every run: the denser top of the normal view, or in presentation mode the larger type and the way back."""
    if not presenting():
        st.html(_NORMAL_STYLE)
        return
    st.html(_STYLE)
    if st.button("Leave presentation mode", key="present_leave", icon=":material/close_fullscreen:", type="tertiary"):
        st.session_state[_KEY] = False
        if "present" in st.query_params:
            del st.query_params["present"]
        st.rerun()


def _turn_on() -> None:
    st.session_state[_KEY] = True
    st.session_state["present_toggle"] = False  # off again for when the sidebar comes back


def toggle() -> None:
    """The sidebar's switch into presentation mode (the sidebar itself is gone once it is on)."""
    st.toggle("Presentation mode", key="present_toggle", on_change=_turn_on,
              help="The projector view: larger type, no sidebar, the band sliders beside the matrix")
