"""Whose maturity the page shows (the organisation or a BU), on which date, and an earlier date to compare with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from gtm.domain.types import ORGANISATION
from gtm.services import maturity
from gtm.services.workspaces import Store
from pages.common.maturity import keys
from pages.common.maturity.radar import day as day_text


@dataclass(frozen=True)
class Choice:
    """The scope shown (its code and words), every scope's name, the date shown (None: never assessed) and the
    earlier date compared with (None: no comparison)."""

    scope: str
    whom: str
    scope_names: dict[str, str]
    day: date | None
    earlier: date | None


def show_choice(store: Store) -> Choice:
    """Whose maturity, assessed on which date, and (on a toggle) an earlier date to compare with."""
    options = maturity.scopes(store)
    scope_names = dict(zip(options["scope"], options["label"]))
    if keys.PICK in st.session_state:  # a save just made: show what it saved (set before the widgets exist)
        picked_scope, picked_day = st.session_state.pop(keys.PICK)
        st.session_state[keys.SCOPE], st.session_state[keys.DATE] = picked_scope, picked_day
    if st.session_state.get(keys.SCOPE) not in scope_names:
        st.session_state[keys.SCOPE] = ORGANISATION
    c1, c2, c3 = st.columns([2, 1, 2], vertical_alignment="bottom")
    scope = c1.selectbox("Whose maturity", list(scope_names), key=keys.SCOPE, format_func=scope_names.__getitem__,
                         help="The whole organisation, or one BU")
    whom = "the organisation" if scope == ORGANISATION else scope_names[scope]
    assessed = maturity.dates(store, scope)
    if not assessed:
        return Choice(scope, whom, scope_names, None, None)
    newest_first = assessed[::-1]
    if st.session_state.get(keys.DATE) not in newest_first:
        st.session_state[keys.DATE] = newest_first[0]
    day = c2.selectbox("Assessed on", newest_first, key=keys.DATE, format_func=day_text)
    earlier_options = [d for d in newest_first if d != day]
    earlier_day = None
    if earlier_options and c3.toggle("Compare with another date", key=keys.COMPARE):
        if st.session_state.get(keys.EARLIER) not in earlier_options:
            st.session_state[keys.EARLIER] = next((d for d in earlier_options if d < day), earlier_options[0])
        earlier_day = c3.selectbox("Compare with", earlier_options, key=keys.EARLIER, format_func=day_text)
    return Choice(scope, whom, scope_names, day, earlier_day)
