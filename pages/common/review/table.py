"""The Review page's table of the queue, whose rows are selected for a verdict, and its export."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from gtm import display
from gtm.domain.types import APPROACHES, MIXED
from gtm.export import charts, tables
from pages.common import address, session, widgets
from pages.common.review import keys
from pages.common.review.queue import Scope, no_selection

SHOWN = 1000  # a table of more rows is slow to send and nobody reads it; the export holds them all
STATUS_WIDTH = 120  # px: "no decision yet", the longest status, whole at the table's font
VERDICT_WIDTH = 150  # px: "not needed (no value)", the longest verdict words
VERDICT_WORDS = {"approved": f"{display.CHECK} approved", "challenged": f"{display.CROSS} challenged",
                 MIXED: "mixed: see the BUs"}
Versions = list[tuple[str, int, int]]  # (account, decision or 0, latest review) of each row shown


@dataclass(frozen=True)
class Selection:
    """The rows shown, the positions selected among them and what the person saw at those positions."""

    view: pd.DataFrame
    chosen: list[int]
    seen: Versions


def view_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The queue's rows with the words the table shows: status, verdict, fit, approach and a link."""
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


def columns(several: bool) -> list[str]:
    """The key columns first, so that they fit 1366 px with the sidebar open; the long texts last. A head of several
    BUs sees which of theirs each decision waits on."""
    return ["account_name", "review_status", "fit_badge", "value_at_stake", "approach_label",
            *(["waiting_on"] if several else []), "your_verdict", "link", "worst_steps", "judged_on", "author",
            "approvals", "review_comment"]


def _versions(view: pd.DataFrame) -> Versions:
    """What identifies each shown row and the review version it shows: (account, decision or 0, latest review)."""
    return list(zip(view["account_id"].astype(str),
                    pd.to_numeric(view["decision_id"], errors="coerce").fillna(0).astype(int),
                    pd.to_numeric(view["latest_review_id"], errors="coerce").fillna(0).astype(int)))


def _selected(now: Versions) -> tuple[list[int], Versions]:
    """The positions selected and what they meant; none when the list moved under the person (said)."""
    before = st.session_state.get(keys.SHOWN_ROWS)
    state = st.session_state.get(keys.TABLE)
    chosen = sorted({int(i) for i in (state["selection"]["rows"] if state else [])})
    # Positions mean the rows the person saw; if the list moved under them (a verdict by someone else, new data),
    # they are asked again rather than acting on other rows.
    seen = before if before is not None else now
    if any(i >= len(now) or i >= len(seen) or now[i][:2] != seen[i][:2] for i in chosen):
        no_selection()
        chosen = []
        st.info("The list changed since you selected rows (a verdict recorded meanwhile, or new data); select "
                "again.", icon=":material/refresh:")
    st.session_state[keys.SHOWN_ROWS] = now
    return chosen, seen


def show_table(rows: pd.DataFrame, scope: Scope) -> Selection:
    """The queue's first SHOWN rows, each selectable; what is selected."""
    view = view_frame(rows.head(SHOWN))
    if len(rows) > SHOWN:
        st.caption(f"The {SHOWN:,} accounts first in line are listed; the export holds all {len(rows):,}.")
    chosen, seen = _selected(_versions(view))
    st.dataframe(
        widgets.money_table(view[columns(scope.several)], ["value_at_stake"], session.currency()), hide_index=True,
        key=keys.TABLE, on_select="rerun", selection_mode="multi-row",
        column_config={
            "account_name": "Account",
            # Sized to its longest words: sized to the first rows' "pending", it cut "no decision yet".
            "review_status": st.column_config.TextColumn("Status", width=STATUS_WIDTH),
            "fit_badge": "Worst fit",
            "value_at_stake": st.column_config.NumberColumn(f"Value at stake ({session.currency()})"),
            "approach_label": "Approach",
            "your_verdict": st.column_config.TextColumn("Your verdict" if scope.several
                                                        else f"Verdict of {scope.named(scope.bus)}",
                                                        width=VERDICT_WIDTH),
            "waiting_on": st.column_config.TextColumn("Waiting on", help="The BUs of yours whose verdict the decision "
                                                                         "still waits for"),
            "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
            "worst_steps": "Steps", "judged_on": "Judged on", "author": "Decided by",
            "approvals": "BUs (each with value must approve)", "review_comment": "Review comment",
        },
    )
    return Selection(view, chosen, seen)


def show_export(queue: pd.DataFrame, scope: Scope) -> None:
    """Every flagged account of the queue as CSV, with the table's headers and words."""
    st.download_button("Export this view (CSV)",
                       lambda: tables.review_csv(view_frame(queue), session.currency(), scope.named(scope.bus),
                                                 european=bool(st.session_state.get(tables.EUROPEAN_SETTING, False))),
                       file_name=f"review-{'-'.join(scope.bus)}.csv", mime="text/csv", key=keys.EXPORT,
                       on_click="ignore",
                       help="The table's headers and words, every flagged account. Semicolons for European Excel "
                            "when chosen on the Exports & hand-out page.")
