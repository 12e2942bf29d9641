"""Design: the deck's "designing the organization" and "resource requirements". For the accounts chosen (every
account, or a saved list such as the focus list) and a plan (the recommendation, the latest decisions, the current
structures or a saved scenario): what structure each account needs, who must be hired or assigned, and what it
costs and is worth. Every figure comes from the assumptions shown at the top, which anyone may try and a sales
leader, facilitator or administrator may save.

The sections are in pages/common/design/, one module each; their session keys in its keys.py."""

from __future__ import annotations

import streamlit as st

from gtm.domain.types import GtmError
from gtm.services import design
from gtm.services.views import design as views
from pages.common import design_inputs, identity, navigation, present, session, widgets
from pages.common.design import keys
from pages.common.design.accounts import SHOWN, show_need
from pages.common.design.answers import show_case, show_figures
from pages.common.design.choice import show_choice
from pages.common.design.people import show_people
from pages.common.design.worth import show_export, show_meanings, show_worth


def show_header(d: session.PortfolioData, showing: bool) -> bool:
    """The title and what the page answers; False (with what to do) when there are no accounts yet."""
    st.title("Design")
    if not showing:
        st.caption("Designing the organisation: for the accounts you choose, what structure each needs, who must be "
                   "hired or assigned, and what it costs and is worth. Every figure comes from the assumptions below: "
                   "change them and every figure follows.")
        navigation.related("pages/design.py")
    if d.account_table.empty:
        navigation.empty_state("No accounts yet: import accounts and opportunities on the Import page (or open the "
                               "demo workspace) to design their organisation.", icon=":material/groups:")
        return False
    return True


def main() -> None:
    """What and for whom, the assumptions, then the answers and the deck's three questions."""
    d = session.data(every_account=True)
    s = session.store()
    who = identity.actor()
    cur = session.currency()
    showing = present.presenting()
    if not show_header(d, showing):
        return
    choices = design.plan_choices(s)
    scope, plan_key = show_choice(choices, design.RECOMMENDED, showing)
    a = design_inputs.panel(who, key=keys.ASSUME)
    if a is None:
        return
    try:
        result, notes = design_inputs.designed(d, scope, plan_key, a)
    except GtmError as exc:
        widgets.show_error(exc)
        return
    t, horizon = result.totals, a.horizon_years
    show_figures(t, views.staffing(result.roles), horizon, cur)
    show_case(t, horizon, cur, [*notes, *result.notes])
    shown = design.economics_frame(result, short=True, limit=SHOWN)
    show_need(result, shown, cur, showing)  # 1. What structure does each need?
    show_people(d, result)  # 2. Who must we hire or assign?
    show_worth(t, shown, horizon, cur, showing)  # 3. What does it cost, and what is it worth?
    if showing:
        return
    show_meanings()
    show_export(result, cur, choices[plan_key], design_inputs.scope_label(scope))


main()
