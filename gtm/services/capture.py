"""From choosing to capturing: who leads each account (lead BU, point person) and where the cross-sell is
(whitespace), as read models every page, the command line and the hand-out share (issue 25, items 1 and 2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gtm.domain import lead, whitespace
from gtm.services.currency import reporting_currency
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.storage.repository import Store

LEAD_EXPORT = ["lead_bu", "lead_bu_name", "point_person", "lead_reason"]
NOTHING_AT_STAKE = "No open or won deals at this account, so no lead BU and no point person are proposed."
LEAD_UNIT = "lead_unit"


def bu_names(business_units: pd.DataFrame, opportunities: pd.DataFrame | None = None) -> pd.Series:
    """BU id -> name: the stored BUs, then the names the opportunities carry for the others."""
    names = pd.Series(business_units["name"].to_numpy(dtype=object), index=business_units["bu_id"].astype(object)) \
        if len(business_units) else pd.Series(dtype=object)
    if opportunities is not None and "bu_name" in opportunities and len(opportunities):
        seen = opportunities[["bu", "bu_name"]].dropna().drop_duplicates("bu").set_index("bu")["bu_name"]
        names = pd.concat([names, seen[~seen.index.isin(names.index)]])
    return names


def leads(opportunities: pd.DataFrame, decisions: pd.DataFrame, business_units: pd.DataFrame,
          currency: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The evidence's proposals (lead.propose) and what is in force per account (lead.decided: a person's choice
    in the latest decision wins), for every account with an open or won deal."""
    proposals = lead.propose(opportunities, currency)
    return proposals, lead.decided(proposals, decisions, bu_names(business_units, opportunities))


def with_leads(accounts: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """``accounts`` with lead_bu, lead_bu_name, point_person and lead_reason (what `gtm export accounts` adds); an
    account without open or won deals says so."""
    out = accounts.merge(decided[["account_id", *LEAD_EXPORT]], on="account_id", how="left")
    out["lead_reason"] = out["lead_reason"].astype(object).where(out["lead_reason"].notna(), NOTHING_AT_STAKE)
    return out


def account_leads(store: Store, opportunities: pd.DataFrame | None = None) -> pd.DataFrame:
    """What is in force per account of ``store`` (lead.DECIDED_COLUMNS), from its diagnosed opportunities."""
    opps = diagnosed_opportunities(store) if opportunities is None else opportunities
    return leads(opps, store.decisions(), store.business_units(), reporting_currency(store))[1]


def whitespace_grid(accounts: pd.DataFrame, opportunities: pd.DataFrame,
                    business_units: pd.DataFrame) -> pd.DataFrame:
    """The whitespace grid over every account (peers are found across the whole portfolio; filter it afterwards)."""
    return whitespace.grid(accounts, opportunities, business_units)


def whitespace_export(store: Store) -> pd.DataFrame:
    """`gtm export whitespace`: account_id, account_name, bu, bu_name, won_value, open_value, potential, whitespace
    per account and BU, largest whitespace first (an unknown potential is left empty, after the known ones)."""
    cells = whitespace.grid(store.accounts(), diagnosed_opportunities(store), store.business_units())
    cells = cells.sort_values(["whitespace", "account_id", "bu"], ascending=[False, True, True], kind="stable",
                              na_position="last")
    return cells[whitespace.EXPORT_COLUMNS].reset_index(drop=True)


def point_persons(plan: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    """The lead-unit accounts of a plan (``plan``: account_id, name, plan = approach code) with their lead BU and
    point person named (or why none is): the Design page's people, not only their count."""
    mine = plan[plan["plan"].astype(str) == LEAD_UNIT][["account_id", "name"]]
    out = mine.merge(decided[["account_id", "lead_bu_name", "point_person", "lead_source", "point_source",
                              "lead_reason"]], on="account_id", how="left")
    out["lead_reason"] = out["lead_reason"].astype(object).where(out["lead_reason"].notna(), NOTHING_AT_STAKE)
    out["named"] = out["point_person"].notna()
    return out.sort_values(["named", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)


def cross_sell(cells: pd.DataFrame, opportunities: pd.DataFrame, limit: int = 15) -> pd.DataFrame:
    """The biggest whitespace cells (where the cross-sell is) with what their open deals are today: how many open
    opportunities of that BU at that account, how many of them are diagnosed cross-sell, how many not yet diagnosed.
    What a person setting cross-sell natures on the Diagnose page goes on."""
    top = whitespace.biggest(cells, limit)
    if top.empty:
        return top.assign(open_deals=pd.Series(dtype=np.int64), cross_sell=pd.Series(dtype=np.int64),
                          undiagnosed=pd.Series(dtype=np.int64))
    opps = opportunities[opportunities["account_id"].isin(top["account_id"]).to_numpy()]
    is_open = np.asarray(opps["outcome"].astype(object).fillna("open") == "open") if "outcome" in opps else \
        np.ones(len(opps), dtype=bool)
    opps = opps[is_open]
    nature = opps["nature"].astype(object)
    counts = pd.DataFrame({"account_id": opps["account_id"].to_numpy(), "bu": opps["bu"].astype(object).to_numpy(),
                           "open_deals": 1, "cross_sell": (nature == "cross_sell").to_numpy(dtype=np.int64),
                           "undiagnosed": nature.isna().to_numpy(dtype=np.int64)})
    counts = counts.groupby(["account_id", "bu"], as_index=False)[["open_deals", "cross_sell", "undiagnosed"]].sum()
    out = top.merge(counts, on=["account_id", "bu"], how="left")
    for column in ("open_deals", "cross_sell", "undiagnosed"):
        out[column] = out[column].fillna(0).astype(np.int64)
    return out

