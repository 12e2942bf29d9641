"""Plan: the engagement in three phases (docs/domain.md section 6) on a timeline from a start date; facilitators edit
activities, weeks, owners and statuses and save versions; everyone sees and exports it. The parts are in
pages/common/plan/."""

from __future__ import annotations

import streamlit as st

from gtm.domain.types import Action
from gtm.services import plans
from pages.common import account_plan, identity, present, session, widgets
from pages.common.plan import keys
from pages.common.plan.board import (
    show_board,
    show_dates,
    show_export,
    show_may_not_edit,
    show_save,
    show_versions,
)
from pages.common.plan.editor import show_editor
from pages.common.plan.source import show_source

s = session.store()
who = identity.actor()
showing = present.presenting()
editing = who.can(Action.EDIT_PLAN) and not showing
st.title("Plan")
if not showing:
    st.caption("The engagement in three phases, from a start date: about 6 weeks of opportunity assessment and "
               "program design, 8 weeks of execution with the target customer sets, then about 3 months to launch "
               "the organization of the future.")

saved = plans.versions(s)
gen = st.session_state.get(keys.GEN, 0)
shown = show_source(s, saved, gen, showing=showing, editing=editing)

# The figures and the timeline are drawn here, above the editors, once the edited plan is known.
board = st.container()
plan, problem = show_editor(shown.base, gen) if editing else (shown.base, None)
sched = plans.schedule(plan, shown.start)
with board:
    show_board(sched, problem, compact=showing, least=widgets.text_px())

frame = plans.export_frame(plan, shown.start)
if not editing:
    show_dates(frame)
# "KAM pilots: pilot account planning" links to the focus accounts' plans (issue 25): pages/common/account_plan.py.
account_plan.show_pilot_planning(s, account_plan.planning_activity(sched.activities))
if showing:
    st.stop()

if editing:
    with st.expander("Dates of every activity"):
        show_dates(frame)
    show_save(s, who, shown.name, shown.start, plan, shown.list_name, gen, problem)
elif not who.can(Action.EDIT_PLAN):
    show_may_not_edit()

show_versions(saved)
show_export(plan, shown.start)
