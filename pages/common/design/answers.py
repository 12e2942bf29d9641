"""The Design page's answers: five figures (accounts moved, people, cost, value at stake, net) and what they mean."""

from __future__ import annotations

import streamlit as st

from gtm import display
from gtm.display import money, plain
from gtm.services import design
from gtm.services.views import design as views

FIGURES_WIDTH = 205  # five in a row at 1280 px in presentation mode, three then two with the sidebar


def show_figures(t: views.Totals, staff: views.Staffing, horizon: int, cur: str) -> None:
    """Accounts moved, people to hire or assign, cost a year, value at stake and net against today."""
    row = st.container(horizontal=True, gap="small")  # five figures; at 1280 px they wrap onto a second row
    row.metric("Accounts moved", f"{t.moved:,} of {t.accounts:,}", f"{t.accounts - t.moved:,} stay as they are",
               delta_color="off", delta_arrow="off", border=True, width=FIGURES_WIDTH,
               help="Accounts whose structure in the plan differs from today's")
    row.metric("To hire · to assign", f"{staff.hire:,} · {staff.assign:,}",
               f"{staff.needed:,} needed in all, {staff.today:,} today", delta_color="off", delta_arrow="off",
               border=True, width=FIGURES_WIDTH,
               help="People the plan's structures need above today's, in the roles hired and in the roles assigned "
                    "from existing staff; then everyone the plan needs, and today")
    cost_change = t["cost_year_plan"] - t["cost_year_current"]
    row.metric("Cost to serve a year", money(t["cost_year_plan"], cur),
               display.metric_delta(f"{money(cost_change, cur)} against today"),
               delta_color="inverse", delta_arrow="auto" if round(cost_change) else "off", border=True,
               width=FIGURES_WIDTH, help="What serving the accounts with the plan's structures costs a year (the cost "
                                         "to serve of each account's structure, summed); the set-up is once, apart")
    row.metric(f"Value at stake, {horizon} years", money(t["stake_plan"], cur),
               f"benefit {money(t['benefit_plan'], cur)}", delta_color="off", delta_arrow="off", border=True,
               width=FIGURES_WIDTH, help=f"{views.FORMULAS['value_at_stake']} {views.FORMULAS['benefit']}")
    row.metric("Net against today", money(t["net"], cur),
               "payback " + display.payback(t.payback_months, t.moved > 0, horizon), delta_color="off",
               delta_arrow="off", border=True, width=FIGURES_WIDTH,
               help=f"{views.FORMULAS['net']} {views.FORMULAS['payback']}")


def show_case(t: views.Totals, horizon: int, cur: str, notes: list[str]) -> None:
    """What overkill and insufficient structures cost, the deck's case against the plan's, the moves that pay, and
    the notes on what was assumed."""
    target = views.deck_target()
    st.caption(
        f"Overkill costs {money(t['cost_without_benefit_current'], cur)} without benefit today, "
        f"{money(t['cost_without_benefit_plan'], cur)} in the plan; insufficient structures leave "
        f"{money(t['left_on_table_current'], cur)} of benefit on the table today, "
        f"{money(t['left_on_table_plan'], cur)} in the plan (over {horizon} years). The deck's case: "
        f"{money(target.low, 'USD')}–{money(target.high, 'USD')} of incremental sales across 15 focus accounts in "
        f"{target.years} years; here, the plan adds {money(t['stake_plan'] - t['stake_current'], cur)} of value at "
        f"stake to today's across {t.accounts:,} accounts.")
    if t.moved:
        st.caption(plain(design.moves_that_pay(t, horizon, cur)) + " The tables list each account's net and payback"
                   + ("; the plan 'The recommendation where the move pays back' keeps only the moves that pay."
                      if 0 < t.paying < t.moved else "."))
    for note in notes:
        st.caption(plain(note))
