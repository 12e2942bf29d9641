"""What the Design and Scenarios pages share: the accounts a plan covers, the assumptions in force (saved, or tried
in this session without saving), the editor that shows every one of them, and the cached value in band per account.

Anyone may try other assumptions: the edits live in this session (``st.session_state``) until saved, which the
service checks (sales leaders, facilitators, administrators) or dropped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import money, plain
from gtm.domain import types
from gtm.domain.types import Action, Actor, Assumptions, InputError
from gtm.services import design
from gtm.services import lists as lists_service
from gtm.services.views import design as design_views
from gtm.services.views.keys import matrix_key
from pages.common import cache, session, widgets

EDITS = "dz_edits"  # this session's assumptions, not saved (a dict as Assumptions validates it); absent: saved ones
EVERY = ""  # the scope "every account"


def saved() -> design.SavedAssumptions:
    """The saved assumptions (or the playbook's defaults), read once per data version."""
    return cache.saved_assumptions(session.database_url(), session.workspace(), session.data_version())


def edited() -> bool:
    """Whether this session tries assumptions that are not saved."""
    return st.session_state.get(EDITS) is not None


def in_force() -> Assumptions:
    """This session's assumptions, as entered (their own currency): the edits if any, else the saved ones."""
    raw = st.session_state.get(EDITS)
    return design_views.assumptions_from(raw) if raw is not None else saved().assumptions


def for_figures() -> tuple[Assumptions, str | None]:
    """The assumptions in force with costs in the reporting currency, and the sentence saying the conversion
    (None: none needed). InputError when no rate is known."""
    return design.in_reporting_currency(session.store(), in_force(), session.currency())


# ---------------------------------------------------------------------------------------------- the accounts


def scope_options() -> list[str]:
    """EVERY, then the saved lists' names (the latest saved first)."""
    return [EVERY, *session.list_names()]


def default_scope() -> str:
    """The sidebar's list if one is chosen, else the latest focus list, else every account."""
    chosen = session.chosen_list()
    if chosen:
        return chosen
    focus = lists_service.latest_list(session.store(), None, "focus")
    return str(focus["name"]) if focus is not None else EVERY


def scope_label(name: str) -> str:
    """How a scope reads in a chooser."""
    return "Every account" if name == EVERY else f"List: {name}"


def scope_ids(name: str) -> list[str] | None:
    """The account ids of a scope (None: every account)."""
    if name == EVERY:
        return None
    return cache.scope_ids(session.database_url(), session.workspace(), session.data_version(), name)


def _every(d: session.PortfolioData) -> session.PortfolioData:
    """``d`` over every account (what a design weighs), whatever list the sidebar chose."""
    return d if not d.list_id else session.data(every_account=True)


def exposure(d: session.PortfolioData, ids: list[str] | None) -> design_views.Exposure:
    """The value in band, overkilled and under-served per account and structure, cached per data, matrix, scope."""
    return cache.exposure(session.database_url(), session.workspace(), d.portfolio_version, matrix_key(d.matrix),
                          None if ids is None else tuple(ids), _every(d))


# ---------------------------------------------------------------------------------------------- the editor


def _pct(x: float) -> float:
    return round(100.0 * x, 6)


def panel(who: Actor, *, key: str, expanded: bool = False) -> Assumptions | None:
    """The assumptions, every one visible and editable: an expander with the figures per structure, the coverage
    ratios and the four global ones, and what each means. Returns the assumptions in force in the reporting
    currency (None, with the reason shown, when they cannot be used)."""
    book = design.playbook()
    current = in_force()
    notes = book.assumption_notes
    state = saved()
    if state.refused:
        st.warning(plain(state.refused), icon=":material/warning:")
    title = ("Assumptions: **edited in this session, not saved**" if edited() else
             f"Assumptions: saved version {state.version} by {plain(state.saved_by)}" if state.version else
             "Assumptions: the defaults (data/approaches.json)")
    with st.expander(title, expanded=expanded or edited(), icon=":material/tune:"):
        gen = st.session_state.get(f"{key}_gen", 0)
        with st.form(f"{key}_form_{gen}", border=False):
            c1, c2, c3, c4, c5 = st.columns(5)
            horizon = c1.number_input("Horizon (years)", 1, 10, current.horizon_years, step=1,
                                      key=f"{key}_horizon_{gen}", help=notes["horizon_years"])
            uplift = c2.number_input("Uplift (% of value in band)", 0.0, 500.0, _pct(current.uplift), step=1.0,
                                     key=f"{key}_uplift_{gen}", help=notes["uplift"], format="%.1f")
            margin = c3.number_input("Margin (%)", 0.0, 100.0, _pct(current.margin), step=1.0,
                                     key=f"{key}_margin_{gen}", help=notes["margin"], format="%.1f")
            ramp = c4.number_input("Ramp-up (months)", 0, 60, current.ramp_up_months, step=1,
                                   key=f"{key}_ramp_{gen}", help=notes["ramp_up_months"])
            currencies = list(dict.fromkeys([current.currency, session.currency()]))
            money_in = c5.selectbox("Currency of the costs", currencies, key=f"{key}_currency_{gen}",
                                    help="The costs below are in this currency. Choosing another does not convert "
                                         "them: enter them in it. Costs in another currency than the reporting one "
                                         "are converted at the workspace's rate (the Import page).")
            costs = pd.DataFrame({
                "Structure": [types.APPROACHES.label(c) for c in types.APPROACHES.codes],
                f"Cost to serve a year ({current.currency})": [current.cost_to_serve[c]
                                                               for c in types.APPROACHES.codes],
                f"Set-up cost once ({current.currency})": [current.setup_cost[c] for c in types.APPROACHES.codes],
            })
            cost_cols = list(costs.columns)
            edited_costs = st.data_editor(
                costs, hide_index=True, width="stretch", key=f"{key}_costs_{gen}", disabled=["Structure"],
                column_config={
                    "Structure": st.column_config.TextColumn(width="large"),
                    cost_cols[1]: st.column_config.NumberColumn(step=1, format="localized",
                                                                help=notes["cost_to_serve"]),
                    cost_cols[2]: st.column_config.NumberColumn(step=1, format="localized",
                                                                help=notes["setup_cost"])})
            roles = pd.DataFrame({
                "Role": [r.label for r in book.roles],
                "Hire or assign": [r.source for r in book.roles],
                "Coverage": [current.coverage[r.code] for r in book.roles],
                "Meaning": [("People for the whole programme. " if r.basis == "programme" else
                             "Accounts per person. ") + r.meaning for r in book.roles]})
            edited_roles = st.data_editor(
                roles, hide_index=True, width="stretch", key=f"{key}_roles_{gen}",
                disabled=["Role", "Hire or assign", "Meaning"],
                column_config={"Coverage": st.column_config.NumberColumn(step=0.001, format="%g",
                                                                         help=notes["coverage"]),
                               "Meaning": st.column_config.TextColumn(width="large")})
            applied = st.form_submit_button("Apply", type="primary", key=f"{key}_apply",
                                            help="Use these assumptions on this page (not saved)")
        if applied:
            raw: dict[str, Any] = {
                "currency": money_in, "horizon_years": int(horizon), "uplift": float(uplift) / 100.0,
                "margin": float(margin) / 100.0, "ramp_up_months": int(ramp),
                "cost_to_serve": _column(edited_costs, cost_cols[1]), "setup_cost": _column(edited_costs, cost_cols[2]),
                "coverage": {r.code: _number(v) for r, v in zip(book.roles, edited_roles["Coverage"])}}
            try:
                design_views.assumptions_from(raw)
            except InputError as exc:
                widgets.show_error(exc)
            else:
                st.session_state[EDITS] = raw
                st.session_state[f"{key}_gen"] = gen + 1
                st.rerun()
        b1, b2, _ = st.columns([1, 1, 2])
        if edited():
            if b2.button("Back to saved", key=f"{key}_drop", icon=":material/undo:"):
                st.session_state[EDITS] = None
                st.session_state[f"{key}_gen"] = gen + 1
                st.rerun()
            if who.can(Action.EDIT_ASSUMPTIONS) and b1.button("Save for everyone", key=f"{key}_save",
                                                              icon=":material/save:"):
                # On success the page reruns; a refusal is said here and the figures stay.
                widgets.run_action(lambda: design.save_assumptions(session.store(), who, in_force()),
                                   toast="Saved the assumptions", flags={EDITS: None, f"{key}_gen": gen + 1})
        if not who.can(Action.EDIT_ASSUMPTIONS):
            st.caption("Tried in this session only: " + display.may(Action.EDIT_ASSUMPTIONS, "saving")
                       if edited() else "You may try other assumptions here; "
                                        + display.may(Action.EDIT_ASSUMPTIONS, "saving them"))
        with st.popover("How each figure is computed", icon=":material/functions:"):
            for name, text in design_views.FORMULAS.items():
                st.markdown(f"**{plain(name.replace('_', ' ').capitalize())}**: {plain(text)}")
    try:
        a, note = for_figures()
    except InputError as exc:
        widgets.show_error(exc)
        return None
    if note:
        st.caption(plain(note))
    return a


def _number(value: Any) -> float | None:
    """A cell as a number; an emptied cell is None, which the validation refuses naming the place."""
    return None if value is None or pd.isna(value) else float(value)


def _column(frame: pd.DataFrame, column: str) -> dict[str, float | None]:
    return {code: _number(v) for code, v in zip(types.APPROACHES.codes, frame[column])}


def money_text(x: float | None, currency: str) -> str:
    """Money for a table cell or sentence; "unknown" for None or NaN."""
    return "unknown" if x is None or pd.isna(x) else money(float(x), currency)


# ---------------------------------------------------------------------------------------------- a plan's design


def designed(d: session.PortfolioData, scope: str, plan_key: str, a: Assumptions) -> tuple[design.Design, list[str]]:
    """The design of ``plan_key`` for the accounts of ``scope`` at assumptions ``a`` (reporting currency), and the
    notes on where the plan had no structure; cached per data version, matrix, scope, plan and assumptions, so a
    page's rerun and other sessions reuse it. Raises the services' GtmError as they do."""
    return cache.designed(session.database_url(), session.workspace(), session.data_version(), d.portfolio_version,
                          matrix_key(d.matrix), scope, plan_key, a.model_dump_json(), _every(d),
                          scope_ids(scope), session.won_weight())
