"""The Portfolio page's tables: the matrix as a table, what the natures and approaches mean, the biggest misfits
(with links to their accounts) and the to-do list of opportunities not yet diagnosed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import count, plain
from gtm.domain.types import APPROACHES, ApproachMatrix
from gtm.export import charts
from gtm.services.views.portfolio import glossary
from pages.common import address, widgets
from pages.common.portfolio import keys
from pages.common.portfolio.matrix import STEPS_HELP

LINK = st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")


def show_matrix_table(cells: pd.DataFrame, matrix: ApproachMatrix, cur: str) -> None:
    """The matrix's cells as a table, for a screen reader or a copy into a document."""
    with st.expander("The matrix as a table"):
        widgets.dataframe(charts.matrix_table(cells, matrix), ["value"], cur,
                          hide_index=True, key=keys.MATRIX_TABLE,
                          column_config={"nature": "Nature", "approach": "Approach", "fit": "Fit",
                                         "steps": st.column_config.NumberColumn("Steps", help=STEPS_HELP),
                                         "opportunities": "Opportunities",
                                         "value": st.column_config.NumberColumn(f"Value ({cur})")})


def show_glossary() -> None:
    """What each nature and approach means, lightest first."""
    with st.expander("What the natures and approaches mean"):
        st.dataframe(glossary(), hide_index=True, key=keys.GLOSSARY,
                     column_config={"kind": "Kind", "rank": "Rank", "label": "Name",
                                    "meaning": st.column_config.TextColumn("Meaning", width="large")})


def show_misfits(misfits: pd.DataFrame, cur: str) -> None:
    """The accounts with the most value outside the band, and links to the first ten."""
    st.subheader("Biggest misfits")
    if misfits.empty:
        st.success("No misfits in this view: every opportunity's current approach is a realistic option.")
        return
    misfits = misfits.assign(link=address.account_links(misfits["account_id"]),
                             approach=misfits["approach"].astype(str).map(lambda a: APPROACHES.term(a).short_label))
    widgets.dataframe(
        misfits, ["misfit_value"], cur, hide_index=True, key=keys.MISFITS,
        # The account and what is at stake first: on a phone the rest scrolls sideways.
        column_order=["account_name", "misfit_value", "misfits", "approach", "overkill", "insufficient", "worst_steps",
                      "link"],
        column_config={
            "link": LINK,
            "account_name": "Account",
            "approach": "Current approach",
            "misfits": "Misfit opportunities",
            "overkill": f"{display.UP} Overkill",
            "insufficient": f"{display.DOWN} Insufficient",
            "misfit_value": st.column_config.NumberColumn(f"Misfit value ({cur})"),
            "worst_steps": st.column_config.NumberColumn("Worst steps", help=STEPS_HELP),
        },
    )
    st.caption("Open an account:")
    cols = st.columns(2)  # read down, largest first: on a phone the two columns stack in the same order
    here = address.here()
    for i, row in enumerate(misfits.head(10).itertuples()):
        cols[i // 5].page_link("pages/account.py", label=plain(row.account_name),
                              query_params={**here, "account": str(row.account_id)}, icon=":material/open_in_new:")


def show_todo(todo: pd.DataFrame, todo_count: int, cur: str) -> None:
    """The largest opportunities not yet diagnosed, and the way to the Diagnose page; nothing when there is none."""
    if not todo_count:
        return
    st.subheader(f"To do: {count(todo_count, 'opportunity')} not yet diagnosed")
    shown_here = f"The largest {len(todo)}, largest first" if todo_count > len(todo) else "Largest first"
    st.caption(f"{shown_here}. Set a nature on the Diagnose page, which lists every one (by a person, a product "
               "family mapping or a rule).")
    shown = todo.assign(link=address.account_links(todo["account_id"]))
    widgets.dataframe(
        shown, ["value"], cur, hide_index=True, key=keys.TODO,
        column_order=[c for c in ("link", "account_name", "value", "opportunity_id", "name", "product_family")
                      if c in shown and shown[c].notna().any()],
        column_config={
            "link": LINK,
            "account_name": "Account", "opportunity_id": "Opportunity id", "name": "Opportunity",
            "product_family": "Product family",
            "value": st.column_config.NumberColumn(f"Value ({cur})"),
        },
    )
    st.page_link("pages/diagnose.py", label="Diagnose these opportunities", icon=":material/troubleshoot:",
                 query_params=address.here())
