"""What the Design and Scenarios pages read: the saved assumptions, the accounts of a scope, the value in band per
account and structure, a named plan, and the design of a plan over a scope's accounts."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from gtm.domain import economics, funnel, structures
from gtm.domain import vocabulary as vocab
from gtm.domain.economics import FORMULAS
from gtm.domain.playbook import Assumptions, Playbook, assumptions_from
from gtm.services import design
from gtm.services import lists as lists_service
from gtm.services.views.portfolio import PortfolioData
from gtm.storage.repository import Store

Exposure = economics.Exposure
Staffing = economics.Staffing
Totals = economics.Totals
DeckTarget = funnel.DeckTarget


def saved_assumptions(store: Store) -> design.SavedAssumptions:
    """The saved assumptions, or the playbook's defaults."""
    return design.assumptions(store)


def scope_ids(store: Store, name: str) -> list[str]:
    """The account ids of a saved list (its latest version)."""
    return lists_service.list_accounts(store, name)


def exposure(d: PortfolioData, ids: Sequence[str] | None) -> Exposure:
    """The value in band, overkilled and under-served per account and structure of ``ids`` (None: every account)."""
    accounts = d.account_table["account_id"].astype(str)
    return design.exposure(d.assessed, d.matrix, list(accounts) if ids is None else list(ids))


def named_plan(store: Store, d: PortfolioData, key: str, a: Assumptions | None,
               weighed: Exposure | None) -> design.NamedPlan:
    """A plan by its key (design.plan_choices); the moves that pay weigh ``weighed`` at ``a``."""
    return design.plan_named(store, key, d.account_table, d.decisions, assessed=d.assessed, matrix=d.matrix, a=a,
                             weighed=weighed)


def designed(named: design.NamedPlan, d: PortfolioData, ids: list[str] | None, a: Assumptions, weighed: Exposure,
             won_weight: float) -> tuple[design.Design, list[str]]:
    """The design of ``named`` over ``ids`` (None: every account) at ``a``: a scenario's structures for its
    accounts, today's for others; and the notes on where the plan had no structure."""
    every = list(d.account_table["account_id"].astype(str)) if ids is None else ids
    plan, notes = design.over_accounts(named, d.account_table, every)
    return design.design(d.account_table, d.assessed, d.matrix, plan, a, account_ids=every, weighed=weighed,
                         won_weight=won_weight), notes


def compared(d: PortfolioData, plan_a: design.NamedPlan, plan_b: design.NamedPlan, in_scope: list[str],
             chosen: list[str] | None, weigh: Callable[[list[str] | None], Exposure], a: Assumptions,
             names: tuple[str, str], currency: str
             ) -> tuple[design.Design, design.Design, design.Comparison, dict[str, pd.DataFrame], list[str], list[str]]:
    """Plans A and B designed over the same accounts at the same assumptions, compared, the comparison's tables
    (money in ``currency``), and each plan's notes. The accounts compared: both plans' own accounts; a plan of
    every account counts ``in_scope``."""
    table = d.account_table
    accounts = list(dict.fromkeys([*(plan_a.account_ids if plan_a.account_ids is not None else in_scope),
                                   *(plan_b.account_ids if plan_b.account_ids is not None else in_scope)]))
    weighed = weigh(chosen if chosen is not None and set(accounts) <= set(chosen) else None)
    structures_a, notes_a = design.over_accounts(plan_a, table, accounts)
    structures_b, notes_b = design.over_accounts(plan_b, table, accounts)
    design_a = design.design(table, d.assessed, d.matrix, structures_a, a, account_ids=accounts, weighed=weighed)
    design_b = design.design(table, d.assessed, d.matrix, structures_b, a, account_ids=accounts, weighed=weighed)
    c = design.compare(design_a, design_b, names)
    return design_a, design_b, c, design.comparison_frames(c, currency), notes_a, notes_b


__all__ = ["FORMULAS", "DeckTarget", "Exposure", "Playbook", "Staffing", "Totals", "assumptions_from", "compared",
           "coverage_texts", "deck_target", "designed", "editor_start", "exposure", "named_plan", "saved_assumptions",
           "scope_ids", "staffing"]


def editor_start(named: design.NamedPlan, table: pd.DataFrame, ids: list[str], currency: str, editable: int,
                 structure: str) -> tuple[pd.Series, list[str], pd.DataFrame]:
    """The start point's structures over ``ids``, its notes, and the Scenarios editor's rows: the ``editable``
    largest accounts by pipeline value (amounts summed, as the Portfolio page lists them), the structure to edit in
    column ``structure``."""
    plan, notes = design.over_accounts(named, table, ids)
    current, _ = design.current_structures(table)
    rows = table.loc[table["account_id"].isin(ids), ["account_id", "name", "value", "recommended_approach"]]
    rows = rows.sort_values("value", ascending=False, kind="stable").head(editable)
    shown_ids = pd.Index(rows["account_id"].astype(str))
    labels = {code: design.structure_label(code) for code in vocab.APPROACHES.codes}
    short = {code: design.structure_label(code, short=True) for code in vocab.APPROACHES.codes}
    # Text columns as objects: st.data_editor sends no edit of a pandas string column. Today's and the recommended
    # structures by their short labels, so that the one to edit fits beside them at 1280 px.
    frame = pd.DataFrame({
        "Account": rows["name"].astype(object).to_numpy(),
        f"Pipeline value ({currency})": rows["value"].to_numpy(),
        "Today": current.reindex(shown_ids).map(short).astype(object).to_numpy(),
        "Recommended": rows["recommended_approach"].map(short).astype(object).fillna("not diagnosed").to_numpy(),
        structure: plan.reindex(shown_ids).map(labels).astype(object).to_numpy(),
        "Account ID": shown_ids.to_numpy(dtype=object),
    })
    return plan, notes, frame


def staffing(roles: pd.DataFrame) -> Staffing:
    """People the plan's structures need against today's, in all and per source (hire, assign)."""
    return economics.staffing(roles)


def coverage_texts(roles: pd.DataFrame) -> list[str]:
    """Each role's coverage in words ("1 per 3 accounts", "2 for the programme")."""
    return [structures.coverage_text(b, c) for c, b in zip(roles["coverage"], roles["basis"])]


def deck_target() -> DeckTarget:
    """The deck's incremental-sales case (data/funnel.json)."""
    return funnel.default_rules().deck_target
