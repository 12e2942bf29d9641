"""What the Design and Scenarios pages share: the accounts a plan covers, the assumptions in force (saved, or tried
in this session without saving), the editor that shows every one of them, and the cached value in band per account.

Anyone may try other assumptions: the edits live in this session (``st.session_state``) until saved, which the
service checks (sales leaders, facilitators, administrators) or dropped.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import money, plain
from gtm.domain.types import Action, Actor, Assumptions, InputError
from gtm.services import design
from gtm.services import lists as lists_service
from gtm.services.views import design as design_views
from gtm.services.views.keys import matrix_key
from pages.common import cache, session, widgets
from pages.common.design import keys
from pages.common.design.assumptions import show_assumptions_form

EDITS = keys.EDITS  # this session's assumptions, not saved (a dict as Assumptions validates it); absent: saved ones
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


def panel(who: Actor, *, key: str, expanded: bool = False) -> Assumptions | None:
    """The assumptions, every one visible and editable: an expander with the figures per structure, the coverage
    ratios and the four global ones, and what each means. Returns the assumptions in force in the reporting
    currency (None, with the reason shown, when they cannot be used)."""
    state = saved()
    if state.refused:
        st.warning(plain(state.refused), icon=":material/warning:")
    title = ("Assumptions: **edited in this session, not saved**" if edited() else
             f"Assumptions: saved version {state.version} by {plain(state.saved_by)}" if state.version else
             "Assumptions: the defaults (data/approaches.json)")
    with st.expander(title, expanded=expanded or edited(), icon=":material/tune:"):
        gen = st.session_state.get(keys.editor_gen(key), 0)
        raw = show_assumptions_form(design.playbook(), in_force(), session.currency(), key, gen)
        if raw is not None:
            try:
                design_views.assumptions_from(raw)
            except InputError as exc:
                widgets.show_error(exc)
            else:
                st.session_state[EDITS] = raw
                st.session_state[keys.editor_gen(key)] = gen + 1
                st.rerun()
        show_edit_controls(who, key, gen)
    try:
        a, note = for_figures()
    except InputError as exc:
        widgets.show_error(exc)
        return None
    if note:
        st.caption(plain(note))
    return a


def show_edit_controls(who: Actor, key: str, gen: int) -> None:
    """Back to the saved assumptions, save the edited ones for everyone (who may), and how each figure is computed."""
    b1, b2, _ = st.columns([1, 1, 2])
    if edited():
        if b2.button("Back to saved", key=keys.editor(key, "drop"), icon=":material/undo:"):
            st.session_state[EDITS] = None
            st.session_state[keys.editor_gen(key)] = gen + 1
            st.rerun()
        if who.can(Action.EDIT_ASSUMPTIONS) and b1.button("Save for everyone", key=keys.editor(key, "save"),
                                                          icon=":material/save:"):
            # On success the page reruns; a refusal is said here and the figures stay.
            widgets.run_action(lambda: design.save_assumptions(session.store(), who, in_force()),
                               toast="Saved the assumptions", flags={EDITS: None, keys.editor_gen(key): gen + 1})
    if not who.can(Action.EDIT_ASSUMPTIONS):
        st.caption("Tried in this session only: " + display.may(Action.EDIT_ASSUMPTIONS, "saving")
                   if edited() else "You may try other assumptions here; "
                                    + display.may(Action.EDIT_ASSUMPTIONS, "saving them"))
    with st.popover("How each figure is computed", icon=":material/functions:"):
        for name, text in design_views.FORMULAS.items():
            st.markdown(f"**{plain(name.replace('_', ' ').capitalize())}**: {plain(text)}")


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
