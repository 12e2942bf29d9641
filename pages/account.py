"""Account: one account's matrix, its recommendation, its opportunities, and the decision record."""

import pandas as pd
import streamlit as st

from gtm.domain import portfolio
from gtm.domain.fmt import plain
from gtm.domain.permissions import ROLE_LABELS
from gtm.domain.vocabulary import APPROACHES, NATURES
from gtm.export import charts
from gtm.services import decisions
from pages.common import identity, present, session, widgets

d = session.data()
st.title("Account")
if d.accounts.empty:
    st.info("No accounts yet. Import them on the **Data** page.", icon=":material/inbox:")
    st.stop()

names = dict(zip(d.accounts["account_id"], d.accounts["name"]))
chosen = st.query_params.get("account")
if chosen not in names:
    chosen = None

query = st.text_input("Find an account", key="acc_search", placeholder="Type part of a name or id")
if query.strip():
    options = list(portfolio.search_accounts(d.accounts, query)["account_id"])
    if not options:
        st.warning(f"No account matches '{plain(query)}'.")
        st.stop()
else:
    # No search yet: the accounts with the most value at stake, and the one in the URL.
    options = list(d.account_table.sort_values("misfit_value", ascending=False).head(50)["account_id"])
    if chosen and chosen not in options:
        options.insert(0, chosen)
pick = st.selectbox(f"Account ({len(options)} match{'es' if len(options) != 1 else ''})" if query.strip() else "Account",
                    options, index=options.index(chosen) if chosen in options else 0,
                    format_func=lambda a: f"{names[a]} ({a})", key=f"acc_pick_{query.strip().lower()}" if query.strip() else "acc_pick")
if pick != st.query_params.get("account"):
    st.query_params["account"] = pick

acc = d.account_table[d.account_table["account_id"] == pick].iloc[0]
st.set_page_config(page_title=f"{acc['name']} · Account · GTM Fit")  # the browser tab (plain text, not markup)
opps = d.assessed[d.assessed["account_id"] == pick]
st.header(plain(acc["name"]), anchor=False)
st.caption(" · ".join(plain(x) for x in (acc["account_id"], acc["industry"], acc["region"], acc["owner"]) if pd.notna(x)))

current = acc["current_approach"] if pd.notna(acc["current_approach"]) else None
recommended = acc.get("recommended_approach")
recommended = str(recommended) if pd.notna(recommended) else None
# Status first: the structure today, the recommendation, and the latest decision with where its review stands.
c = st.columns([1.15, 1.4, 1.9, 1.9, 1.9])
c[0].metric("Opportunities", int(acc["opportunities"]))
c[1].metric("Value", charts.money(acc["value"], session.currency()))
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

        def known(value: object, missing: str) -> str:  # what the record does not say is said to be unknown
            return plain(value) if pd.notna(value) and str(value) else missing

        bus = f" ({plain(last['approvals'])})" if pd.notna(last.get("approvals")) and last.get("approvals") else ""
        when = known(str(last["created_at"])[:10] if pd.notna(last["created_at"]) else None, "date not known")
        st.markdown(f"**{APPROACHES.label(str(last['approach']))}** by {known(last['author'], 'author not known')}, "
                    f"{when} · review: **{known(last.get('review_status'), 'not known')}**{bus}")

st.markdown("**Why is the current structure flagged?**")
st.markdown(plain(portfolio.fit_summary(opps, session.currency())))
if recommended:
    st.markdown(f"**Why {APPROACHES.label(recommended)}?**")
    st.markdown(plain(acc["recommendation_rationale"]))
elif len(opps):
    st.warning(plain(acc["recommendation_rationale"]), icon=":material/help:")
account_figures = portfolio.figures(opps) if len(opps) else None
if account_figures is not None and account_figures.undiagnosed_count:
    st.warning(plain(account_figures.left_out(session.currency())) + " Set their nature on the **Diagnose** page.",
               icon=":material/pending_actions:")

st.plotly_chart(charts.account_matrix(opps, d.matrix, recommended, currency=session.currency()), key="acc_matrix", config={"displayModeBar": False})

if recommended and len(opps):
    over, under = portfolio.served_by(opps, recommended, d.matrix)
    served_config = {
        "name": st.column_config.TextColumn("Opportunity", width="large"),
        "nature": "Nature", "value": st.column_config.NumberColumn(f"Value ({session.currency()})", format="compact"), "steps": "Steps",
    }
    for frame, title, key in ((over, "▲ The recommendation would over-serve", "acc_over"),
                              (under, "▼ The recommendation would under-serve", "acc_under")):
        st.markdown(f"**{title} {len(frame)} opportunit{'y' if len(frame) == 1 else 'ies'}**")
        if len(frame):
            st.dataframe(frame.assign(nature=frame["nature"].astype(str).map(NATURES.label)),
                         column_order=list(served_config), column_config=served_config, hide_index=True, key=key)

st.subheader("Opportunities")
if opps.empty:
    st.info("This account has no opportunities yet.")
else:
    table = opps.assign(
        nature_label=opps["nature"].astype(object).map(NATURES.label, na_action="ignore").fillna("— not yet diagnosed"),
        found=portfolio.nature_found(opps),
        fit_badge=opps["fit"].astype(object).map(charts.fit_badge),
    )
    st.dataframe(
        table, hide_index=True, key="acc_opps",
        column_order=["name", "fit_badge", "steps", "value", "value_original", "currency", "nature_label", "found",
                      "bu_name", "probability", "stage", "opportunity_id", "rationale"],
        column_config={
            "opportunity_id": "Id", "name": "Opportunity", "bu_name": "BU", "nature_label": "Nature",
            "found": st.column_config.TextColumn("Nature found", help="Given in the CRM, or diagnosed by which rule"),
            "value": st.column_config.NumberColumn(f"Value ({session.currency()})", format="compact"),
            "value_original": st.column_config.NumberColumn("In the file", format="compact",
                                                            help="The amount as the CRM file gave it, in its currency"),
            "currency": st.column_config.TextColumn("Currency", help="The currency the CRM file gave"),
            "probability": st.column_config.NumberColumn("Prob. %", format="%d"),
            "fit_badge": "Fit", "steps": "Steps", "rationale": st.column_config.TextColumn("Why", width="large"),
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
    with st.form("decision_form"):
        approach = st.selectbox("Structure for this account", APPROACHES.codes,
                                index=APPROACHES.codes.index(recommended) if recommended else 0,
                                format_func=lambda a: ("★ " if a == recommended else "") + APPROACHES.label(a),
                                key="dec_approach")
        rationale = st.text_area("Rationale (required)", key="dec_rationale",
                                 placeholder="Why this structure fits the account's opportunities")
        submitted = st.form_submit_button("Record decision", type="primary")
if submitted:
    share = acc.get("recommended_in_band_share")
    # The latest decision the history showed when the person filled the form (a run ago): if someone recorded
    # another since, the service refuses and says who; the history below then shows it.
    seen = st.session_state.get("dec_seen", {}).get(pick)
    widgets.run_action(lambda: decisions.record_decision(
        session.store(), who, pick, approach, rationale, recommended_approach=recommended,
        in_band_share=float(share) if pd.notna(share) else None, expected_latest=seen),
        toast="Decision recorded", flags={"dec_clear": True})

st.subheader("Decision history")
history = d.decisions[d.decisions["account_id"] == pick]
st.session_state.setdefault("dec_seen", {})[pick] = int(history["decision_id"].max()) if len(history) else 0
if history.empty:
    st.caption("No decision recorded yet.")
else:
    st.dataframe(
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
