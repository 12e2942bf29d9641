"""A plan's structures per account, and its design: the economics and roles of moving the accounts to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from gtm.domain import economics as econ
from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count, money, plural
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import is_outcome, lost
from gtm.domain.playbook import Assumptions
from gtm.domain.portfolio import assumed_approach, lost_sentence
from gtm.services.design_assumptions import playbook

# Where a plan's structures come from, besides a saved scenario.
RECOMMENDED, DECIDED, CURRENT, PAYING = "recommended", "decided", "current", "paying"
SOURCES = {RECOMMENDED: "The recommendation per account", DECIDED: "The latest decision per account",
           CURRENT: "The current structures",
           PAYING: "The recommendation where the move pays back (today's structure elsewhere)"}


def current_structures(accounts: pd.DataFrame) -> tuple[pd.Series, int]:
    """Each account's current structure (index account_id) and how many are assumed (none recorded: the lightest,
    as on every page)."""
    cur = accounts["current_approach"].astype(object) if "current_approach" in accounts else \
        pd.Series(None, index=accounts.index, dtype=object)
    assumed = cur.isna()
    return pd.Series(cur.where(~assumed, assumed_approach()).to_numpy(), index=accounts["account_id"].to_numpy(),
                     dtype=object), int(assumed.sum())


# A sentence about some of a plan's accounts, said of one and of several ("{n} account without a decision takes …",
# "{n} accounts … take …"), and which accounts it is about: a page counts them among the accounts it shows, not in
# the whole portfolio.
Flag = tuple[tuple[str, str], pd.Index]


def _say(flags: Sequence[Flag], ids: Sequence[str] | pd.Index | None = None) -> list[str]:
    """The sentences of ``flags`` with their counts among ``ids`` (every account when None); none for a count of 0."""
    keep = None if ids is None else pd.Index(ids).astype(str)
    out = []
    for (one, several), flagged in flags:
        n = len(flagged) if keep is None else int(flagged.isin(keep).sum())
        if n:
            out.append((one if n == 1 else several).format(n=f"{n:,}"))
    return out


def _source_plan(accounts: pd.DataFrame, decisions: pd.DataFrame, source: str) -> tuple[pd.Series, list[Flag]]:
    """A plan source's structures (index account_id) and the flags saying where it had nothing and what stood in."""
    current, _ = current_structures(accounts)
    flags: list[Flag] = []
    if source == CURRENT:
        return current, flags
    if source not in (RECOMMENDED, DECIDED):
        raise InputError(f"Unknown plan {source!r}; accepted: {', '.join(SOURCES)} or a saved scenario.")
    rec = pd.Series(accounts["recommended_approach"].astype(object).to_numpy(), index=current.index)
    if source == DECIDED:
        latest = decisions.drop_duplicates("account_id", keep="first") if len(decisions) else decisions
        decided = pd.Series(latest["approach"].astype(object).to_numpy(), index=latest["account_id"].to_numpy()) \
            if len(latest) else pd.Series(dtype=object)
        decided = decided.reindex(current.index)
        no_decision = decided.isna()
        plan = decided.where(~no_decision, rec)
        flags.append((("{n} account without a decision takes its recommendation.",
                       "{n} accounts without a decision take their recommendation."),
                      current.index[no_decision.to_numpy()]))
        if len(latest) and "review_status" in latest:
            challenged = latest.loc[latest["review_status"] == "challenged", "account_id"].astype(str)
            flags.append((("{n} of these latest decisions is challenged in review; it counts as decided all the "
                           "same.",
                           "{n} of these latest decisions are challenged in review; they count as decided all the "
                           "same."), pd.Index(challenged)))
    else:
        plan = rec
    missing = plan.isna()
    flags.append((("{n} account with no recommendation (nothing diagnosed) keeps its current structure.",
                   "{n} accounts with no recommendation (nothing diagnosed) keep their current structure."),
                  current.index[missing.to_numpy()]))
    return plan.where(~missing, current), flags


def plan_structures(accounts: pd.DataFrame, decisions: pd.DataFrame, source: str,
                    account_ids: Sequence[str] | None = None) -> tuple[pd.Series, list[str]]:
    """Each account's structure under a plan source (RECOMMENDED, DECIDED or CURRENT), index account_id, and the
    sentences saying where the source had nothing and what stood in, counted among ``account_ids`` (default all)."""
    plan, flags = _source_plan(accounts, decisions, source)
    return plan, _say(flags, account_ids)


@dataclass(frozen=True)
class Design:
    """A plan for a set of accounts: per account its economics (economics.ECONOMICS_COLUMNS plus name), the totals,
    the roles current against plan, and the notes saying what was assumed or converted."""

    economics: pd.DataFrame
    totals: econ.Totals
    roles: pd.DataFrame
    assumptions: Assumptions
    notes: list[str] = field(default_factory=list)


def exposure(assessed: pd.DataFrame, matrix: ApproachMatrix, account_ids: Sequence[str]) -> econ.Exposure:
    """The value each structure serves in band, overkills and under-serves, per account of ``account_ids``: what a
    page caches (it changes with the data and the matrix, not with the assumptions or the plan)."""
    columns = ["account_id", "nature", "expected_value"] + (["outcome"] if "outcome" in assessed else [])
    return econ.exposure(assessed[columns], matrix, pd.Index(account_ids).astype(str))


def _rows_of(exp: econ.Exposure, ids: pd.Index) -> econ.Exposure:
    """``exp`` restricted to (and ordered as) ``ids``, which it must all hold."""
    if exp.account_ids.equals(ids):
        return exp
    pos = exp.account_ids.get_indexer(ids)
    if (pos < 0).any():
        raise InputError("The value in band was weighed for other accounts; reload the page.")
    return econ.Exposure(ids, exp.in_band[pos], exp.over[pos], exp.under[pos], exp.total[pos], exp.undiagnosed[pos])


def design(accounts: pd.DataFrame, assessed: pd.DataFrame, matrix: ApproachMatrix, plan: pd.Series,
           a: Assumptions, *, account_ids: Sequence[str] | None = None,
           weighed: econ.Exposure | None = None, won_weight: float | None = None) -> Design:
    """The economics and roles of moving ``account_ids`` (default: every account of ``accounts``) from their current
    structures to ``plan`` (approach codes, index account_id), at assumptions ``a`` (costs in the reporting
    currency). ``assessed``: the opportunities with account_id, nature and expected_value; ``weighed``: their
    ``exposure`` already computed for these accounts (or more), which saves reading them again. ``won_weight``: the
    weight ``assessed`` gave won deals (assess_portfolio), said in a note when the accounts hold won deals."""
    current, assumed = current_structures(accounts)
    ids = pd.Index(current.index if account_ids is None else pd.Index(account_ids).astype(str))
    unknown = ids.difference(current.index)
    if len(unknown):
        raise InputError.from_problems(f"{count(len(unknown), 'account')} {plural(len(unknown), 'is', 'are')} not in "
                                       "the portfolio.",
                                       [Problem(None, "account_id", v, "is not a stored account") for v in unknown[:5]])
    planned = plan.reindex(ids)
    if planned.isna().any():
        gaps = ids[planned.isna().to_numpy()]
        raise InputError.from_problems(f"The plan gives no structure to {count(len(gaps), 'account')}.",
                                       [Problem(None, "account_id", v, "has no structure") for v in gaps[:5]])
    today = current.reindex(ids)
    cur = econ.approach_indices(today.to_numpy(), "current structure")
    new = econ.approach_indices(planned.to_numpy(), "planned structure")
    exp = _rows_of(weighed, ids) if weighed is not None else exposure(assessed, matrix, ids)
    table = econ.economics(exp, cur, new, a)
    names = pd.Series(accounts["name"].to_numpy(), index=accounts["account_id"].to_numpy()) if "name" in accounts \
        else pd.Series(dtype=object)
    table.insert(1, "name", names.reindex(ids).to_numpy())
    roles = econ.roles_compared(econ.structure_counts(today), econ.structure_counts(planned), a, playbook())
    totals = econ.totals(table, a)
    notes = []
    assumed_here = int(accounts.loc[accounts["account_id"].isin(ids), "current_approach"].isna().sum()) \
        if assumed else 0
    if assumed_here:
        notes.append(f"{count(assumed_here, 'account')} {plural(assumed_here, 'has', 'have')} no recorded current "
                     "structure: taken as "
                     f"{vocab.APPROACHES.label(assumed_approach())}, as on every page.")
    if totals.unknown_waste:
        notes.append(f"{count(totals.unknown_waste, 'account')} {plural(totals.unknown_waste, 'has', 'have')} nothing "
                     "diagnosed: whether their cost serves anything is not known, "
                     "so it is left out of the overkill figures (today and in the plan).")
    if totals["undiagnosed_value"] > 0:
        notes.append(f"{money(totals['undiagnosed_value'], a.currency)} of expected value is not yet diagnosed: it is in no band, so "
                     "it adds no value at stake.")
    if "outcome" in assessed:
        mine = assessed["account_id"].isin(ids).to_numpy()
        won = is_outcome(assessed, "won") & mine
        if won.any() and won_weight is not None:
            notes.append(f"{count(int(won.sum()), 'won deal')} weigh{'s' if int(won.sum()) == 1 else ''} "
                         f"{won_weight:.0%} of their amount in the value in band "
                         "(the workspace's won-deal weight, set on the Portfolio page): business already done.")
        gone = lost(assessed) & mine
        if gone.any():
            notes.append(lost_sentence(int(gone.sum()), float(assessed.loc[gone, "value"].sum()), a.currency,
                                       "the value in band, the value at stake and the overkill figures"))
    return Design(table, totals, roles, a, notes)
