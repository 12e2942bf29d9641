"""Who leads each account and where the cross-sell is, on the pages (issue 25, items 1 and 2): the cache adapter
over gtm.services.capture, and the components the Account, Design, Diagnose and Whitespace pages show.

Proposals and the whitespace grid are computed once per portfolio version over every account (the whitespace's
peers are the whole portfolio's), shared read-only; a page filters them to its list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import count, money, plain, plural
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


# ---------------------------------------------------------------------------------------------- Account page
def show_account(d: session.PortfolioData, account_id: str, opps: pd.DataFrame) -> None:
    """The Account page's section: the lead BU and point person in force and why, the evidence by BU and by owner,
    and the account's whitespace by BU."""
    cur = session.currency()
    st.subheader("Lead unit, point person and whitespace", anchor=False)
    in_force = decided(d)
    found = in_force[in_force["account_id"] == account_id]
    if found.empty:
        st.caption(plain(capture.NOTHING_AT_STAKE))
        return
    mine = found.iloc[0]
    c1, c2 = st.columns(2)
    for col, label, name, source in ((c1, "Lead BU", mine["lead_bu_name"], mine["lead_source"]),
                                     (c2, "Point person", mine["point_person"], mine["point_source"])):
        with col:
            st.caption(label)
            st.markdown(f"**{plain(name)}** ({SOURCE_WORDS.get(str(source), '')})" if pd.notna(name)
                        else "— none proposed")
    st.markdown(plain(mine["lead_reason"]))
    by_bu, by_owner = evidence(d, account_id, opps)
    if len(by_bu) or len(by_owner):
        with st.expander("The evidence: won and open value by BU and by opportunity owner"):
            left, right = st.columns([3, 2])
            left.dataframe(widgets.money_table(by_bu.assign(bu_name=by_bu["bu_name"].fillna("— BU not known")),
                                               ["won_value", "open_value"], cur),
                           hide_index=True, key="acc_lead_bus",
                           column_order=["bu_name", "won_value", "won_deals", "open_value", "open_deals"],
                           column_config={"bu_name": "BU", "won_value": st.column_config.NumberColumn(f"Won ({cur})"),
                                          "won_deals": "Won deals",
                                          "open_value": st.column_config.NumberColumn(
                                              f"Open, expected ({cur})", help="Open deals' amount × probability"),
                                          "open_deals": "Open deals"})
            right.dataframe(widgets.money_table(by_owner.assign(owner=by_owner["owner"].fillna("— no owner named")),
                                                ["won_value"], cur),
                            hide_index=True, key="acc_lead_owners",
                            column_order=["owner", "won_value", "won_deals", "open_deals"],
                            column_config={"owner": "Opportunity owner",
                                           "won_value": st.column_config.NumberColumn(f"Won ({cur})"),
                                           "won_deals": "Won deals", "open_deals": "Open deals"})
            st.caption("The lead BU is the BU with the most won value here (a tie goes to the larger open expected "
                       "value, then the name); the point person the owner with the most won value here (a tie goes "
                       "to more won deals, then the name). Lost deals count nowhere.")
    show_account_whitespace(d, account_id)


def show_account_whitespace(d: session.PortfolioData, account_id: str) -> None:
    """The account's row of the whitespace grid: per BU, won, open, potential from peers and whitespace."""
    cur = session.currency()
    mine = capture_views.of_account(grid(d), account_id)
    if mine.empty:
        return
    known = mine["potential"].notna()
    total = float(mine.loc[known, "whitespace"].sum())
    st.markdown(f"**Whitespace here: {plain(money(total, cur))}**" if known.any() else
                "**Whitespace here: not known**")
    shown = mine.assign(why=capture_views.potential_words(mine, currency=cur))
    st.dataframe(widgets.money_table(shown, ["won_value", "open_value", "potential", "whitespace"], cur),
                 hide_index=True, key="acc_whitespace",
                 column_order=["bu_name", "won_value", "open_value", "potential", "whitespace", "why"],
                 column_config=cell_config(cur))
    st.page_link("pages/whitespace.py", label="See the whitespace of every account", icon=":material/grid_on:",
                 query_params=address.here())


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


@dataclass(frozen=True)
class LeadInputs:
    """What the decision form's lead fields hold: record_decision's keyword arguments."""

    lead_bu: str | None = None
    point_person: str | None = None
    lead_reason: str = ""
    proposed_lead_bu: str | None = None
    proposed_point_person: str | None = None

    def kwargs(self) -> dict[str, Any]:
        """record_decision's lead keyword arguments."""
        return {"lead_bu": self.lead_bu, "point_person": self.point_person, "lead_reason": self.lead_reason,
                "proposed_lead_bu": self.proposed_lead_bu, "proposed_point_person": self.proposed_point_person}



def _starred(proposed: object, names: dict[str, str], option: str) -> str:
    """A lead option's name, starred when it is the evidence's proposal (a widget's format_func: no page kept)."""
    if option == NONE_CHOSEN:
        return "— none chosen"
    return ("★ " if option == proposed else "") + names.get(option, option)


def lead_inputs(d: session.PortfolioData, account_id: str, opps: pd.DataFrame) -> LeadInputs:
    """Inside the decision form: the lead BU and point person, the evidence's proposal marked ★ and chosen unless
    the latest decision chose another, and a reason (required when the choice is not the proposal)."""
    found = proposals(d)
    mine = found[found["account_id"] == account_id]
    if mine.empty or int(mine["bus"].iloc[0]) < 2:
        st.caption("Lead BU and point person: a lead unit is for accounts several BUs sell into; this one has "
                   f"{'one' if len(mine) else 'no'} BU with open or won deals.")
        return LeadInputs()
    proposal = mine.iloc[0]
    proposed_bu = str(proposal["lead_bu"]) if pd.notna(proposal["lead_bu"]) else None
    proposed_person = str(proposal["point_person"]) if pd.notna(proposal["point_person"]) else None
    by_bu, by_owner = evidence(d, account_id, opps)
    by_bu = by_bu[by_bu["bu"].notna()]
    bu_names = dict(zip(by_bu["bu"].astype(str), by_bu["bu_name"].astype(str)))
    people = [str(o) for o in by_owner["owner"].dropna()]
    last = d.decisions[d.decisions["account_id"] == account_id].head(1)
    chosen_bu = last["lead_bu"].iloc[0] if len(last) and "lead_bu" in last and pd.notna(last["lead_bu"].iloc[0]) \
        else proposed_bu
    chosen_person = last["point_person"].iloc[0] if len(last) and "point_person" in last and \
        pd.notna(last["point_person"].iloc[0]) else proposed_person
    bu_options = [NONE_CHOSEN, *bu_names]
    person_options = [NONE_CHOSEN, *dict.fromkeys([*([chosen_person] if chosen_person else []), *people])]
    c1, c2 = st.columns(2)
    bu = c1.selectbox("Lead BU", bu_options,
                      index=bu_options.index(chosen_bu) if chosen_bu in bu_options else 0, key="dec_lead_bu",
                      format_func=partial(_starred, proposed_bu, dict(bu_names)),
                      help="★ the BU with the most won value here (the evidence's proposal)")
    person = c2.selectbox("Point person", person_options,
                          index=person_options.index(chosen_person) if chosen_person in person_options else 0,
                          key="dec_point_person", accept_new_options=True,
                          format_func=partial(_starred, proposed_person, {}),
                          help="★ the opportunity owner with the most won value here; type a name to choose "
                               "someone else")
    reason = st.text_input("Why another lead BU or point person (required when you choose other than ★)",
                           key="dec_lead_reason", placeholder="What you know that the won deals do not say")
    if proposed_bu is None:
        st.caption(plain(str(proposal["lead_why"])))
    return LeadInputs(bu or None, (person or "").strip() or None, reason, proposed_bu, proposed_person)


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
