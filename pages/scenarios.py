"""Scenarios: build a structure per account for a set of accounts (every account or a saved list), save it with a
name (each save a new version), and compare two plans side by side (the recommendation, the latest decisions, the
current structures or a saved scenario): the figures, the people per role and the accounts that move, at the
assumptions in force. Exported as XLSX (three sheets) and CSV (the accounts moved)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from gtm.display import plain
from gtm.domain.types import GtmError
from gtm.services import design
from pages.common import cache, design_inputs, identity, navigation, present, session, widgets
from pages.common.scenarios import build, compare, keys

SUMMARY_WIDTH, ROLES_WIDTH = 560, 510  # px: side by side from 1,090 px of main area (presentation mode at 1280 px)

d = session.data(every_account=True)
s = session.store()
who = identity.actor()
cur = session.currency()
showing = present.presenting()
st.title("Scenarios")
if not showing:
    st.caption("Give each account a structure, save it as a named scenario, and compare two plans side by side: "
               "the people per role, the cost, the value at stake and the accounts that move.")
    navigation.related("pages/scenarios.py")
if d.account_table.empty:
    navigation.empty_state("No accounts yet: import accounts and opportunities on the Import page (or open the demo "
                           "workspace) to build scenarios.", icon=":material/compare_arrows:")
    st.stop()

choices = design.plan_choices(s)
saved = design.scenarios(s)
options = design_inputs.scope_options()
build.keep_choices(choices, options)
a = design_inputs.panel(who, key=keys.ASSUME)
in_scope = partial(build.in_scope, d.account_table)
if not showing:
    build.show_build(d, who, a, choices, options, in_scope)

key_a, key_b = compare.show_choice(choices)
if a is None:
    st.caption("The comparison needs assumptions that can be used: see the message above.")
    st.stop()
try:
    design_a, design_b, c, frames, notes_a, notes_b = cache.scenarios_compared(
        session.database_url(), session.workspace(), d.version, d.portfolio_version, d.matrix.model_dump_json(),
        st.session_state[keys.SCOPE_KEPT], key_a, key_b, a.model_dump_json(), cur, d, in_scope,
        design_inputs.scope_ids, partial(compare.short, saved))
except GtmError as exc:
    widgets.show_error(exc)
    st.stop()
names = c.names
st.markdown(f"**A**: {plain(names[0])} · **B**: {plain(names[1])} · **{len(design_a.economics):,}** accounts compared"
            + (" · A and B are the same plan" if key_a == key_b else ""))

# The figures beside the people per role where the main area is wide enough (presentation mode at 1280 px, 1920 px),
# one under the other where it is not (1280 px with the sidebar).
board = st.container(horizontal=True, gap="small")
with board.container(width=SUMMARY_WIDTH):
    compare.show_summary(frames["Summary"], c.summary["unit"].tolist(), (design_a, design_b), a.horizon_years, cur)
with board.container(width=ROLES_WIDTH):
    compare.show_roles(c.roles, (names[0], names[1]))

compare.show_moved(frames["Accounts moved"], cur, showing)
notes = list(dict.fromkeys([*c.notes, *design_a.notes, *design_b.notes]))
notes += [f"A: {n}" for n in notes_a] + [f"B: {n}" for n in notes_b]
for note in notes:
    st.caption(plain(note))
if not showing:
    compare.show_exports(c, cur)
