"""The verdict on the Review page's selected decisions: what was decided and why, then approve or challenge them at
once, or a different verdict per BU."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import count, plain, plural
from gtm.domain.types import APPROACHES, Actor
from gtm.services import decisions
from pages.common import session, widgets
from pages.common.review import keys
from pages.common.review.queue import Scope
from pages.common.review.table import Selection

VERDICTS = {"approved": f"{display.CHECK} Approve", "challenged": f"{display.CROSS} Challenge"}


def _said(value: object, empty: str) -> str:
    """A stored text for a sentence, or the words for its absence (never 'None' or 'nan')."""
    return empty if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip() \
        else plain(value)


def _asked(decided: pd.DataFrame) -> dict[int, list[str]]:
    """Per selected decision, the BUs one click records the verdict for: those of the reviewer's that it waits on;
    on a decision that waits on none of them (a new verdict on one given), every one of theirs it touches."""
    return {int(i): str(w or m).split(", ")
            for i, w, m in zip(decided["decision_id"], decided["waiting_on"], decided["my_bus"])}


def show_selected(picked: pd.DataFrame, decided: pd.DataFrame) -> None:
    """What the selection holds: rows without a decision said; one decision, what was decided and why."""
    if picked.empty:
        st.caption("Select rows (the boxes at the left of the table) to approve or challenge their decisions.")
    if len(decided) < len(picked):
        undecided = len(picked) - len(decided)
        st.info(f"{count(undecided, 'selected account')} {plural(undecided, 'has', 'have')} no decision yet, so there "
                "is nothing to approve there; sales leaders record decisions on the Account page.",
                icon=":material/info:")
    if len(decided) == 1:  # one decision: what was decided and why, before a verdict on it
        row = decided.iloc[0]
        st.markdown(f"**{plain(row['account_name'])}** — {plain(APPROACHES.label(row['decided_approach']))}, decided "
                    f"by {_said(row['author'], 'someone not recorded')}.")
        st.caption(f"Rationale given: {_said(row['rationale'], 'none recorded')}")
        if row["approvals"]:
            st.caption(f"Where the BUs stand: {plain(row['approvals'])}. It is approved when every BU with value at "
                       "the account has approved.")


def _confirmed(decided: pd.DataFrame, scope: Scope) -> bool:
    """A verdict on a decided review: said first, and asked before replacing it."""
    again = decided[~decided["waiting"].astype(bool) & (decided["my_verdict"].astype(str) != "")]
    if not len(again):
        return True
    counts = again["my_verdict"].value_counts()
    said = ", ".join(f"{n} {v}" for v, n in counts.items())
    carry = (("The selected decision already carries" if len(decided) == 1 else
              f"The {len(decided)} selected decisions already carry") if len(again) == len(decided) else
             f"{len(again)} of the {count(len(decided), 'selected decision')} already "
             f"{plural(len(again), 'carries', 'carry')}")
    st.warning(plain(f"{carry} the verdict of {scope.whose} ({said}). A new verdict replaces it."),
               icon=":material/warning:")
    return st.checkbox(f"Replace the verdict on {'it' if len(again) == 1 else 'them'}", key=keys.CONFIRM)


def show_verdict(decided: pd.DataFrame, scope: Scope, selection: Selection, who: Actor) -> None:
    """Approve or challenge the selected decisions in one act, for the BUs of the reviewer's each waits on."""
    asked = _asked(decided)
    recorded_for = sorted({b for wanted in asked.values() for b in wanted})
    if len(decided) == 1 or len(recorded_for) == 1:
        st.caption(plain(f"Your verdict is recorded for {'BU' if len(recorded_for) == 1 else 'each of the BUs'} "
                         f"{scope.named(recorded_for)}, in one act."))
    else:
        st.caption("Your verdict is recorded in one act, on each selected decision for every BU of yours it waits on "
                   "(or, on one that waits on none, every BU of yours it touches).")
    confirmed = _confirmed(decided, scope)
    n = len(decided)
    b1, b2, b3 = st.columns([1, 1, 2], vertical_alignment="bottom")
    comment = b3.text_input("Comment (required to challenge)", key=keys.COMMENT)
    approve = b1.button(f"{display.CHECK} Approve selected ({n})", key=keys.APPROVE, type="primary",
                        disabled=not confirmed, width="stretch")
    challenge = b2.button(f"{display.CROSS} Challenge selected ({n})", key=keys.CHALLENGE, disabled=not confirmed,
                          width="stretch")
    shown = {decision: version for _, decision, version in (selection.seen[i] for i in selection.chosen) if decision}
    if approve or challenge:
        verdict = "approved" if approve else "challenged"
        ids = [int(i) for i in decided["decision_id"]]
        names = dict(zip(ids, decided["account_name"].astype(str)))
        done = (f"{count(n, 'decision')} {verdict} for {'BU' if len(recorded_for) == 1 else 'BUs'} "
                f"{scope.named(recorded_for)}")
        widgets.run_action(lambda: decisions.review_decisions(session.store(), who, ids, verdict, comment, bus=asked,
                                                              expected_latest=shown, names=names),
                           toast=plain(done), flags={keys.CLEAR: True})
    if n == 1 and len(touched := str(decided["my_bus"].iloc[0]).split(", ")) > 1:
        show_per_bu(decided, touched, scope, comment, shown, who)


def show_per_bu(decided: pd.DataFrame, touched: list[str], scope: Scope, comment: str, shown: dict[int, int],
                who: Actor) -> None:
    """One decision's verdict chosen BU by BU (``touched``: the reviewer's BUs it touches)."""
    decision_id = int(decided["decision_id"].iloc[0])
    with st.expander("A different verdict per BU"):
        st.caption("For a verdict that is not the same for each of your BUs: choose one per BU (a BU left without "
                   "one keeps where it stands); the comment above goes with them, and is needed for a challenge.")
        per_bu = {b: st.segmented_control(plain(scope.named([b])), list(VERDICTS), format_func=VERDICTS.__getitem__,
                                          key=f"{keys.PER_BU}{decision_id}_{b}") for b in touched}
        chosen_verdicts = {b: str(v) for b, v in per_bu.items() if v}
        if st.button("Record these verdicts", key=keys.PER_BU_RECORD, disabled=not chosen_verdicts):
            words = "; ".join(f"{VERDICTS[v]} for {scope.named([b])}" for b, v in chosen_verdicts.items())
            widgets.run_action(lambda: decisions.review_by_bu(session.store(), who, decision_id, chosen_verdicts,
                                                              comment, expected_latest=shown.get(decision_id)),
                               toast=plain(f"{decided['account_name'].iloc[0]}: {words}"),
                               flags={keys.CLEAR: True})
