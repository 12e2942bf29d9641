"""Design: the deck's "designing the organization" and "resource requirements". For the accounts chosen (every
account, or a saved list such as the focus list) and a plan (the recommendation, the latest decisions, the current
structures or a saved scenario): what structure each account needs, who must be hired or assigned, and what it
costs and is worth. Every figure comes from the assumptions shown at the top, which anyone may try and a sales
leader, facilitator or administrator may save."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gtm import display
from gtm.display import money, plain
from gtm.domain import economics, structures, types
from gtm.domain.funnel import default_rules as funnel_rules
from gtm.domain.types import GtmError
from gtm.export import charts
from gtm.services import design
from pages.common import address, capture, design_inputs, identity, navigation, present, session, widgets

SHOWN = 1000  # accounts listed on the page (largest first); the export holds every one
TODAY_COLOUR, PLAN_COLOUR = "#9AA0A6", "#0072B2"

d = session.data(every_account=True)
s = session.store()
who = identity.actor()
cur = session.currency()
showing = present.presenting()
st.title("Design")
if not showing:
    st.caption("Designing the organisation: for the accounts you choose, what structure each needs, who must be "
               "hired or assigned, and what it costs and is worth. Every figure comes from the assumptions below: "
               "change them and every figure follows.")
    navigation.related("pages/design.py")
if d.account_table.empty:
    navigation.empty_state("No accounts yet: import accounts and opportunities on the Import page (or open the demo "
                           "workspace) to design their organisation.", icon=":material/groups:")
    st.stop()

# ---------------------------------------------------------------------------------------------- what, for whom
options = design_inputs.scope_options()
if st.session_state.get("dz_scope") not in options:
    st.session_state["dz_scope"] = design_inputs.default_scope()
choices = design.plan_choices(s)
if st.session_state.get("dz_plan") not in choices:
    st.session_state["dz_plan"] = design.RECOMMENDED
c1, c2 = st.columns([1, 1])
scope = c1.selectbox("Accounts", options, key="dz_scope", format_func=design_inputs.scope_label,
                     help="Every account, or a saved list (the Key accounts page saves the focus list)")
plan_key = c2.selectbox("Plan", list(choices), key="dz_plan", format_func=choices.__getitem__,
                        help="Whose structures to design for: the recommendation, the latest decisions, the current "
                             "structures, or a scenario saved on the Scenarios page")
if scope == design_inputs.EVERY and len(options) == 1 and not showing:
    st.caption("No account list is saved yet: the Key accounts page builds the shortlist and the focus list, which you "
               "can then design for here.")
a = design_inputs.panel(who, key="dz_assume")
if a is None:
    st.stop()

try:
    result, notes = design_inputs.designed(d, scope, plan_key, a)
except GtmError as exc:
    widgets.show_error(exc)
    st.stop()
t = result.totals
roles = result.roles
horizon = a.horizon_years
staff = economics.staffing(roles)

# ---------------------------------------------------------------------------------------------- the answers
row = st.container(horizontal=True, gap="small")  # five figures; at 1280 px they wrap onto a second row
figures_width = 205  # five in a row at 1280 px in presentation mode, three then two with the sidebar
row.metric("Accounts moved", f"{t.moved:,} of {t.accounts:,}", f"{t.accounts - t.moved:,} stay as they are",
           delta_color="off", delta_arrow="off", border=True, width=figures_width,
           help="Accounts whose structure in the plan differs from today's")
row.metric("To hire · to assign", f"{staff.hire:,} · {staff.assign:,}",
           f"{staff.needed:,} needed in all, {staff.today:,} today", delta_color="off", delta_arrow="off", border=True,
           width=figures_width, help="People the plan's structures need above today's, in the roles hired and in the "
                                     "roles assigned from existing staff; then everyone the plan needs, and today")
cost_change = t["cost_year_plan"] - t["cost_year_current"]
row.metric("Cost to serve a year", money(t["cost_year_plan"], cur),
           display.metric_delta(f"{money(cost_change, cur)} against today"),
           delta_color="inverse", delta_arrow="auto" if round(cost_change) else "off", border=True,
           width=figures_width, help="What serving the accounts with the plan's structures costs a year (the cost to serve "
                                     "of each account's structure, summed); the set-up is once, apart")
row.metric(f"Value at stake, {horizon} years", money(t["stake_plan"], cur), f"benefit {money(t['benefit_plan'], cur)}",
           delta_color="off", delta_arrow="off", border=True, width=figures_width,
           help=f"{economics.FORMULAS['value_at_stake']} {economics.FORMULAS['benefit']}")
row.metric("Net against today", money(t["net"], cur),
           "payback " + display.payback(t.payback_months, t.moved > 0, horizon), delta_color="off",
           delta_arrow="off", border=True, width=figures_width,
           help=f"{economics.FORMULAS['net']} {economics.FORMULAS['payback']}")
target = funnel_rules().deck_target
st.caption(
    f"Overkill costs {money(t['cost_without_benefit_current'], cur)} without benefit today, "
    f"{money(t['cost_without_benefit_plan'], cur)} in the plan; insufficient structures leave "
    f"{money(t['left_on_table_current'], cur)} of benefit on the table today, {money(t['left_on_table_plan'], cur)} "
    f"in the plan (over {horizon} years). The deck's case: {money(target.low, 'USD')}–{money(target.high, 'USD')} of "
    f"incremental sales across 15 focus accounts in {target.years} years; here, the plan adds "
    f"{money(t['stake_plan'] - t['stake_current'], cur)} of value at stake to today's across {t.accounts:,} accounts.")
if t.moved:
    st.caption(plain(design.moves_that_pay(t, horizon, cur)) + " The tables list each account's net and payback"
               + ("; the plan 'The recommendation where the move pays back' keeps only the moves that pay."
                  if 0 < t.paying < t.moved else "."))
for note in [*notes, *result.notes]:
    st.caption(plain(note))

# 1. What structure does each need?
st.subheader("What structure does each account need?", anchor=False)
shown = design.economics_frame(result, short=True, limit=SHOWN)
plan_codes = result.economics.set_index("account_id").loc[shown["account_id"], "plan"].astype(str).to_numpy()
structure_links = address.links("structures", "structure", plan_codes)
if t.accounts > SHOWN:
    st.caption(f"The {SHOWN:,} accounts with the largest expected value of {t.accounts:,}; the export holds every one.")
need = pd.DataFrame({  # the answer first (today, plan, net, payback), then the value and the playbook's card
    "link": address.account_links(shown["account_id"]).to_numpy(), "Account": shown["name"].to_numpy(),
    "Today": shown["current"].to_numpy(), "In the plan": shown["plan"].to_numpy(),
    "Net": shown["net"].to_numpy(), "Payback": shown["payback"].to_numpy(),
    f"Expected value ({cur})": shown["value"].to_numpy(), "Playbook": structure_links,
})
st.dataframe(widgets.money_table(need, [f"Expected value ({cur})", "Net"], cur), hide_index=True, key="dz_need", width="stretch", height=300 if showing else 360, column_config={
    "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
    f"Expected value ({cur})": st.column_config.NumberColumn(),
    "Net": st.column_config.NumberColumn(f"Net ({cur})", help=economics.FORMULAS["net"]),
    "Payback": st.column_config.TextColumn(help=economics.FORMULAS["payback"]),
    "Playbook": st.column_config.LinkColumn("Playbook", display_text="See the card",
                                            help="The plan's structure in the playbook (Structures page)")})

# 2. Who must we hire or assign?
st.subheader("Who must we hire or assign?", anchor=False)
shown_roles = roles.assign(
    source=roles["source"].map({"hire": "Hire", "assign": "Assign"}),
    coverage=[structures.coverage_text(b, c) for c, b in zip(roles["coverage"], roles["basis"])])
st.dataframe(shown_roles[list(design.ROLES_HEADERS)].rename(columns=design.ROLES_HEADERS), hide_index=True,
             key="dz_roles", width="stretch", column_config={"Change": st.column_config.NumberColumn(format="%+d")})
st.caption("Coverage ratios are assumptions: change them above. People are whole: accounts ÷ accounts per person, "
           "rounded up.")
capture.show_point_persons(d, result)  # the lead-unit point persons by name, beside their count
text = charts.text_layout(widgets.text_px(), 13)  # every chart text this size or more, in the theme's colour
bar_layout = {**text, "legend": {**text["legend"], "orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
              "barmode": "group", "yaxis": {"autorange": "reversed", "tickfont": text["font"]}, "xaxis": {"visible": False}}
fig = go.Figure()
labels = [charts.hover_text(x) for x in roles["label"]]
for side, column, colour in (("Today", "people_current", TODAY_COLOUR), ("Plan", "people_plan", PLAN_COLOUR)):
    fig.add_bar(y=labels, x=roles[column], name=side, orientation="h", marker_color=colour, text=roles[column],
                textposition="outside", cliponaxis=False, textfont=text["font"])
fig.update_layout(height=max(300, 40 + charts.grouped_bars_px(len(roles), text["font"]["size"])),
                  margin={"l": 10, "r": 40, "t": 30, "b": 10}, **bar_layout)
widgets.chart(fig, key="dz_roles_chart", config={"displayModeBar": False})

# 3. What does it cost, and what is it worth?
st.subheader("What does it cost, and what is it worth?", anchor=False)
money_figures = [("Cost over the horizon", "cost_current", "cost_plan"),
                 ("Value at stake", "stake_current", "stake_plan"),
                 ("Benefit", "benefit_current", "benefit_plan"),
                 ("Overkill: cost without benefit", "cost_without_benefit_current", "cost_without_benefit_plan"),
                 ("Insufficient: benefit left on the table", "left_on_table_current", "left_on_table_plan")]
fig = go.Figure()
names = [name for name, _, _ in money_figures]
for side, position, colour in (("Today", 1, TODAY_COLOUR), ("Plan", 2, PLAN_COLOUR)):
    values = [t[f[position]] for f in money_figures]
    fig.add_bar(y=names, x=values, name=side, orientation="h", marker_color=colour,
                text=[money(v, cur) for v in values], textposition="outside", cliponaxis=False, textfont=text["font"])
fig.update_layout(height=max(340, 40 + charts.grouped_bars_px(len(names), text["font"]["size"])),
                  margin={"l": 10, "r": 70, "t": 30, "b": 10}, **bar_layout)
widgets.chart(fig, key="dz_money_chart", config={"displayModeBar": False})
st.caption(f"Over {horizon} years, in {cur}. The set-up of the moves costs {money(t['setup_cost'], cur)} once.")
money_cols = ["value", "cost_year_current", "cost_year_plan", "setup_cost", "stake_plan", "benefit_plan", "net",
              "cost_without_benefit_plan", "left_on_table_plan"]
per_account = shown[["name", "current", "plan", *money_cols, "payback"]].rename(columns=design.ECONOMICS_HEADERS)
st.dataframe(widgets.money_table(per_account, [design.ECONOMICS_HEADERS[c] for c in money_cols], cur), hide_index=True,
             key="dz_economics", width="stretch", height=300 if showing else 360,
             column_config={design.ECONOMICS_HEADERS[c]: st.column_config.NumberColumn() for c in money_cols})
if showing:
    st.stop()

with st.expander("What each figure means", icon=":material/functions:"):
    for name, formula in economics.FORMULAS.items():
        st.markdown(f"**{plain(name.replace('_', ' ').capitalize())}**: {plain(formula)}")
    st.markdown(f"**Structures**: {plain(', '.join(f'{i + 1} {label}' for i, label in enumerate(types.APPROACHES.labels)))}"
                " — lightest first; moving an account down costs nothing once.")
st.download_button("Download the design (XLSX)",
                   lambda: design.design_xlsx(result, cur, plan=choices[plan_key],
                                              for_accounts=design_inputs.scope_label(scope)),
                   file_name="gtm-design.xlsx", key="dz_export", on_click="ignore", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   help="Every account's economics, the roles and the assumptions they were computed with")
