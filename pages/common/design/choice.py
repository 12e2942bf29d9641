"""The Design page's choice: the accounts (every one, or a saved list) and the plan to design for."""

from __future__ import annotations

import streamlit as st

from pages.common import design_inputs
from pages.common.design import keys


def show_choice(choices: dict[str, str], recommended: str, showing: bool) -> tuple[str, str]:
    """The accounts and the plan pickers; returns the scope and the plan's key."""
    options = design_inputs.scope_options()
    if st.session_state.get(keys.SCOPE) not in options:
        st.session_state[keys.SCOPE] = design_inputs.default_scope()
    if st.session_state.get(keys.PLAN) not in choices:
        st.session_state[keys.PLAN] = recommended
    c1, c2 = st.columns([1, 1])
    scope: str = c1.selectbox("Accounts", options, key=keys.SCOPE, format_func=design_inputs.scope_label,
                              help="Every account, or a saved list (the Key accounts page saves the focus list)")
    plan_key: str = c2.selectbox("Plan", list(choices), key=keys.PLAN, format_func=choices.__getitem__,
                                 help="Whose structures to design for: the recommendation, the latest decisions, the "
                                      "current structures, or a scenario saved on the Scenarios page")
    if scope == design_inputs.EVERY and len(options) == 1 and not showing:
        st.caption("No account list is saved yet: the Key accounts page builds the shortlist and the focus list, which "
                   "you can then design for here.")
    return scope, plan_key
