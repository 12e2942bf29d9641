"""A rule table's versions on the Diagnose page: save the draft as a version, switch the active one, or reset it."""

from __future__ import annotations

from typing import Any

import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import Action
from gtm.services import diagnosis
from pages.common import widgets
from pages.common.diagnose import keys
from pages.common.diagnose.context import Page


def show_versions(page: Page, kind: str, label: str) -> None:
    """Switch the active version of one rule table, or reset it to the default (who may diagnose)."""
    active = page.active_names[kind]
    if not page.may_diagnose:
        st.caption(f"Active {label}: **{plain(active)}**.")
        return
    s, who = page.store, page.who
    names = diagnosis.version_names(s, kind)
    target = st.selectbox(f"Active {label}", names, index=names.index(active) if active in names else 0,
                          key=keys.version(kind, page.gens[kind]))
    c1, c2 = st.columns(2)
    if c1.button("Activate", key=keys.activate(kind), disabled=target == active, width="stretch"):
        widgets.run_action(lambda: diagnosis.activate_version(s, who, kind, target), toast=f"Activated '{plain(target)}'")
    if c2.button("Reset to default", key=keys.reset(kind), disabled=active == "default", width="stretch"):
        widgets.run_action(lambda: diagnosis.activate_version(s, who, kind, "default"), toast="Back to the default")


def show_save(page: Page, kind: str, content: dict[str, Any] | None, changed: bool, placeholder: str) -> None:
    """A version name and a save button (the draft is saved and becomes active), for who may diagnose."""
    if not page.may_diagnose:
        st.caption(f"Your edits here are a what-if: {display.roles_allowed(Action.DIAGNOSE)} save versions.")
        return
    s, who = page.store, page.who
    name = st.text_input("Save as version", key=keys.version_name(kind), placeholder=placeholder)
    if st.button("Save and activate", type="primary", key=keys.save(kind), disabled=content is None or not changed,
                 width="stretch"):
        widgets.run_action(lambda: diagnosis.save_version(s, who, kind, name, content or {}),
                           toast=f"Saved and activated '{plain(name.strip())}'", flags=lambda created: {
                               keys.CREATED_BUS: created} if created else {})
