"""The Account page's decision record: the form that records a decision, and the account's decision history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.domain.types import APPROACHES, ROLE_LABELS, Actor
from gtm.services import decisions
from pages.common import present, session, widgets
from pages.common.account import keys, lead


def show_record_decision(d: session.PortfolioData, account_id: str, acc: pd.Series, opps: pd.DataFrame,
                         recommended: str | None, who: Actor) -> None:
    """The decision form (the structure, a rationale, the lead BU and point person) for who may decide here."""
    st.subheader("Record a decision")
    owner = acc["owner"] if pd.notna(acc["owner"]) else None
    if present.presenting():  # the projector view shows; decisions are recorded in the normal view
        st.caption("Recording a decision is hidden in presentation mode.")
        return
    if not decisions.may_decide(who, owner):
        st.caption(decisions.why_not_decide(who, owner))
        return
    if st.session_state.pop(keys.CLEAR, False):
        st.session_state[keys.RATIONALE] = ""  # cleared only after a decision was recorded
        st.session_state[keys.LEAD_REASON] = ""
    with st.form(keys.FORM):
        approach = st.selectbox("Structure for this account", APPROACHES.codes,
                                index=APPROACHES.codes.index(recommended) if recommended else 0,
                                format_func=widgets.names(APPROACHES.codes, {a: ("★ " if a == recommended else "")
                                                                             + APPROACHES.label(a)
                                                                             for a in APPROACHES.codes}),
                                key=keys.APPROACH)
        rationale = st.text_area("Rationale (required)", key=keys.RATIONALE,
                                 placeholder="Why this structure fits the account's opportunities")
        lead_choice = lead.lead_inputs(d, account_id, opps)  # the lead BU and point person, with the evidence's ★
        submitted = st.form_submit_button("Record decision", type="primary")
    if submitted:
        in_band = acc.get("recommended_in_band_share")
        # The latest decision the history showed when the person filled the form (a run ago): if someone recorded
        # another since, the service refuses and says who; the history below then shows it.
        seen = st.session_state.get(keys.SEEN, {}).get(account_id)
        widgets.run_action(lambda: decisions.record_decision(
            session.store(), who, account_id, approach, rationale, recommended_approach=recommended,
            in_band_share=float(in_band) if pd.notna(in_band) else None, expected_latest=seen,
            **lead_choice.kwargs()), toast="Decision recorded", flags={keys.CLEAR: True})


def show_history(history: pd.DataFrame, account_id: str) -> None:
    """The account's decisions (``history``, newest first); notes the latest shown, which a new decision expects."""
    st.subheader("Decision history")
    st.session_state.setdefault(keys.SEEN, {})[account_id] = int(history["decision_id"].max()) if len(history) else 0
    if history.empty:
        st.caption("No decision recorded yet.")
        return
    widgets.dataframe(
        history.assign(approach_label=history["approach"].map(APPROACHES.label),
                       author_role=history["author_role"].map(lambda r: ROLE_LABELS.get(r, r))),
        hide_index=True, key=keys.HISTORY,
        column_order=["created_at", "author", "author_role", "approach_label", "rationale", "matrix_name",
                      "matrix_fingerprint", "review_status", "approvals", "review_comment"],
        column_config={
            "created_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"), "author": "Who",
            "author_role": "Role", "approach_label": "What",
            "rationale": st.column_config.TextColumn("Why", width="large"),
            "matrix_name": "Matrix version", "matrix_fingerprint": "Matrix id", "review_status": "Review",
            "approvals": "BUs", "review_comment": "Review comment",
        },
    )
