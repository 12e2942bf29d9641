"""An opportunity picker of the Diagnose page: find one by name, account or id."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.services.views import diagnose as views
from pages.common import cache, session
from pages.common.diagnose import keys


def pick_opportunity(d: session.PortfolioData, before: pd.DataFrame, draft_key: tuple[str, str, str], label: str,
                     key: str, help: str) -> tuple[str | None, dict[str, str]]:
    """Find an opportunity by name, account or id; the not yet diagnosed come first, largest first. Returns the one
    chosen (None: none matches) and the labels of those offered on this run (not of a million)."""
    query = st.text_input("Find an opportunity", key=keys.find(key), placeholder="Part of a name, account or id")
    found, names = cache.picks(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, *draft_key,
                               query.strip(), before)
    options = list(found)
    opp_names = dict(names)
    kept = st.session_state.get(key)
    if not query.strip() and kept is not None and kept not in options:
        options.insert(0, kept)  # the opportunity just decided stays chosen even when it leaves the default list
        opp_names.update(views.labels(before, [kept]))
    # The id first: a long name is cut at the end of a narrow selectbox, never the id.
    options = [o for o in options if o in opp_names]  # a kept id no longer stored drops out
    if not options:
        st.warning(f"No opportunity matches '{plain(query)}'.")
        return None, opp_names
    # The widget keeps the dict's bound method (and so the labels), never this module's namespace.
    chosen: str = st.selectbox(label, options, format_func=opp_names.__getitem__, key=key, help=help)
    return chosen, opp_names
