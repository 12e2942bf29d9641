"""Account: one account's matrix, its recommendation, its opportunities, and the decision record."""

import pandas as pd
import streamlit as st

from gtm.services.views import portfolio, structures
from pages.common import account_plan, identity, navigation, session
from pages.common.account import decision, find, lead, opportunities, status

d = session.data()
st.title("Account")
if d.accounts.empty:
    navigation.empty_state("No accounts yet: import them on the Import page, with their opportunities.")
    st.stop()

accounts = d.account_table
pick = find.find_account(accounts, d.list_id)
weighing = portfolio.expected_value_note(session.won_weight())  # what each verdict below weighs, in words
acc = accounts[accounts["account_id"] == pick].iloc[0]
st.set_page_config(page_title=f"{acc['name']} · Account · GTM Fit")  # the browser tab (plain text, not markup)
opps = d.assessed[d.assessed["account_id"] == pick]
status.show_heading(acc, pick)

current = acc["current_approach"] if pd.notna(acc["current_approach"]) else None
recommended = acc.get("recommended_approach")
recommended = str(recommended) if pd.notna(recommended) else None
status.show_status(acc, d.decisions, current, recommended, weighing)
status.show_playbook_link(structures.playbook_link(current, recommended))
status.show_why(acc, opps, recommended, weighing)

opportunities.show_matrix(opps, recommended, d.matrix)
if recommended and len(opps):
    opportunities.show_served(opps, recommended, d.matrix, weighing)
lead.show_lead(d, pick, opps)  # issue 25: who leads the account, and where it could buy more
opportunities.show_opportunities(opps, weighing)

who = identity.actor()
decision.show_record_decision(d, pick, acc, opps, recommended, who)
decision.show_history(d.decisions[d.decisions["account_id"] == pick], pick)

# The focus account's plan (issue 25, item 4), in a section of its own: pages/common/account_plan.py.
account_plan.show_account_plan(session.store(), who, acc, d.business_units)
