"""The Account page's opportunities: where they sit in the matrix, what the recommendation would over- and
under-serve, and the table of every one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import count, money, plain
from gtm.domain.types import NATURES, OUTCOME_LABELS, ApproachMatrix
from gtm.export import charts
from gtm.services.views import portfolio
from pages.common import session, widgets
from pages.common.account import keys

SHOWN = {"current": "current structure", "recommended": "★ recommended"}  # where the chart draws the opportunities
MONEY = ["value", "expected_value"]  # in the reporting currency, written as the figures above (widgets.money_table)


def value_columns(weighing: str) -> dict[str, Any]:
    """The full value, the expected value and the steps, as both tables head them."""
    return {"value": st.column_config.NumberColumn(f"Full value ({session.currency()})",
                                                   help="The amount in the CRM, not weighted by probability"),
            "expected_value": st.column_config.NumberColumn(f"Expected value ({session.currency()})", help=weighing),
            "steps": st.column_config.NumberColumn("Steps", help=portfolio.STEPS_HELP)}


def show_matrix(opps: pd.DataFrame, recommended: str | None, matrix: ApproachMatrix) -> None:
    """The account's opportunities in the matrix, under the current structure or the recommended one."""
    shown = "current"
    if recommended and len(opps):
        shown = st.segmented_control("Show the opportunities under", list(SHOWN), format_func=SHOWN.__getitem__,
                                     default="current", required=True, key=keys.SHOWN,
                                     help="Where each opportunity sits, and its fit, under the structure chosen") \
            or shown
    drawn = portfolio.fit_under(opps, recommended, matrix) if recommended and shown == "recommended" else opps
    widgets.chart(charts.account_matrix(drawn, matrix, recommended, currency=session.currency(), shown=shown,
                                        least=widgets.text_px()),
                  key=keys.MATRIX, config={"displayModeBar": False})


def show_served(opps: pd.DataFrame, recommended: str, matrix: ApproachMatrix, weighing: str) -> None:
    """The opportunities the recommended structure would over-serve and under-serve, with their expected value."""
    over, under = portfolio.served_by(opps, recommended, matrix)
    served_config = {"name": st.column_config.TextColumn("Opportunity", width="large"), "nature": "Nature",
                     **value_columns(weighing)}
    for frame, title, key in ((over, f"{display.UP} The recommendation would over-serve", keys.OVER),
                              (under, f"{display.DOWN} The recommendation would under-serve", keys.UNDER)):
        weighed = " " + plain(f"({money(float(frame['expected_value'].sum()), session.currency())} expected value)") \
            if len(frame) and "expected_value" in frame else ""
        st.markdown(f"**{title} {count(len(frame), 'opportunity') if len(frame) else 'no opportunity'}**{weighed}")
        if len(frame):
            widgets.dataframe(frame.assign(nature=frame["nature"].astype(str).map(NATURES.label)), MONEY,
                              session.currency(), column_order=list(served_config), column_config=served_config,
                              hide_index=True, key=key)


def show_opportunities(opps: pd.DataFrame, weighing: str) -> None:
    """Every opportunity of the account: the deals at stake first, the lost ones after them."""
    st.subheader("Opportunities")
    if opps.empty:
        st.info("This account has no opportunities yet.")
        return
    play = portfolio.in_play(opps)
    table = opps.assign(
        nature_label=opps["nature"].astype(object).map(NATURES.label, na_action="ignore").astype(object)
        .fillna("— not yet diagnosed"),
        found=portfolio.nature_found(opps),
        # A lost deal has no fit because it is no longer at stake, not because its nature is unknown.
        fit_badge=opps["fit"].astype(object).map(charts.fit_badge).where(play, "– lost: left out"),
        outcome=(opps["outcome"] if "outcome" in opps else pd.Series("open", index=opps.index))
        .astype(object).map(OUTCOME_LABELS),
    ).iloc[np.argsort(~play, kind="stable")]  # the deals at stake first, the lost ones after them
    own = table["currency"].astype(object) if "currency" in table else pd.Series(None, index=table.index, dtype=object)
    widgets.dataframe(
        table, {**dict.fromkeys(MONEY, session.currency()), "value_original": own},
        hide_index=True, key=keys.OPPORTUNITIES,
        column_order=["name", "fit_badge", "steps", "value", "expected_value", "value_original", "currency",
                      "nature_label", "found",
                      "bu_name", "probability", "stage", "outcome", "opportunity_id", "rationale"],
        column_config={
            "opportunity_id": "Id", "name": "Opportunity", "bu_name": "BU", "nature_label": "Nature", "stage": "Stage",
            "found": st.column_config.TextColumn("Nature found", help="Who decided, in this order: a person, the CRM "
                                                                     "file, the product family mapping, or which rule"),
            **value_columns(weighing),
            "value_original": st.column_config.NumberColumn("In the file",
                                                            help="The amount as the CRM file gave it, in its currency"),
            "currency": st.column_config.TextColumn("Currency", help="The currency the CRM file gave"),
            "probability": st.column_config.NumberColumn("Prob. %", format="%d"),
            "fit_badge": "Fit", "rationale": st.column_config.TextColumn("Why", width="large"),
            "outcome": st.column_config.TextColumn("Outcome", help="Open, won or lost, as read at import from the "
                                                   "stage, the probability or your stage mapping"),
        },
    )
