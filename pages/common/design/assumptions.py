"""The assumptions' form (Design and Scenarios pages): the four global ones, the costs per structure and the coverage
ratios per role, every one visible and editable, with what each means."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.domain.types import APPROACHES, Assumptions
from gtm.services.views import design as views
from pages.common.design import keys


def _pct(x: float) -> float:
    return round(100.0 * x, 6)


def _number(value: Any) -> float | None:
    """A cell as a number; an emptied cell is None, which the validation refuses naming the place."""
    return None if value is None or pd.isna(value) else float(value)


def _column(frame: pd.DataFrame, column: str) -> dict[str, float | None]:
    return {code: _number(v) for code, v in zip(APPROACHES.codes, frame[column])}


def show_assumptions_form(book: views.Playbook, current: Assumptions, reporting_currency: str, key: str,
                          gen: int) -> dict[str, Any] | None:
    """The form, filled with ``current``; returns the assumptions entered when applied (as Assumptions reads them,
    not yet validated), else None."""
    notes = book.assumption_notes
    with st.form(keys.editor(key, "form", gen), border=False):
        c1, c2, c3, c4, c5 = st.columns(5)
        horizon = c1.number_input("Horizon (years)", 1, 10, current.horizon_years, step=1,
                                  key=keys.editor(key, "horizon", gen), help=notes["horizon_years"])
        uplift = c2.number_input("Uplift (% of value in band)", 0.0, 500.0, _pct(current.uplift), step=1.0,
                                 key=keys.editor(key, "uplift", gen), help=notes["uplift"], format="%.1f")
        margin = c3.number_input("Margin (%)", 0.0, 100.0, _pct(current.margin), step=1.0,
                                 key=keys.editor(key, "margin", gen), help=notes["margin"], format="%.1f")
        ramp = c4.number_input("Ramp-up (months)", 0, 60, current.ramp_up_months, step=1,
                               key=keys.editor(key, "ramp", gen), help=notes["ramp_up_months"])
        currencies = list(dict.fromkeys([current.currency, reporting_currency]))
        money_in = c5.selectbox("Currency of the costs", currencies, key=keys.editor(key, "currency", gen),
                                help="The costs below are in this currency. Choosing another does not convert "
                                     "them: enter them in it. Costs in another currency than the reporting one "
                                     "are converted at the workspace's rate (the Import page).")
        costs = pd.DataFrame({
            "Structure": [APPROACHES.label(c) for c in APPROACHES.codes],
            f"Cost to serve a year ({current.currency})": [current.cost_to_serve[c] for c in APPROACHES.codes],
            f"Set-up cost once ({current.currency})": [current.setup_cost[c] for c in APPROACHES.codes],
        })
        cost_cols = list(costs.columns)
        edited_costs = st.data_editor(
            costs, hide_index=True, width="stretch", key=keys.editor(key, "costs", gen), disabled=["Structure"],
            column_config={
                "Structure": st.column_config.TextColumn(width="large"),
                cost_cols[1]: st.column_config.NumberColumn(step=1, format="localized", help=notes["cost_to_serve"]),
                cost_cols[2]: st.column_config.NumberColumn(step=1, format="localized", help=notes["setup_cost"])})
        roles = pd.DataFrame({
            "Role": [r.label for r in book.roles],
            "Hire or assign": [r.source for r in book.roles],
            "Coverage": [current.coverage[r.code] for r in book.roles],
            "Meaning": [("People for the whole programme. " if r.basis == "programme" else
                         "Accounts per person. ") + r.meaning for r in book.roles]})
        edited_roles = st.data_editor(
            roles, hide_index=True, width="stretch", key=keys.editor(key, "roles", gen),
            disabled=["Role", "Hire or assign", "Meaning"],
            column_config={"Coverage": st.column_config.NumberColumn(step=0.001, format="%g", help=notes["coverage"]),
                           "Meaning": st.column_config.TextColumn(width="large")})
        applied = st.form_submit_button("Apply", type="primary", key=keys.editor(key, "apply"),
                                        help="Use these assumptions on this page (not saved)")
    if not applied:
        return None
    return {"currency": money_in, "horizon_years": int(horizon), "uplift": float(uplift) / 100.0,
            "margin": float(margin) / 100.0, "ramp_up_months": int(ramp),
            "cost_to_serve": _column(edited_costs, cost_cols[1]), "setup_cost": _column(edited_costs, cost_cols[2]),
            "coverage": {r.code: _number(v) for r, v in zip(book.roles, edited_roles["Coverage"])}}
