"""Maturity: losers and winners in account management (docs/domain.md section 5). Each person scores the organisation or
a BU on nine dimensions, from the losers' phrasing (1) to the winners' (5); the page shows the mean and the spread
on a radar, the weakest dimensions first with what winners do, two dates compared, and who scored. The parts are in
pages/common/maturity/."""

from __future__ import annotations

import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import Action
from gtm.services import maturity
from pages.common import identity, present, session, widgets
from pages.common.maturity.choice import show_choice
from pages.common.maturity.form import show_scoring
from pages.common.maturity.view import show_change, show_date, show_summary, show_who_scored

s = session.store()
who = identity.actor()
showing = present.presenting()
st.title("Maturity")
if not showing:
    st.caption("Losers and winners in account management: each person scores nine dimensions from the losers' end "
               "(1) to the winners' end (5). The radar shows the mean and, shaded, the lowest to highest score; the "
               "table lists the weakest first, with what winners do.")

choice = show_choice(s)
if choice.day is None:
    st.info(f"No maturity assessment yet for {plain(choice.whom)}."
            + (" Score it below: each person in the room adds their own." if who.can(Action.ASSESS_MATURITY)
               and not showing else ""), icon=":material/radar:")
else:
    day, earlier_day = choice.day, choice.earlier
    summary = maturity.summary(s, choice.scope, day)
    show_summary(summary, choice.whom, day)
    earlier = maturity.summary(s, choice.scope, earlier_day) if earlier_day else None
    show_date(summary, earlier, day, earlier_day, widgets.text_px())
    if earlier_day is not None:
        show_change(maturity.compare(s, choice.scope, earlier_day, day), earlier_day, day)
    if not showing:
        show_who_scored(maturity.scored_by(s, choice.scope, day), day)

if showing:
    st.stop()

allowed = maturity.assessable_scopes(s, who)
if not allowed:
    st.caption(display.may(Action.ASSESS_MATURITY, "Scoring"))
    st.stop()
show_scoring(s, who, choice.scope, choice.scope_names, allowed)
