"""Who leads the account, on the Account page (issue 25): the lead BU and point person in force and the evidence,
the account's whitespace by BU, and the decision form's lead fields."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import money, plain
from gtm.services import capture as capture_service
from gtm.services.views import capture as capture_views
from pages.common import address, capture, session, widgets
from pages.common.account import keys


def show_lead(d: session.PortfolioData, account_id: str, opps: pd.DataFrame) -> None:
    """The Account page's section: the lead BU and point person in force and why, the evidence by BU and by owner,
    and the account's whitespace by BU."""
    cur = session.currency()
    st.subheader("Lead unit, point person and whitespace", anchor=False)
    in_force = capture.decided(d)
    found = in_force[in_force["account_id"] == account_id]
    if found.empty:
        st.caption(plain(capture_service.NOTHING_AT_STAKE))
        return
    mine = found.iloc[0]
    c1, c2 = st.columns(2)
    for col, label, name, source in ((c1, "Lead BU", mine["lead_bu_name"], mine["lead_source"]),
                                     (c2, "Point person", mine["point_person"], mine["point_source"])):
        with col:
            st.caption(label)
            st.markdown(f"**{plain(name)}** ({capture.SOURCE_WORDS.get(str(source), '')})" if pd.notna(name)
                        else "— none proposed")
    st.markdown(plain(mine["lead_reason"]))
    by_bu, by_owner = capture.evidence(d, account_id, opps)
    if len(by_bu) or len(by_owner):
        with st.expander("The evidence: won and open value by BU and by opportunity owner"):
            left, right = st.columns([3, 2])
            left.dataframe(widgets.money_table(by_bu.assign(bu_name=by_bu["bu_name"].fillna("— BU not known")),
                                               ["won_value", "open_value"], cur),
                           hide_index=True, key=keys.LEAD_BUS,
                           column_order=["bu_name", "won_value", "won_deals", "open_value", "open_deals"],
                           column_config={"bu_name": "BU", "won_value": st.column_config.NumberColumn(f"Won ({cur})"),
                                          "won_deals": "Won deals",
                                          "open_value": st.column_config.NumberColumn(
                                              f"Open, expected ({cur})", help="Open deals' amount × probability"),
                                          "open_deals": "Open deals"})
            right.dataframe(widgets.money_table(by_owner.assign(owner=by_owner["owner"].fillna("— no owner named")),
                                                ["won_value"], cur),
                            hide_index=True, key=keys.LEAD_OWNERS,
                            column_order=["owner", "won_value", "won_deals", "open_deals"],
                            column_config={"owner": "Opportunity owner",
                                           "won_value": st.column_config.NumberColumn(f"Won ({cur})"),
                                           "won_deals": "Won deals", "open_deals": "Open deals"})
            st.caption("The lead BU is the BU with the most won value here (a tie goes to the larger open expected "
                       "value, then the name); the point person the owner with the most won value here (a tie goes "
                       "to more won deals, then the name). Lost deals count nowhere.")
    show_whitespace(d, account_id)


def show_whitespace(d: session.PortfolioData, account_id: str) -> None:
    """The account's row of the whitespace grid: per BU, won, open, potential from peers and whitespace."""
    cur = session.currency()
    mine = capture_views.of_account(capture.grid(d), account_id)
    if mine.empty:
        return
    known = mine["potential"].notna()
    total = float(mine.loc[known, "whitespace"].sum())
    st.markdown(f"**Whitespace here: {plain(money(total, cur))}**" if known.any() else
                "**Whitespace here: not known**")
    shown = mine.assign(why=capture_views.potential_words(mine, currency=cur))
    st.dataframe(widgets.money_table(shown, ["won_value", "open_value", "potential", "whitespace"], cur),
                 hide_index=True, key=keys.WHITESPACE,
                 column_order=["bu_name", "won_value", "open_value", "potential", "whitespace", "why"],
                 column_config=capture.cell_config(cur))
    st.page_link("pages/whitespace.py", label="See the whitespace of every account", icon=":material/grid_on:",
                 query_params=address.here())


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
    if option == capture.NONE_CHOSEN:
        return "— none chosen"
    return ("★ " if option == proposed else "") + names.get(option, option)


def lead_inputs(d: session.PortfolioData, account_id: str, opps: pd.DataFrame) -> LeadInputs:
    """Inside the decision form: the lead BU and point person, the evidence's proposal marked ★ and chosen unless
    the latest decision chose another, and a reason (required when the choice is not the proposal)."""
    found = capture.proposals(d)
    mine = found[found["account_id"] == account_id]
    if mine.empty or int(mine["bus"].iloc[0]) < 2:
        st.caption("Lead BU and point person: a lead unit is for accounts several BUs sell into; this one has "
                   f"{'one' if len(mine) else 'no'} BU with open or won deals.")
        return LeadInputs()
    proposal = mine.iloc[0]
    proposed_bu = str(proposal["lead_bu"]) if pd.notna(proposal["lead_bu"]) else None
    proposed_person = str(proposal["point_person"]) if pd.notna(proposal["point_person"]) else None
    by_bu, by_owner = capture.evidence(d, account_id, opps)
    by_bu = by_bu[by_bu["bu"].notna()]
    bu_names = dict(zip(by_bu["bu"].astype(str), by_bu["bu_name"].astype(str)))
    people = [str(o) for o in by_owner["owner"].dropna()]
    last = d.decisions[d.decisions["account_id"] == account_id].head(1)
    chosen_bu = last["lead_bu"].iloc[0] if len(last) and "lead_bu" in last and pd.notna(last["lead_bu"].iloc[0]) \
        else proposed_bu
    chosen_person = last["point_person"].iloc[0] if len(last) and "point_person" in last and \
        pd.notna(last["point_person"].iloc[0]) else proposed_person
    bu_options = [capture.NONE_CHOSEN, *bu_names]
    person_options = [capture.NONE_CHOSEN, *dict.fromkeys([*([chosen_person] if chosen_person else []), *people])]
    c1, c2 = st.columns(2)
    bu = c1.selectbox("Lead BU", bu_options,
                      index=bu_options.index(chosen_bu) if chosen_bu in bu_options else 0, key=keys.LEAD_BU,
                      format_func=partial(_starred, proposed_bu, dict(bu_names)),
                      help="★ the BU with the most won value here (the evidence's proposal)")
    person = c2.selectbox("Point person", person_options,
                          index=person_options.index(chosen_person) if chosen_person in person_options else 0,
                          key=keys.POINT_PERSON, accept_new_options=True,
                          format_func=partial(_starred, proposed_person, {}),
                          help="★ the opportunity owner with the most won value here; type a name to choose "
                               "someone else")
    reason = st.text_input("Why another lead BU or point person (required when you choose other than ★)",
                           key=keys.LEAD_REASON, placeholder="What you know that the won deals do not say")
    if proposed_bu is None:
        st.caption(plain(str(proposal["lead_why"])))
    return LeadInputs(bu or None, (person or "").strip() or None, reason, proposed_bu, proposed_person)
