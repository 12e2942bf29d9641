"""The Portfolio page's figures, its matrix (a cell clicked lists who stands in it), and what the matrix leaves
out."""

from __future__ import annotations

from typing import Any

import streamlit as st

from gtm import display
from gtm.display import count, money, plain, share
from gtm.domain.types import APPROACHES, NATURES, ApproachMatrix
from gtm.export import charts
from gtm.services.views.portfolio import CellMembers, Overview
from pages.common import address, widgets
from pages.common.portfolio import keys

STEPS_HELP = "Rows outside the realistic band: 0 is realistic, 1 is worth a look, 2 or more is a clear misfit"
CURRENT = "current-structures"  # the anchor of the section where current structures are set


def show_figures(view: Overview, cur: str, chosen: list[str], *, with_draft: bool, showing: bool) -> None:
    """Accounts, opportunities, value, the share in band and the misfits: a line in presentation mode, else
    metrics and how many structures are assumed."""
    f = view.figures
    if showing:
        st.markdown(f"**{f.accounts:,}** accounts · **{f.opportunities:,}** opportunities · "
                    f"**{plain(money(f.total_value, cur))}** · {display.CHECK} **{share(f.realistic_share)}** "
                    f"of value in band · {display.UP} **{f.overkill_count:,}** likely overkill · {display.DOWN} "
                    f"**{f.insufficient_count:,}** likely "
                    "insufficient" + (f" · only {plain(', '.join(chosen))}" if chosen else "")
                    + (f" · {count(f.assumed_accounts, 'account')} at an assumed structure" if f.assumed_accounts else "")
                    + (" · under the unsaved band draft" if with_draft else ""))
        return
    m = st.columns(6)
    m[0].metric("Accounts", f"{f.accounts:,}")
    m[1].metric("Opportunities", f"{f.opportunities:,}")
    m[2].metric("Total value", money(f.total_value, cur))
    m[3].metric(f"{display.CHECK} In band", share(f.realistic_share),
                help="Share of value whose current approach is a realistic option")
    m[4].metric(f"{display.UP} Overkill", f"{f.overkill_count:,}", money(f.overkill_value, cur),
                delta_color="off", delta_arrow="off",
                help="Likely overkill: opportunities whose current approach is heavier than the band, and their value")
    m[5].metric(f"{display.DOWN} Insufficient", f"{f.insufficient_count:,}", money(f.insufficient_value, cur),
                delta_color="off", delta_arrow="off",
                help="Likely insufficient: opportunities whose current approach is lighter than the band, and their "
                     "value")
    if f.assumed_accounts:  # beside the misfits that rest on it: how many structures are assumed, and where to set them
        st.caption(plain(f.assumed()) + f" [Set current structures](#{CURRENT})")


def show_matrix(view: Overview, matrix: ApproachMatrix, compare_with: ApproachMatrix | None, cur: str,
                *, showing: bool) -> list[dict[str, Any]]:
    """The portfolio matrix (against a draft's band, the active one's drawn too); the points of a clicked cell."""
    picked = widgets.chart(
        charts.portfolio_matrix(view.cells, matrix, height=525 if showing else 470, undiagnosed=view.undiagnosed,
                                currency=cur, compare_with=compare_with, least=widgets.text_px()),
        key=keys.MATRIX, config={"displayModeBar": False}, on_select="rerun", selection_mode="points")
    return [p for p in (picked or {}).get("selection", {}).get("points", []) if p.get("customdata")]


def show_matrix_notes(view: Overview, cur: str, against: str, chosen: list[str], *, draft: bool,
                      showing: bool) -> None:
    """What the matrix judges against and how to open a cell; what it leaves out (undiagnosed, lost)."""
    f = view.figures
    if not showing:  # under the chart, so the figures and the whole matrix fit above the fold at 1280x720
        st.caption(f"Every opportunity judged at its account's current approach, against {against}"
                   + (f"; only {plain(', '.join(chosen))}" if chosen else "") + ". Click a cell to list who stands "
                   "in it.")
        if draft:
            st.page_link("pages/matrix.py", label="Open the draft", icon=":material/edit_note:",
                         query_params=address.here())
    if f.undiagnosed_count:
        (st.caption if showing else st.warning)(plain(f.left_out(cur)) +
                                                " Those not yet diagnosed stand in the grey column beside the matrix.")
    elif f.lost_count:  # lost deals only: said, but nothing is to do
        st.caption(plain(f.left_out(cur)))


def show_cell(members: CellMembers, nature: str, approach: str, cur: str) -> None:
    """Who stands in a clicked cell, largest first: its accounts and its opportunities."""
    where = NATURES.label(nature) if nature else "Not yet diagnosed"
    st.subheader(f"{where} at {APPROACHES.label(approach)}", anchor=False)
    st.caption(f"{count(members.opportunity_count, 'opportunity')} at {count(members.account_count, 'account')}, "
               f"{plain(money(members.value, cur))}; "
               "largest first" + (f" (the first {len(members.opportunities):,} shown)"
                                  if members.opportunity_count > len(members.opportunities) else "")
               + ". Click the cell again, or double-click the chart, to close.")
    left, right = st.columns([2, 3])
    widgets.dataframe(members.accounts.assign(link=address.account_links(members.accounts["account_id"])),
                      ["value"], cur, slot=left, hide_index=True, key=keys.CELL_ACCOUNTS,
                      column_order=["account_name", "value", "opportunities", "link"],
                      column_config={"account_name": "Account", "opportunities": "Opportunities",
                                     "value": st.column_config.NumberColumn(f"Value ({cur})"),
                                     "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")})
    widgets.dataframe(members.opportunities, ["value"], cur, slot=right, hide_index=True,
                      key=keys.CELL_OPPORTUNITIES,
                      column_order=[c for c in ("name", "account_name", "value", "bu", "steps", "opportunity_id")
                                    if c in members.opportunities],
                      column_config={"name": "Opportunity", "account_name": "Account", "bu": "BU",
                                     "value": st.column_config.NumberColumn(f"Value ({cur})"),
                                     "steps": st.column_config.NumberColumn("Steps", help=STEPS_HELP),
                                     "opportunity_id": "Opportunity id"})
