"""Review: a BU head's inbox. The decisions waiting for their verdict first, then the flagged accounts touching
their BUs; approve or challenge the selected rows at once, for every BU of theirs each decision waits on."""

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import count, money, plain, plural
from gtm.domain.types import APPROACHES, MIXED, Action, Role
from gtm.export import charts, tables
from gtm.services import decisions
from gtm.services.views import portfolio
from pages.common import address, identity, navigation, present, session, widgets

TABLE = "rv_table"  # the table's selection: positions of rows in the frame shown on the previous run
SHOWN_ROWS = "rv_shown"  # (account, decision, latest review) of each row shown on the previous run
PER_BU = "rv_per_bu_"  # + decision id + BU: a verdict chosen for one BU of several
VERDICTS = {"approved": f"{display.CHECK} Approve", "challenged": f"{display.CROSS} Challenge"}
STATUS_WIDTH = 120  # px: "no decision yet", the longest status, whole at the table's font
VERDICT_WIDTH = 150  # px: "not needed (no value)", the longest verdict words


def _no_selection() -> None:
    st.session_state[TABLE] = {"selection": {"rows": [], "columns": []}}


def _new_bu() -> None:
    _no_selection()
    st.session_state.pop("rv_show_chosen", None)  # the next BU opens on what waits for it, if anything does


def _new_view() -> None:
    _no_selection()
    st.session_state["rv_show_chosen"] = True


d = session.data()
showing = present.presenting()
st.title("Review")
st.caption("The decisions waiting for your verdict first, then every account touching your BUs whose current "
           "approach, or latest decision, is flagged — by value at stake.")
if d.opportunities.empty:
    navigation.empty_state("Nothing to review yet: the portfolio has no opportunities. Import them on the Import "
                           "page; decisions on its accounts then wait here for the BU heads' verdicts.",
                           icon=":material/inbox:")
    st.stop()
if portfolio.without_bu(d.opportunities):  # a CRM export without a BU column: BUs come from the family mapping
    st.info(plain(portfolio.no_bu_sentence(len(d.opportunities))), icon=":material/lan:")
    st.page_link("pages/diagnose.py", label="Map product families to BUs on the Diagnose page",
                 query_params=address.here(), icon=":material/troubleshoot:")
    st.stop()

who = identity.actor()
bus = d.business_units["bu_id"].tolist()
bu_names = dict(zip(d.business_units["bu_id"], d.business_units["name"]))


def named(codes: Sequence[str]) -> str:
    """BUs as people read them: "Automation Systems", "Automation Systems and Drives" (names, plain text)."""
    names = [str(bu_names.get(c, c)) for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


scope: list[str] = []
if who.role == Role.BU_HEAD:  # a BU head reviews the BUs their role assignment names, all at once
    scope = [b for b in bus if b in who.bus]
    if not scope:
        st.info("No BU of this portfolio is assigned to you yet; ask an administrator to add yours.",
                icon=":material/inbox:")
        st.stop()
if st.session_state.pop("rv_clear", False):  # a verdict was recorded: start the next choice afresh
    _no_selection()
    st.session_state["rv_comment"] = ""
    st.session_state["rv_confirm"] = False
    for key in [k for k in st.session_state if str(k).startswith(PER_BU)]:
        del st.session_state[key]
c1, c2, c3, c4 = st.columns([2, 2, 1, 2])
if scope:
    c1.markdown(f"**{'Your BU' if len(scope) == 1 else 'Your BUs'}**  \n{plain(named(scope))}")
else:  # an administrator stands in for one BU's head; everyone else reads one BU's queue
    scope = [c1.selectbox("BU", bus, format_func=widgets.names(bus, bu_names), key="rv_bu", on_change=_new_bu)]
several = len(scope) > 1
whose = f"BU {named(scope)}" if not several else f"your BUs ({named(scope)})"
fits = c2.multiselect("Fit", ["overkill", "insufficient"], format_func=charts.fit_badge, key="rv_fit",
                      on_change=_no_selection)
min_steps = c3.number_input("Min. steps", min_value=1, max_value=6, value=1, key="rv_steps", on_change=_no_selection)
min_value = c4.number_input(f"Min. value at stake ({session.currency()})", min_value=0, value=0, step=100_000,
                            key="rv_value", on_change=_no_selection)

queue, in_scope = session.review_queue(d, scope)
queue = portfolio.filter_queue(queue, fits=fits, min_steps=int(min_steps), min_value=float(min_value))
left_out = in_scope.left_out(session.currency())
where = "In your BUs" if several else "In this BU"
if queue.empty:
    st.success("Nothing flagged, and no decision waits for a verdict, with these filters.")
    if left_out:
        st.caption(plain(f"{where}: {left_out}"))
    st.stop()

reviewer = who.can(Action.REVIEW_DECISION)
waiting = int(queue["waiting"].sum())
mine = "my verdict" if reviewer else f"{named(scope)}'s verdict"
if not st.session_state.get("rv_show_chosen"):  # until the person picks a view, it follows what waits
    st.session_state["rv_show"] = "waiting" if waiting else "all"
show = st.radio("Show", ["waiting", "all"], horizontal=True, key="rv_show",
                label_visibility="collapsed", on_change=_new_view,
                format_func={"waiting": f"Waiting for {plain(mine)} ({waiting})",
                             "all": f"All flagged accounts ({len(queue)})"}.__getitem__)
rows = portfolio.waiting_rows(queue, show == "waiting")
at_stake = plain(money(float(rows["value_at_stake"].sum()) if len(rows) else 0.0, session.currency()))
st.markdown(f"**{count(len(rows), 'account')}** listed, **{at_stake}** at stake; **{count(waiting, 'decision')}** "
            f"{plural(waiting, 'waits', 'wait')} for the verdict of {plain(whose)}.")
if left_out:
    st.caption(plain(f"{where}: {left_out}"))

SHOWN = 1000  # a table of more rows is slow to send and nobody reads it; the export holds them all
VERDICT_WORDS = {"approved": f"{display.CHECK} approved", "challenged": f"{display.CROSS} challenged", MIXED: "mixed: see the BUs"}


def _view(rows: pd.DataFrame) -> pd.DataFrame:
    undecided = rows["decision_id"].isna()
    waits = rows["waiting"].astype(bool)
    given = rows["my_verdict"].astype(object).fillna("")
    return rows.assign(
        review_status=rows["review_status"].astype(object).where(~undecided, "no decision yet").fillna("not known"),
        # What waits comes first: a head of two BUs who approved for one still owes the other's verdict.
        your_verdict=np.select([waits, given != "", undecided], ["awaited", given.map(VERDICT_WORDS).fillna(given), ""],
                               "not needed (no value)"),
        approvals=rows["approvals"].astype(object).fillna(""),
        author=rows["author"].astype(object).fillna(""),
        review_comment=rows["review_comment"].astype(object).fillna(""),
        fit_badge=rows["worst_fit"].map(charts.fit_badge),
        approach_label=rows["judged_approach"].astype(str).map(lambda a: APPROACHES.term(a).short_label),
        link=address.account_links(rows["account_id"]),
    )


# The key columns first, so that they fit 1366 px with the sidebar open; the long texts last. A head of several BUs
# sees which of theirs each decision waits on.
COLUMNS = ["account_name", "review_status", "fit_badge", "value_at_stake", "approach_label",
           *(["waiting_on"] if several else []), "your_verdict", "link", "worst_steps", "judged_on", "author",
           "approvals", "review_comment"]


def _said(value: object, empty: str) -> str:
    """A stored text for a sentence, or the words for its absence (never 'None' or 'nan')."""
    return empty if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip() \
        else plain(value)


def _versions(view: pd.DataFrame) -> list[tuple[str, int, int]]:
    """What identifies each shown row and the review version it shows: (account, decision or 0, latest review)."""
    return list(zip(view["account_id"].astype(str),
                    pd.to_numeric(view["decision_id"], errors="coerce").fillna(0).astype(int),
                    pd.to_numeric(view["latest_review_id"], errors="coerce").fillna(0).astype(int)))


def _asked(decided: pd.DataFrame) -> dict[int, list[str]]:
    """Per selected decision, the BUs one click records the verdict for: those of the reviewer's that it waits on;
    on a decision that waits on none of them (a new verdict on one given), every one of theirs it touches."""
    return {int(i): str(w or m).split(", ")
            for i, w, m in zip(decided["decision_id"], decided["waiting_on"], decided["my_bus"])}


if rows.empty:
    st.success(f"Nothing waits for the verdict of {plain(whose)} with these filters; the other flagged accounts are "
               "under “All flagged accounts”.", icon=":material/done_all:")
else:
    view = _view(rows.head(SHOWN))
    if len(rows) > SHOWN:
        st.caption(f"The {SHOWN:,} accounts first in line are listed; the export holds all {len(rows):,}.")
    now = _versions(view)
    before = st.session_state.get(SHOWN_ROWS)
    state = st.session_state.get(TABLE)
    chosen = sorted({int(i) for i in (state["selection"]["rows"] if state else [])})
    # Positions mean the rows the person saw; if the list moved under them (a verdict by someone else, new data),
    # they are asked again rather than acting on other rows.
    seen = before if before is not None else now
    if any(i >= len(now) or i >= len(seen) or now[i][:2] != seen[i][:2] for i in chosen):
        _no_selection()
        chosen = []
        st.info("The list changed since you selected rows (a verdict recorded meanwhile, or new data); select "
                "again.", icon=":material/refresh:")
    st.session_state[SHOWN_ROWS] = now
    st.dataframe(
        widgets.money_table(view[COLUMNS], ["value_at_stake"], session.currency()), hide_index=True, key=TABLE,
        on_select="rerun", selection_mode="multi-row",
        column_config={
            "account_name": "Account",
            # Sized to its longest words: sized to the first rows' "pending", it cut "no decision yet".
            "review_status": st.column_config.TextColumn("Status", width=STATUS_WIDTH),
            "fit_badge": "Worst fit",
            "value_at_stake": st.column_config.NumberColumn(f"Value at stake ({session.currency()})"),
            "approach_label": "Approach",
            "your_verdict": st.column_config.TextColumn("Your verdict" if several else f"Verdict of {named(scope)}",
                                                        width=VERDICT_WIDTH),
            "waiting_on": st.column_config.TextColumn("Waiting on", help="The BUs of yours whose verdict the decision "
                                                                         "still waits for"),
            "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
            "worst_steps": "Steps", "judged_on": "Judged on", "author": "Decided by",
            "approvals": "BUs (each with value must approve)", "review_comment": "Review comment",
        },
    )
st.download_button("Export this view (CSV)",
                   lambda: tables.review_csv(_view(queue), session.currency(), named(scope),
                                             european=bool(st.session_state.get(tables.EUROPEAN_SETTING, False))),
                   file_name=f"review-{'-'.join(scope)}.csv", mime="text/csv", key="rv_export", on_click="ignore",
                   help="The table's headers and words, every flagged account. Semicolons for European Excel when "
                        "chosen on the Exports & hand-out page.")
if rows.empty:
    st.stop()

picked = view.iloc[chosen]
decided = picked[picked["decision_id"].notna()]
if not chosen:
    st.caption("Select rows (the boxes at the left of the table) to approve or challenge their decisions.")
if len(decided) < len(picked):
    undecided = len(picked) - len(decided)
    st.info(f"{count(undecided, 'selected account')} {plural(undecided, 'has', 'have')} no decision yet, so there is "
            "nothing to approve there; sales leaders record decisions on the Account page.", icon=":material/info:")
if len(decided) == 1:  # one decision: what was decided and why, before a verdict on it
    row = decided.iloc[0]
    st.markdown(f"**{plain(row['account_name'])}** — {plain(APPROACHES.label(row['decided_approach']))}, decided by "
                f"{_said(row['author'], 'someone not recorded')}.")
    st.caption(f"Rationale given: {_said(row['rationale'], 'none recorded')}")
    if row["approvals"]:
        st.caption(f"Where the BUs stand: {plain(row['approvals'])}. It is approved when every BU with value at "
                   "the account has approved.")
if showing:
    st.caption("Approving and challenging are hidden in presentation mode.")
    st.stop()
if not reviewer:
    st.caption(display.first_upper(f"{display.roles_allowed(Action.REVIEW_DECISION)} approve or challenge decisions; "
                                   "you can read the queue."))
    st.stop()
if decided.empty:
    st.stop()

asked = _asked(decided)
recorded_for = sorted({b for wanted in asked.values() for b in wanted})
if len(decided) == 1 or len(recorded_for) == 1:
    st.caption(plain(f"Your verdict is recorded for {'BU' if len(recorded_for) == 1 else 'each of the BUs'} "
                     f"{named(recorded_for)}, in one act."))
else:
    st.caption("Your verdict is recorded in one act, on each selected decision for every BU of yours it waits on "
               "(or, on one that waits on none, every BU of yours it touches).")
again = decided[~decided["waiting"].astype(bool) & (decided["my_verdict"].astype(str) != "")]
confirmed = True
if len(again):  # a verdict on a decided review: say so first, and ask before replacing it
    counts = again["my_verdict"].value_counts()
    said = ", ".join(f"{n} {v}" for v, n in counts.items())
    carry = (("The selected decision already carries" if len(decided) == 1 else
              f"The {len(decided)} selected decisions already carry") if len(again) == len(decided) else
             f"{len(again)} of the {count(len(decided), 'selected decision')} already "
             f"{plural(len(again), 'carries', 'carry')}")
    st.warning(plain(f"{carry} the verdict of {whose} ({said}). A new verdict replaces it."),
               icon=":material/warning:")
    confirmed = st.checkbox(f"Replace the verdict on {'it' if len(again) == 1 else 'them'}", key="rv_confirm")
n = len(decided)
b1, b2, b3 = st.columns([1, 1, 2], vertical_alignment="bottom")
comment = b3.text_input("Comment (required to challenge)", key="rv_comment")
approve = b1.button(f"{display.CHECK} Approve selected ({n})", key="rv_approve", type="primary", disabled=not confirmed,
                    width="stretch")
challenge = b2.button(f"{display.CROSS} Challenge selected ({n})", key="rv_challenge", disabled=not confirmed, width="stretch")
shown = {decision: version for _, decision, version in (seen[i] for i in chosen) if decision}
if approve or challenge:
    verdict = "approved" if approve else "challenged"
    ids = [int(i) for i in decided["decision_id"]]
    names = dict(zip(ids, decided["account_name"].astype(str)))
    done = f"{count(n, 'decision')} {verdict} for {'BU' if len(recorded_for) == 1 else 'BUs'} {named(recorded_for)}"
    widgets.run_action(lambda: decisions.review_decisions(session.store(), who, ids, verdict, comment, bus=asked,
                                                          expected_latest=shown, names=names),
                       toast=plain(done), flags={"rv_clear": True})

if n == 1 and len(touched := str(decided["my_bus"].iloc[0]).split(", ")) > 1:
    decision_id = int(decided["decision_id"].iloc[0])
    with st.expander("A different verdict per BU"):
        st.caption("For a verdict that is not the same for each of your BUs: choose one per BU (a BU left without "
                   "one keeps where it stands); the comment above goes with them, and is needed for a challenge.")
        per_bu = {b: st.segmented_control(plain(named([b])), list(VERDICTS), format_func=VERDICTS.__getitem__,
                                          key=f"{PER_BU}{decision_id}_{b}") for b in touched}
        chosen_verdicts = {b: str(v) for b, v in per_bu.items() if v}
        if st.button("Record these verdicts", key="rv_per_bu", disabled=not chosen_verdicts):
            words = "; ".join(f"{VERDICTS[v]} for {named([b])}" for b, v in chosen_verdicts.items())
            widgets.run_action(lambda: decisions.review_by_bu(session.store(), who, decision_id, chosen_verdicts,
                                                              comment, expected_latest=shown.get(decision_id)),
                               toast=plain(f"{decided['account_name'].iloc[0]}: {words}"),
                               flags={"rv_clear": True})
