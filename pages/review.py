"""Review: a BU head's queue of flagged accounts touching their BU; approve or challenge decisions."""

import pandas as pd
import streamlit as st

from gtm.domain import portfolio
from gtm.domain.fmt import plain
from gtm.domain.permissions import Role
from gtm.domain.vocabulary import APPROACHES
from gtm.export import charts, tables
from gtm.services import decisions
from pages.common import identity, session, widgets

d = session.data()
st.title("Review")
st.caption("Accounts touching a BU whose current approach, or latest decision, is flagged — by value at stake.")
if d.business_units.empty or d.opportunities.empty:
    st.info("Nothing to review yet: the portfolio has no business units or opportunities.", icon=":material/inbox:")
    st.stop()

who = identity.actor()
bus = d.business_units["bu_id"].tolist()
bu_names = dict(zip(d.business_units["bu_id"], d.business_units["name"]))
if who.role == Role.BU_HEAD:  # a BU head reviews the BUs their role assignment names, no others
    bus = [b for b in bus if b in who.bus]
    if not bus:
        st.info("No BU of this portfolio is assigned to you yet; ask an administrator to add yours.",
                icon=":material/inbox:")
        st.stop()
c1, c2, c3, c4 = st.columns([2, 2, 1, 2])
bu = c1.selectbox("BU", bus, format_func=lambda b: bu_names.get(b, b), key="rv_bu")
fits = c2.multiselect("Fit", ["overkill", "insufficient"], format_func=charts.fit_badge, key="rv_fit")
min_steps = c3.number_input("Min. steps", min_value=1, max_value=6, value=1, key="rv_steps")
min_value = c4.number_input(f"Min. value at stake ({session.currency()})", min_value=0, value=0, step=100_000, key="rv_value")

queue, in_bu = session.review_queue(d, bu)
queue = portfolio.filter_queue(queue, fits=fits, min_steps=int(min_steps), min_value=float(min_value))
at_stake = plain(charts.money(queue["value_at_stake"].sum() if len(queue) else 0, session.currency()))
st.markdown(f"**{len(queue)}** flagged account(s), **{at_stake}** at stake.")
left_out = in_bu.left_out(session.currency())
if left_out:
    st.caption(plain(f"In this BU: {left_out}"))
if queue.empty:
    st.success("Nothing flagged with these filters.")
    st.stop()

SHOWN = 1000  # a table of more rows is slow to send and nobody reads it; the export holds them all


def _view(rows: pd.DataFrame) -> pd.DataFrame:
    undecided = rows["decision_id"].isna()
    return rows.assign(
        review_status=rows["review_status"].astype(object).where(~undecided, "no decision yet"),
        approvals=rows["approvals"].astype(object).fillna(""),
        author=rows["author"].astype(object).fillna(""),
        review_comment=rows["review_comment"].astype(object).fillna(""),
        fit_badge=rows["worst_fit"].map(charts.fit_badge),
        approach_label=rows["judged_approach"].astype(str).map(lambda a: APPROACHES.term(a).short_label),
        link=session.account_links(rows["account_id"]),
    )


view = _view(queue.head(SHOWN))
if len(queue) > SHOWN:
    st.caption(f"The {SHOWN:,} accounts with the most value at stake are listed; the export holds all {len(queue):,}.")
st.dataframe(
    view, hide_index=True, key="rv_table",
    column_order=["link", "account_name", "judged_on", "approach_label", "fit_badge", "worst_steps", "value_at_stake",
                  "review_status", "approvals", "author", "review_comment"],
    column_config={
        "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"), "account_name": "Account",
        "judged_on": "Judged on", "approach_label": "Approach", "fit_badge": "Worst fit", "worst_steps": "Steps",
        "value_at_stake": st.column_config.NumberColumn(f"Value at stake ({session.currency()})", format="compact"),
        "review_status": "Status", "approvals": "BUs (each with value must approve)", "author": "Decided by",
        "review_comment": "Review comment",
    },
)
st.download_button("Export this view (CSV)",
                   lambda: tables.review_csv(_view(queue), session.currency(), str(bu_names.get(bu, bu)),
                                             european=bool(st.session_state.get(tables.EUROPEAN_SETTING, False))),
                   file_name=f"review-{bu}.csv", mime="text/csv", key="rv_export", on_click="ignore",
                   help="The table's headers and words, every flagged account. Semicolons for European Excel when "
                        "chosen on the Data page.")

st.subheader("Approve or challenge a decision")
decided = queue.dropna(subset=["decision_id"])
if decided.empty:
    st.caption("No decision has been recorded on these accounts yet; sales leaders record them on the Account page.")
    st.stop()
labels = {int(r.decision_id): f"{r.account_name} — {APPROACHES.label(r.decided_approach)} by {r.author} ({r.review_status})"
          for r in decided.itertuples()}
if st.session_state.pop("rv_clear", False):
    st.session_state["rv_comment"] = ""  # cleared only after a review was recorded
decision = st.selectbox("Decision", list(labels), format_func=labels.get, key="rv_decision")
row = decided[decided["decision_id"] == decision].iloc[0] if decision is not None else None
if row is not None:
    st.caption(f"Rationale given: {plain(row['rationale'])}")
    if row["approvals"]:
        st.caption(f"Where the BUs stand: {plain(row['approvals'])}. It is approved when every BU with value at "
                   "the account has approved.")
    st.caption(f"Your verdict is recorded for BU {plain(bu_names.get(bu, bu))}.")
    if str(row["review_status"]) in ("approved", "challenged"):  # a verdict on a decided review: say so first
        st.warning(f"This decision is already **{row['review_status']}**. A new verdict is recorded for BU "
                   f"{plain(bu_names.get(bu, bu))} and replaces that BU's previous one.", icon=":material/warning:")
# The version this person saw is the one shown on their previous run: a verdict recorded since then (by anyone)
# makes the service refuse, and this run's table already shows it.
shown_now = int(row["latest_review_id"]) if row is not None and pd.notna(row["latest_review_id"]) else 0
seen_versions = st.session_state.setdefault("rv_seen", {})
seen = seen_versions.get(decision, shown_now)
seen_versions[decision] = shown_now
with st.form("review_form"):
    verdict = st.radio("Verdict", ["approved", "challenged"], horizontal=True, key="rv_verdict",
                       format_func=lambda v: {"approved": "✓ Approve", "challenged": "✗ Challenge"}[v])
    comment = st.text_area("Comment (required to challenge)", key="rv_comment")
    sent = st.form_submit_button("Submit review", type="primary")
if sent:
    widgets.run_action(lambda: decisions.review_decision(session.store(), who, int(decision), verdict, comment, bu=bu,
                                                         expected_latest=seen),
                       toast="Review recorded", flags={"rv_clear": True})
