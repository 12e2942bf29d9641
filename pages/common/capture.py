"""Who leads each account and where the cross-sell is, on the pages (issue 25, items 1 and 2): the cache adapter
over gtm.services.capture, and the components the Design, Diagnose and Whitespace pages show (the Account page's
are in pages/common/account/lead.py).

Proposals and the whitespace grid are computed once per portfolio version over every account (the whitespace's
peers are the whole portfolio's), shared read-only; a page filters them to its list."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import count, plain, plural
from gtm.services import capture
from gtm.services import design as design_service
from gtm.services.views import capture as capture_views
from pages.common import address, cache, session, widgets

NONE_CHOSEN = ""  # the decision form's "not chosen: the evidence stands"
SOURCE_WORDS = {"person": "chosen in a decision", "evidence": "from the CRM's won deals"}


def evidence(d: session.PortfolioData, account_id: str, opps: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One account's evidence by BU and by owner, once per portfolio version (shared: read it, never change it)."""
    return cache.account_evidence(session.database_url(), session.workspace(), d.portfolio_version, account_id, opps)


def proposals(d: session.PortfolioData) -> pd.DataFrame:
    """The evidence's lead BU and point person per account (every account; shared: read it, never change it)."""
    whole = session.whole(d)
    return cache.proposals(session.database_url(), session.workspace(), d.portfolio_version, session.currency(),
                           whole["opportunities"])


def decided(d: session.PortfolioData) -> pd.DataFrame:
    """What is in force per account of ``d`` (a person's choice in the latest decision, else the evidence)."""
    whole = session.whole(d)
    return cache.decided(session.database_url(), session.workspace(), d.portfolio_version, d.version, d.list_id,
                         session.currency(), whole["opportunities"], d.decisions, whole["business_units"])


def whole_grid(d: session.PortfolioData) -> pd.DataFrame:
    """The whitespace grid of every account (the peers of any cell), whatever list ``d`` is filtered to."""
    return cache.whitespace_grid(session.database_url(), session.workspace(), d.portfolio_version, session.whole(d))


def grid(d: session.PortfolioData) -> pd.DataFrame:
    """The whitespace grid of ``d``'s accounts, its potentials estimated from the whole portfolio's peers."""
    cells = whole_grid(d)
    return cells[cells["account_id"].isin(d.accounts["account_id"])] if d.list_id else cells


Views = capture_views.Views
TOP_CELLS = capture_views.TOP_CELLS


def views(d: session.PortfolioData) -> Views:
    """The Whitespace page's grid of ``d``'s accounts, its accounts ranked and its biggest cells (shared)."""
    return cache.whitespace_views(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, grid(d))


def cell_config(cur: str) -> dict[str, Any]:
    """The column headers and help of the whitespace's cells, wherever a page lists them."""
    return {"bu_name": "BU", "account_name": "Account",
            "won_value": st.column_config.NumberColumn(f"Won ({cur})", help="The BU's won deals at the account"),
            "open_value": st.column_config.NumberColumn(f"Open, expected ({cur})",
                                                        help="The BU's open deals there, amount × probability"),
            "potential": st.column_config.NumberColumn(
                f"Potential ({cur})", help="The median spend with the BU of the accounts of the same industry and "
                                           "size band that buy from it; blank: not known"),
            "whitespace": st.column_config.NumberColumn(f"Whitespace ({cur})", help="Potential minus won"),
            "peers": st.column_config.NumberColumn("Buying peers", help="The accounts the potential comes from"),
            "why": st.column_config.TextColumn("Where the potential comes from", width="large")}


# ---------------------------------------------------------------------------------------------- Design page
def show_point_persons(d: session.PortfolioData, result: design_service.Design) -> None:
    """The Design page's lead-unit point persons, named: each lead-unit account of the plan with its lead BU and
    point person (proposed by the CRM's won deals, or chosen in a decision), or why none is."""
    plan = result.economics[["account_id", "name", "plan"]]
    people = capture.point_persons(plan, decided(d))
    st.markdown("**Lead-unit point persons, named**")
    if people.empty:
        st.caption("No account of this plan is at a lead unit, so there is no point person to name.")
        return
    named = int(people["named"].sum())
    st.caption(f"{named:,} of the plan's {count(len(people), 'lead-unit account')} "
               f"{plural(named, 'has', 'have')} a point person named: the opportunity owner with the most won value "
               "at the account, or the one a decision chose; the others say why none is.")
    shown = people.assign(link=address.account_links(people["account_id"]),
                          lead_bu_name=people["lead_bu_name"].fillna("— none proposed"),
                          point_person=people["point_person"].fillna("— none proposed"),
                          source=people["point_source"].map(SOURCE_WORDS).fillna(""))
    st.dataframe(shown, hide_index=True, key="dz_point_persons", width="stretch", height=min(36 * (len(shown) + 1) + 3,
                                                                                               360),
                 column_order=["name", "lead_bu_name", "point_person", "source", "lead_reason", "link"],
                 column_config={"name": "Account", "lead_bu_name": "Lead BU", "point_person": "Point person",
                                "source": "From", "lead_reason": st.column_config.TextColumn("Why", width="large"),
                                "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")})


# ---------------------------------------------------------------------------------------------- Diagnose page
def show_cross_sell(d: session.PortfolioData, limit: int = 15) -> None:
    """The Diagnose page's evidence of where the cross-sell is: the biggest whitespace cells, with what their open
    deals are today (how many diagnosed cross-sell, how many not yet diagnosed)."""
    cur = session.currency()
    st.subheader("Where the cross-sell is", anchor=False)
    cells = grid(d)
    top = capture.cross_sell(cells, d.opportunities, limit)
    if top.empty:
        st.caption(plain(no_whitespace_said(cells)))
        return
    st.caption(f"The {count(len(top), 'account and BU', 'accounts and BUs')} with the most whitespace: what peers of "
               "the same industry and size buy from that BU, against what the account has won from it. An open deal "
               "of that BU there is a cross-sell candidate: set its nature below if it is not yet diagnosed.")
    shown = top.assign(link=address.account_links(top["account_id"]))
    widgets.dataframe(shown, ["won_value", "potential", "whitespace"], cur, hide_index=True,
                 key="dg_cross_sell", width="stretch",
                 column_order=["account_name", "bu_name", "whitespace", "won_value", "potential", "open_deals",
                               "cross_sell", "undiagnosed", "link"],
                 column_config={**cell_config(cur), "open_deals": "Open deals of the BU there",
                                "cross_sell": "of which cross-sell", "undiagnosed": "not yet diagnosed",
                                "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")})
    st.page_link("pages/whitespace.py", label="See the whole whitespace", icon=":material/grid_on:",
                 query_params=address.here())


def no_whitespace_said(cells: pd.DataFrame) -> str:
    """Why no whitespace is known, in a sentence a person can act on."""
    if cells.empty:
        return "No accounts yet, so no whitespace."
    if not (cells["won_value"] > 0).any():
        return ("No won deals yet, so no whitespace: a BU's potential at an account comes from what it has won at "
                "similar accounts (same industry and size band). Import opportunities with their outcome (a Closed "
                "Won stage, or IsWon), and the whitespace follows.")
    if not cells["potential"].notna().any():
        return ("No potential is known yet: too few accounts of the same industry and size band buy from each BU "
                f"(at least {capture_views.default_size_bands().min_peers} are needed), or the accounts' industry or "
                "size is not known.")
    return "No BU has whitespace at these accounts: each already buys at least what its peers buy."


def sizes_note() -> str:
    """How the size bands and the peers are defined (data/size_bands.json), for a caption."""
    bands = capture_views.default_size_bands()
    return (f"Size bands by {capture_views.MEASURE_WORDS[bands.measure]}: "
            + ", ".join(b.label for b in bands.bands)
            + f"; a potential needs at least {count(bands.min_peers, 'buying peer')} (data/size_bands.json).")


def figures(cells: pd.DataFrame) -> dict[str, float]:
    """The page's headline sums: won, open, potential and whitespace where known, and the cells not known."""
    return capture_views.figures(cells)
