"""The accounts' current structures (the approach each is served by today): where they come from, and an editor for
who may change accounts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import count
from gtm.domain.types import APPROACHES, Action, Actor
from gtm.services import accounts as accounts_service
from gtm.services.workspaces import Store
from pages.common import widgets
from pages.common.portfolio import keys
from pages.common.portfolio.matrix import CURRENT


def show_current_structures(store: Store, who: Actor, accounts: pd.DataFrame, *, assumed: bool) -> None:
    """Where current structures come from (when some are assumed or who may set them is here), then the editor."""
    may_set = who.can(Action.IMPORT_DATA)
    if may_set or assumed:  # where the link beside the figures leads
        st.subheader("Current structures", anchor=CURRENT)
        st.caption("An account's current structure is the approach it is served by today: the misfits judge it. "
                   "Import it with a Current approach column on the Import page"
                   + (", or set it here." if may_set else f"; {display.roles_allowed(Action.IMPORT_DATA)} also set "
                                                          "it here."))
    if may_set:  # who may change accounts: the editor
        show_approach_editor(store, who, accounts)


def show_approach_editor(store: Store, who: Actor, accounts: pd.DataFrame) -> None:
    """Each account's current approach (the first 500), set many at once; the changes saved together."""
    with st.expander("Current approach per account (set many at once)"):
        only_unset = st.toggle("Only accounts without one", value=True, key=keys.ONLY_UNSET)
        editable = accounts[["account_id", "name", "current_approach"]]
        if only_unset:
            editable = editable[editable["current_approach"].isna()]
        st.caption(count(len(editable), "account") + (" (the first 500 are shown; import a file with a current "
                                                      "approach column for more)" if len(editable) > 500 else "")
                   + (". Many alike: set the first, select down to the last (Ctrl+Shift+↓) and press Ctrl+D to "
                      "fill them (⌘ for Ctrl on a Mac)." if len(editable) > 1 else ""))
        labels = {c: APPROACHES.label(c) for c in APPROACHES.codes}
        grid = editable.head(500).assign(current_approach=editable["current_approach"].map(labels))
        edited = st.data_editor(
            grid, hide_index=True, key=keys.APPROACH_EDITOR, disabled=["account_id", "name"],
            column_config={"account_id": "Account id", "name": "Account",
                           "current_approach": st.column_config.SelectboxColumn(
                               "Current approach", options=list(labels.values()), help="Empty: not set")},
        )
        changes = accounts_service.changed_approaches(grid, edited)
        if st.button(f"Save {count(len(changes), 'change')}", key=keys.APPROACH_SAVE, disabled=not changes):
            widgets.run_action(lambda: accounts_service.set_current_approaches(store, who, changes),
                               toast="Current approaches saved")
