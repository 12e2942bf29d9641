"""Static page styles for every run: captions dark enough to read (4.5:1), the navigation dense enough to show every
page at 1280x720, and on a phone (up to 640 px wide) the matrix keeps a readable width and scrolls
sideways inside its own box, while the figures and tables stay within the screen.

Streamlit already stacks columns below 640 px; what it does not do is keep a Plotly chart readable: squeezed to a
phone's width, the 7 x 7 cells are a few pixels wide and their texts run into each other.
"""

from __future__ import annotations

import streamlit as st

# Static rules only: no text from the data ever goes into this markup. The keyed element containers of the three
# matrices (Portfolio, Matrix and Account pages) become the scroll boxes; the chart inside keeps 900 px, about the
# width at which the seven columns of cell texts (count and amount) stand apart.
_STYLE = """
<style>
/* Captions: Streamlit draws them in the text colour at 60 %, 4.4:1 on white; this grey reaches 5.0:1 (4.8:1 on a
   warning's yellow), above the 4.5:1 small text needs. */
[data-testid="stCaptionContainer"] { color: #6B6F73; opacity: 1; }
/* The navigation's sixteen entries in four sections, each one click away: denser than Streamlit's spacing, so that
   the whole list stands in the sidebar of a 1280x720 screen (tests/browser/test_navigation.py). */
[data-testid="stSidebarNavLink"] { height: 1.6rem; margin: 1px 0; }
[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"] { line-height: 1.6rem; }
div:has(> [data-testid="stNavSectionHeader"]) { margin-top: 0.5rem; }
[data-testid="stNavSectionHeader"] { margin: 0.25rem 0 0.125rem; }
@media (max-width: 640px) {
  .st-key-pf_matrix, .st-key-mx_chart, .st-key-acc_matrix {
    overflow-x: auto; overflow-y: hidden; overscroll-behavior-x: contain;
  }
  .st-key-pf_matrix > div, .st-key-mx_chart > div, .st-key-acc_matrix > div { min-width: 900px; }
  [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] { white-space: normal; overflow: visible; }
  [data-testid="stMain"] [data-testid="stDataFrame"], [data-testid="stMain"] [data-testid="stTable"] {
    max-width: 100%; overflow-x: auto;
  }
}
</style>
"""


def apply() -> None:
    """On every run: the static styles above (a <style> only, so it takes no room on the page)."""
    st.html(_STYLE)
