"""What a band edit changes on the Matrix page: opportunities that change fit, accounts that change recommendation."""

from __future__ import annotations

import streamlit as st

from gtm.display import money, plain
from gtm.domain.types import APPROACHES
from gtm.export import charts
from gtm.services.views import portfolio as views
from pages.common import widgets
from pages.common.matrix import keys

SHOWN = 1000  # rows of a table sent to the browser: more is slow to send and nobody reads them


def show_effect(effect: views.MatrixEffect, cur: str) -> None:
    """How many opportunities change fit and accounts change recommendation, and which."""
    short = {t.code: t.short_label for t in APPROACHES.terms}
    st.subheader("What this edit changes", anchor=False)
    st.markdown(f"**{effect.changed_count:,}** opportunities ({plain(money(effect.changed_value, cur))}) "
                f"change fit; **{len(effect.recommendation_changes):,}** accounts get a different "
                "recommendation.")
    # Stacked full width, with short approach names, so no column is cut off.
    st.dataframe(widgets.money_table(effect.changed.assign(from_fit=effect.changed["from_fit"].map(charts.fit_badge),
                                                           to_fit=effect.changed["to_fit"].map(charts.fit_badge)),
                                     ["value"], cur),
                 hide_index=True, key=keys.CHANGED,
                 column_config={"from_fit": "From", "to_fit": "To", "opportunities": "Opportunities",
                                "value": st.column_config.NumberColumn(f"Value ({cur})")})
    moved = effect.recommendation_changes.head(SHOWN)
    if len(effect.recommendation_changes) > SHOWN:
        st.caption(f"The {SHOWN:,} accounts with the most expected value are listed, of "
                   f"{len(effect.recommendation_changes):,} whose recommendation changes.")
    st.dataframe(moved.assign(before=moved["before"].astype(str).map(short),
                              after=moved["after"].astype(str).map(short)),
                 hide_index=True, key=keys.REC_CHANGES,
                 column_config={"account_id": "Id", "account_name": "Account", "before": "Recommended before",
                                "after": "Recommended after"})
