"""The Matrix page's versions: save the edited band as the active version, switch the active one, or reset it."""

from __future__ import annotations

import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import Action, Actor, ApproachMatrix
from gtm.services import matrices
from gtm.services.workspaces import ActiveMatrix, Store
from pages.common import widgets
from pages.common.matrix import keys


def show_save(s: Store, who: Actor, draft_matrix: ApproachMatrix | None, changed: bool, seen: str,
              side_by_side: bool = False) -> None:
    """Name the edited band and save it as the active version (facilitators and administrators)."""
    # Side by side, the button as wide as its words and the name the rest: the sliders' column is narrow.
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small") if side_by_side \
        else st.container()
    name = row.text_input("Version name", key=keys.NAME, label_visibility="collapsed" if side_by_side
                          else "visible", placeholder="Version name" if side_by_side else "e.g. Workshop 2026-11")
    if row.button("Save and activate", type="primary", key=keys.SAVE, disabled=not changed):
        widgets.run_action(lambda: matrices.save_matrix(s, who, draft_matrix, name, expected_active=seen),  # type: ignore[arg-type]
                           toast=f"Saved and activated '{plain(name.strip())}'", flags={keys.RELOAD: True})


def show_versions(s: Store, who: Actor, active: ActiveMatrix, draft_matrix: ApproachMatrix | None, changed: bool,
                  seen: str, gen: int) -> None:
    """Save as a new version, switch the active version, or reset to the default (who may edit the matrix)."""
    st.divider()
    if not who.can(Action.EDIT_MATRIX):  # the sliders above stay: a what-if that saves nothing
        st.caption(display.may(Action.EDIT_MATRIX, "Saving, switching and resetting the matrix"))
        return
    c1, c2, c3 = st.columns(3)
    with c1:
        st.markdown("**Save as a new version**")
        show_save(s, who, draft_matrix, changed, seen)
    with c2:
        st.markdown("**Switch the active version**")
        versions = matrices.versions(s)
        names = versions["name"].tolist()
        # A new key with each active version (gen): after a save, a switch or a reset it shows the version now active.
        target = st.selectbox("Version", names, index=names.index(active.name) if active.name in names else 0,
                              key=keys.version(gen))
        if st.button("Activate", key=keys.ACTIVATE, disabled=target == active.name):
            widgets.run_action(lambda: matrices.activate_matrix(s, who, target, expected_active=seen),
                               toast=f"Activated '{plain(target)}'", flags={keys.RELOAD: True})
    with c3:
        st.markdown("**Reset**")
        st.caption("Back to the default band of data/matrix.json.")
        if st.button("Reset to default", key=keys.RESET, disabled=active.name == "default" and not changed):
            widgets.run_action(lambda: matrices.reset_matrix(s, who), toast="Back to the default matrix",
                               flags={keys.RELOAD: True})
