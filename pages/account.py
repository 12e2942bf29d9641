"""Account: one account's matrix, its recommendation, its opportunities, and the decision record."""

import hashlib
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import count, money, plain, plural
from gtm.domain import structures
from gtm.domain.types import APPROACHES, NATURES, OUTCOME_LABELS, ROLE_LABELS
from gtm.export import charts
from gtm.services import decisions
from gtm.services.views import portfolio
from pages.common import account_plan, address, capture, identity, navigation, present, session, widgets

RESULTS = 20  # matches listed at once: the largest, so a few letters find the account that matters
SHOWN = {"current": "current structure", "recommended": "★ recommended"}  # where the chart draws the opportunities

d = session.data()
st.title("Account")
if d.accounts.empty:
    navigation.empty_state("No accounts yet: import them on the Import page, with their opportunities.")
    st.stop()

accounts = d.account_table
ids = accounts["account_id"]
asked = st.query_params.get("account")  # a copied link opens its account directly
chosen = asked if asked is not None and (ids == asked).any() else None
if asked is not None and chosen is None:
    # Never another workspace's account, nor its id in front of a room (an id may be a name: "name:acme corp").
    named = "" if present.presenting() else f" ({plain(asked)})"
    scope = f"the list **{plain(session.chosen_list())}** of " if d.list_id else ""
    st.warning(f"The account in the address{named} is not in {scope}the **{session.workspace()}** workspace, so it is "
               f"not shown; the workspace stays {session.workspace()}. Below is the account with the most value in a "
               "misfit: the search finds another.", icon=":material/search_off:")

# One control: a search whose matches are listed largest value first; the largest opens, a click opens another.
query = st.text_input("Find an account", key="acc_search",
                      placeholder="Type part of a name or id: matches are listed largest value first")
if query.strip():
    found = portfolio.search_accounts(accounts, query, limit=None)
    if found.empty:
        st.warning(f"No account matches '{plain(query)}'.")
    else:
        top = found.head(RESULTS)
        results_key = f"acc_results_{hashlib.sha1(query.strip().lower().encode()).hexdigest()[:10]}"
        rows = st.session_state.get(results_key, {}).get("selection", {}).get("rows", [])
        chosen = str(top["account_id"].iloc[rows[0] if rows and rows[0] < len(top) else 0])
        more = f"; the {RESULTS} largest are listed, type more to narrow" if len(found) > RESULTS else ""
        st.caption(f"{len(found):,} match{'' if len(found) == 1 else 'es'}, largest value first{more}. "
                   "Click a row to open that account.")
        widgets.dataframe(
            top.assign(open=np.where(top["account_id"] == chosen, "▶", "")), ["value"], session.currency(),
            hide_index=True, key=results_key,
            on_select="rerun", selection_mode="single-row", height=35 * (min(len(top), 5) + 1) + 3,  # 5 rows, scroll
            column_order=["open", "name", "account_id", "value", "industry", "region"],
            column_config={"open": st.column_config.TextColumn("", width=30, help="The account shown below"),
                           "name": st.column_config.TextColumn("Account", width="large"), "account_id": "Id",
                           "value": st.column_config.NumberColumn(f"Value ({session.currency()})",
                                                                  help="The full amount of its opportunities"),
                           "industry": "Industry", "region": "Region"})
if chosen is None:  # no link and no search: the account with the most value in a misfit
    chosen = str(ids.at[accounts["misfit_value"].idxmax()])
pick = chosen
if pick != st.query_params.get("account"):
    st.query_params["account"] = pick

weighing = portfolio.expected_value_note(session.won_weight())  # what each verdict below weighs, in words
acc = accounts[ids == pick].iloc[0]
st.set_page_config(page_title=f"{acc['name']} · Account · GTM Fit")  # the browser tab (plain text, not markup)
opps = d.assessed[d.assessed["account_id"] == pick]
head, share = st.columns([5, 1], vertical_alignment="bottom")
head.header(plain(acc["name"]), anchor=False)
with share.popover("Copy link", icon=":material/link:", key="acc_share"):
    # The address bar's URL (st.context.url: scheme, host and page, without the query), else a relative link.
    st.code(f"{st.context.url or 'account'}?{urlencode(address.here(account=pick))}",
            language=None, wrap_lines=True)
    st.caption(f"Copy it with the copy button that shows when you point at it: the link opens this account in the "
               f"**{plain(session.workspace())}** workspace.")
st.caption(" · ".join(plain(x) for x in (acc["account_id"], acc["industry"], acc["region"], acc["owner"]) if pd.notna(x)))

current = acc["current_approach"] if pd.notna(acc["current_approach"]) else None
recommended = acc.get("recommended_approach")
recommended = str(recommended) if pd.notna(recommended) else None
# Status first: the structure today, the recommendation, and the latest decision with where its review stands.
c = st.columns([1.15, 1.4, 1.9, 1.9, 1.9])
lost_count = int(acc.get("lost_count", 0) or 0)
c[0].metric("Opportunities", int(acc["opportunities"]),
            help=f"Open and won; {count(lost_count, 'lost deal')} {plural(lost_count, 'is', 'are')} left out"
            if lost_count else "Open and won")
c[1].metric("Value", money(acc["value"], session.currency()),
            help="The full amounts of its open and won opportunities (lost deals are left out). The verdicts below "
                 "weigh them by expected value: " + weighing.split(": ", 1)[1])
with c[2]:
    st.caption("Current approach")
    st.markdown(f"**{APPROACHES.label(current)}**" if current else
                f"not set (assumed {APPROACHES.label(portfolio.assumed_approach()).lower()})")
with c[3]:
    st.caption("★ Recommended")
    st.markdown(f"**{APPROACHES.label(recommended)}**" if recommended else "— none yet")
with c[4]:
    st.caption("Latest decision")
    decided = d.decisions[d.decisions["account_id"] == pick].head(1)
    if decided.empty:
        st.markdown("— none yet (record one below)")
    else:
        last = decided.iloc[0]

        def known(value: Any, missing: str) -> str:  # what the record does not say is said to be unknown
            return plain(value) if pd.notna(value) and str(value) else missing

        bus = f" ({plain(last['approvals'])})" if pd.notna(last.get("approvals")) and last.get("approvals") else ""
        when = known(str(last["created_at"])[:10] if pd.notna(last["created_at"]) else None, "date not known")
        st.markdown(f"**{APPROACHES.label(str(last['approach']))}** by {known(last['author'], 'author not known')}, "
                    f"{when} · review: **{known(last.get('review_status'), 'not known')}**{bus}")
# Both structures' cards in the playbook: who owns the account, who decides, what each needs and costs.
playbook = structures.playbook_link(current, recommended)
st.page_link("pages/structures.py", icon=":material/account_tree:",
             query_params=address.here(**playbook),
             label="See both structures in the playbook" if "compare" in playbook else
             "See this structure in the playbook")

st.markdown("**Why is the current structure flagged?**")
st.markdown(plain(portfolio.fit_summary(opps, session.currency())))
if recommended:
    st.markdown(f"**Why {APPROACHES.label(recommended)}?**")
    st.markdown(plain(acc["recommendation_rationale"]))
elif len(opps):
    st.warning(plain(acc["recommendation_rationale"]), icon=":material/help:")
st.caption(weighing + " Both answers above weigh each opportunity by it; the tables show the full "
           "value beside it.")
account_figures = portfolio.figures(opps) if len(opps) else None
if account_figures is not None and account_figures.undiagnosed_count:
    st.warning(plain(account_figures.left_out(session.currency())) + " Set the nature of those not yet diagnosed on "
               "the **Diagnose** page.", icon=":material/pending_actions:")
elif account_figures is not None and account_figures.lost_count:
    st.caption(plain(account_figures.left_out(session.currency())))

shown = "current"
if recommended and len(opps):
    shown = st.segmented_control("Show the opportunities under", list(SHOWN), format_func=SHOWN.__getitem__,
                                 default="current", required=True, key="acc_shown",
                                 help="Where each opportunity sits, and its fit, under the structure chosen") or shown
drawn = portfolio.fit_under(opps, recommended, d.matrix) if recommended and shown == "recommended" else opps
widgets.chart(charts.account_matrix(drawn, d.matrix, recommended, currency=session.currency(), shown=shown,
                                    least=widgets.text_px()),
              key="acc_matrix", config={"displayModeBar": False})

value_column = st.column_config.NumberColumn(f"Full value ({session.currency()})",
                                             help="The amount in the CRM, not weighted by probability")
expected_column = st.column_config.NumberColumn(f"Expected value ({session.currency()})", help=weighing)
MONEY = ["value", "expected_value"]  # in the reporting currency, written as the figures above (widgets.money_table)
steps_column = st.column_config.NumberColumn("Steps", help=portfolio.STEPS_HELP)
if recommended and len(opps):
    over, under = portfolio.served_by(opps, recommended, d.matrix)
    served_config = {
        "name": st.column_config.TextColumn("Opportunity", width="large"), "nature": "Nature",
        "value": value_column, "expected_value": expected_column, "steps": steps_column,
    }
    for frame, title, key in ((over, f"{display.UP} The recommendation would over-serve", "acc_over"),
                              (under, f"{display.DOWN} The recommendation would under-serve", "acc_under")):
        weighed = " " + plain(f"({money(float(frame['expected_value'].sum()), session.currency())} expected value)") \
            if len(frame) and "expected_value" in frame else ""
        st.markdown(f"**{title} {count(len(frame), 'opportunity') if len(frame) else 'no opportunity'}**{weighed}")
        if len(frame):
            widgets.dataframe(frame.assign(nature=frame["nature"].astype(str).map(NATURES.label)), MONEY,
                              session.currency(), column_order=list(served_config), column_config=served_config,
                              hide_index=True, key=key)

capture.show_account(d, pick, opps)  # issue 25: who leads the account, and where it could buy more

st.subheader("Opportunities")
if opps.empty:
    st.info("This account has no opportunities yet.")
else:
    play = portfolio.in_play(opps)
    table = opps.assign(
        nature_label=opps["nature"].astype(object).map(NATURES.label, na_action="ignore").astype(object)
        .fillna("— not yet diagnosed"),
        found=portfolio.nature_found(opps),
        # A lost deal has no fit because it is no longer at stake, not because its nature is unknown.
        fit_badge=opps["fit"].astype(object).map(charts.fit_badge).where(play, "– lost: left out"),
        outcome=(opps["outcome"] if "outcome" in opps else pd.Series("open", index=opps.index))
        .astype(object).map(OUTCOME_LABELS),
    ).iloc[np.argsort(~play, kind="stable")]  # the deals at stake first, the lost ones after them
    own = table["currency"].astype(object) if "currency" in table else pd.Series(None, index=table.index, dtype=object)
    widgets.dataframe(
        table, {**dict.fromkeys(MONEY, session.currency()), "value_original": own},
        hide_index=True, key="acc_opps",
        column_order=["name", "fit_badge", "steps", "value", "expected_value", "value_original", "currency",
                      "nature_label", "found",
                      "bu_name", "probability", "stage", "outcome", "opportunity_id", "rationale"],
        column_config={
            "opportunity_id": "Id", "name": "Opportunity", "bu_name": "BU", "nature_label": "Nature", "stage": "Stage",
            "found": st.column_config.TextColumn("Nature found", help="Who decided, in this order: a person, the CRM "
                                                                     "file, the product family mapping, or which rule"),
            "value": value_column, "expected_value": expected_column,
            "value_original": st.column_config.NumberColumn("In the file",
                                                            help="The amount as the CRM file gave it, in its currency"),
            "currency": st.column_config.TextColumn("Currency", help="The currency the CRM file gave"),
            "probability": st.column_config.NumberColumn("Prob. %", format="%d"),
            "fit_badge": "Fit", "steps": steps_column, "rationale": st.column_config.TextColumn("Why", width="large"),
            "outcome": st.column_config.TextColumn("Outcome", help="Open, won or lost, as read at import from the "
                                                   "stage, the probability or your stage mapping"),
        },
    )

st.subheader("Record a decision")
who = identity.actor()
owner = acc["owner"] if pd.notna(acc["owner"]) else None
submitted = False
if present.presenting():  # the projector view shows; decisions are recorded in the normal view
    st.caption("Recording a decision is hidden in presentation mode.")
elif not decisions.may_decide(who, owner):
    st.caption(decisions.why_not_decide(who, owner))
else:
    if st.session_state.pop("dec_clear", False):
        st.session_state["dec_rationale"] = ""  # cleared only after a decision was recorded
        st.session_state["dec_lead_reason"] = ""
    with st.form("decision_form"):
        approach = st.selectbox("Structure for this account", APPROACHES.codes,
                                index=APPROACHES.codes.index(recommended) if recommended else 0,
                                format_func=widgets.names(APPROACHES.codes, {a: ("★ " if a == recommended else "")
                                                                             + APPROACHES.label(a)
                                                                             for a in APPROACHES.codes}),
                                key="dec_approach")
        rationale = st.text_area("Rationale (required)", key="dec_rationale",
                                 placeholder="Why this structure fits the account's opportunities")
        lead_choice = capture.lead_inputs(d, pick, opps)  # the lead BU and point person, with the evidence's ★
        submitted = st.form_submit_button("Record decision", type="primary")
if submitted:
    in_band = acc.get("recommended_in_band_share")
    # The latest decision the history showed when the person filled the form (a run ago): if someone recorded
    # another since, the service refuses and says who; the history below then shows it.
    seen = st.session_state.get("dec_seen", {}).get(pick)
    widgets.run_action(lambda: decisions.record_decision(
        session.store(), who, pick, approach, rationale, recommended_approach=recommended,
        in_band_share=float(in_band) if pd.notna(in_band) else None, expected_latest=seen, **lead_choice.kwargs()),
        toast="Decision recorded", flags={"dec_clear": True})

st.subheader("Decision history")
history = d.decisions[d.decisions["account_id"] == pick]
st.session_state.setdefault("dec_seen", {})[pick] = int(history["decision_id"].max()) if len(history) else 0
if history.empty:
    st.caption("No decision recorded yet.")
else:
    widgets.dataframe(
        history.assign(approach_label=history["approach"].map(APPROACHES.label),
                       author_role=history["author_role"].map(lambda r: ROLE_LABELS.get(r, r))),
        hide_index=True, key="acc_history",
        column_order=["created_at", "author", "author_role", "approach_label", "rationale", "matrix_name",
                      "matrix_fingerprint", "review_status", "approvals", "review_comment"],
        column_config={
            "created_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"), "author": "Who",
            "author_role": "Role", "approach_label": "What", "rationale": st.column_config.TextColumn("Why", width="large"),
            "matrix_name": "Matrix version", "matrix_fingerprint": "Matrix id", "review_status": "Review", "approvals": "BUs",
            "review_comment": "Review comment",
        },
    )

# ---------------------------------------------------------------------------------------------- account plan
# The focus account's plan (issue 25, item 4), in a section of its own: pages/common/account_plan.py.
account_plan.show_account_plan(session.store(), who, acc, d.business_units)
