"""The Matrix page's unsaved band edit (the draft), kept in this session from page to page until it is saved or
discarded: the Portfolio page can show it, every other page says it is there, and the last edits can be undone.

The draft is each nature's band as the sliders left it. Nothing is stored until "Save and activate".
"""

from __future__ import annotations

import streamlit as st

from gtm.domain.types import ApproachMatrix, GtmError
from gtm.services import matrices
from pages.common import address

Bands = matrices.Bands

_DRAFT = "mx_draft"  # the draft's bands, or absent
_HISTORY = "mx_history"  # the bands before each edit (None: no draft then), newest last, for undo
_GEN = "mx_gen"  # the sliders' key generation: a new one makes them start again from the draft or the active band
UNDO_DEPTH = 50


def bands_of(matrix: ApproachMatrix) -> Bands:
    """A matrix's bands as the sliders hold them."""
    return matrices.bands_of(matrix)


def bands() -> Bands | None:
    """The draft's bands, or None when there is no unsaved edit."""
    held = st.session_state.get(_DRAFT)
    return {code: (str(low), str(high)) for code, (low, high) in held.items()} if held else None


def matrix() -> ApproachMatrix | None:
    """The draft as a matrix, or None when there is no draft or its band is not valid (the Matrix page says why)."""
    held = bands()
    if held is None:
        return None
    try:
        return to_matrix(held)
    except GtmError:
        return None


def to_matrix(held: Bands) -> ApproachMatrix:
    """Bands as the sliders hold them, validated as a matrix named "draft" (GtmError when not valid)."""
    return matrices.draft(held)


def record(edited: Bands, active: ApproachMatrix) -> None:
    """The sliders' bands after this run: a change from the draft (or, without one, from the active band) is an
    edit that undo can take back; bands equal to the active version's leave no draft."""
    before = bands()
    if edited == (before or bands_of(active)):
        return
    history = st.session_state.setdefault(_HISTORY, [])
    history.append(before)
    del history[:-UNDO_DEPTH]
    if edited == bands_of(active):
        st.session_state.pop(_DRAFT, None)
    else:
        st.session_state[_DRAFT] = dict(edited)


def can_undo() -> bool:
    """True when there is an edit to take back."""
    return bool(st.session_state.get(_HISTORY))


def undo() -> None:
    """Take back the last edit (a button's callback, so the sliders are drawn from the result)."""
    history = st.session_state.get(_HISTORY)
    if not history:
        return
    previous = history.pop()
    if previous is None:
        st.session_state.pop(_DRAFT, None)
    else:
        st.session_state[_DRAFT] = previous
    restart_sliders()


def discard() -> None:
    """Drop the draft and its undo history (after a save, or when the person throws it away)."""
    st.session_state.pop(_DRAFT, None)
    st.session_state.pop(_HISTORY, None)
    restart_sliders()


def generation() -> int:
    """The sliders' key generation (see _GEN)."""
    return int(st.session_state.get(_GEN, 0))


def restart_sliders() -> None:
    """Draw the sliders again from the draft (or the active band) under new keys."""
    st.session_state[_GEN] = generation() + 1


def marker() -> None:
    """On pages other than the Matrix: one line saying an unsaved band edit exists, with the way back to it."""
    if bands() is None:
        return
    st.page_link("pages/matrix.py", label="Unsaved band draft: open the Matrix page to save, undo or discard it",
                 icon=":material/edit_note:", query_params=address.here())
