"""Use cases of organisation design: the playbook, the economics' assumptions (read by everyone, saved by sales
leaders, facilitators and administrators), a plan's structures, roles and economics for a set of accounts, and
scenarios saved, compared side by side and exported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gtm.domain import economics as econ
from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count, money, plural
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.permissions import Action, Actor, require
from gtm.domain.playbook import Assumptions
from gtm.services import audit
from gtm.services.design_assumptions import (
    MAX_NAME,
    MAX_NOTE,
    SavedAssumptions,
    _note,
    assumptions,
    in_reporting_currency,
    playbook,
    save_assumptions,
)
from gtm.services.design_compare import (
    COMPARISON_HEADERS,
    ECONOMICS_HEADERS,
    MOVED_HEADERS,
    ROLE_HEADERS,
    ROLES_HEADERS,
    SUMMARY_ROWS,
    Comparison,
    compare,
    comparison_csv,
    comparison_frames,
    comparison_xlsx,
    design_xlsx,
    economics_frame,
    structure_label,
    summary,
)
from gtm.services.design_economics import (
    CURRENT,
    DECIDED,
    PAYING,
    RECOMMENDED,
    SOURCES,
    Design,
    Flag,
    _say,
    _source_plan,
    current_structures,
    design,
    exposure,
    plan_structures,
)
from gtm.storage.repository import Store, Transaction

# The assumptions live in gtm.services.design_assumptions, a plan's design in gtm.services.design_economics, and the
# comparison and tables in gtm.services.design_compare; here are the saved scenarios and the named plans, with every
# name of the three re-exported so that callers keep one module.
__all__ = ["COMPARISON_HEADERS", "CURRENT", "DECIDED", "ECONOMICS_HEADERS", "MAX_NAME", "MAX_NOTE", "MOVED_HEADERS",
           "PAYING", "RECOMMENDED", "ROLES_HEADERS", "ROLE_HEADERS", "SCENARIO_PREFIX", "SOURCES", "SUMMARY_ROWS",
           "Comparison", "Design", "Flag", "NamedPlan", "SavedAssumptions", "assumptions", "compare", "comparison_csv",
           "comparison_frames", "comparison_xlsx", "current_structures", "design", "design_xlsx", "economics_frame",
           "exposure", "in_reporting_currency", "moves_that_pay", "over_accounts", "plan_choices", "plan_named",
           "plan_structures", "playbook", "save_assumptions", "save_scenario", "scenario_plan", "scenario_structures",
           "scenarios", "structure_label", "summary"]


def save_scenario(store: Store, actor: Actor, name: str, structures: pd.DataFrame, *, scope: str | None = None,
                  base: str = "", note: str = "") -> int:
    """Save ``structures`` (account_id, approach: a code or a label) as the next version of scenario ``name``;
    returns the version. Every row is checked first; a wrong one is named and nothing is written."""
    require(actor, Action.SAVE_SCENARIO)
    title = (name or "").strip()
    if not title or len(title) > MAX_NAME:
        raise InputError(f"The scenario's name {title[:40]!r} is not accepted; give a name of 1 to {MAX_NAME} "
                         "characters.")
    if structures.empty:
        raise InputError("The scenario has no accounts; choose the accounts it covers.")
    frame = structures[["account_id", "approach"]].reset_index(drop=True)
    problems = []
    dup = frame["account_id"].astype(str).duplicated()
    for row in np.flatnonzero(dup.to_numpy())[:5]:
        problems.append(Problem(int(row) + 1, "account_id", frame.at[row, "account_id"], "appears twice"))
    # Each distinct text is looked up once (a 100,000-account scenario names seven structures).
    keys, uniques = pd.factorize(frame["approach"], use_na_sentinel=True)
    table = np.array([-1 if (i := vocab.APPROACHES.find(u)) is None else i for u in uniques] + [-1])
    idx = table[keys]
    for row in np.flatnonzero(idx < 0)[:5]:
        value: Any = frame.at[row, "approach"]
        problems.append(Problem(int(row) + 1, "structure", None if value is None or pd.isna(value) else value,
                                "is not a structure; accepted: " + ", ".join(vocab.APPROACHES.labels)))
    if problems:
        raise InputError.from_problems("The scenario cannot be saved:", problems)
    codes = [vocab.APPROACHES.codes[i] for i in idx]
    ids = frame["account_id"].astype(str).tolist()
    scope_name = (scope or "").strip() or None
    base_text = (base or "").strip()[:160]
    note_text = _note(note)

    def write(tx: Transaction) -> int:
        keys = store.account_keys(tx, ids)
        missing = [a for a in ids if a not in keys]
        if missing:
            raise InputError.from_problems(f"{count(len(missing), 'account')} of the scenario "
                                           f"{plural(len(missing), 'is', 'are')} not stored.",
                                           [Problem(None, "account_id", a, "is not a stored account")
                                            for a in missing[:5]])
        _, version = store.insert_scenario(
            tx, name=title, scope=scope_name, base=base_text, note=note_text,
            structures={keys[a]: c for a, c in zip(ids, codes)}, created_by=actor.name.strip(),
            created_role=str(actor.role), created_by_id=actor.user_id)
        audit.log(store, tx, actor, "scenario.saved", f"{title} v{version}", name=title, version=version,
                  scope=scope_name, base=base_text, accounts=len(codes))
        return version

    return store.write(write)


def scenarios(store: Store) -> pd.DataFrame:
    """Saved scenarios, newest first (every version): scenario_id, name, version, scope, base, note, created_by,
    created_role, created_at, accounts."""
    return store.scenarios()


def scenario_structures(store: Store, scenario_id: int) -> pd.DataFrame:
    """One saved scenario's structures: account_id, approach (codes)."""
    return store.scenario_structures(scenario_id)


def scenario_plan(store: Store, scenario_id: int) -> pd.Series:
    """A saved scenario as a plan: approach codes, index account_id."""
    rows = scenario_structures(store, scenario_id)
    return pd.Series(rows["approach"].to_numpy(), index=rows["account_id"].to_numpy(), dtype=object)


SCENARIO_PREFIX = "scenario:"


def plan_choices(store: Store) -> dict[str, str]:
    """Every plan a page can show or compare, key -> label: the three sources, then each saved scenario's versions
    (newest first), keyed ``scenario:<id>``."""
    out = dict(SOURCES)
    for row in scenarios(store).itertuples(index=False):
        out[f"{SCENARIO_PREFIX}{row.scenario_id}"] = (f"Scenario {row.name} v{row.version} ({row.accounts:,} "
                                                      f"accounts, {row.created_by})")
    return out


@dataclass(frozen=True)
class NamedPlan:
    """A plan's structures (index account_id), the accounts it is about (None: every account), the notes, and the
    flags: sentences about some of its accounts, counted among the accounts a page shows (``over_accounts``)."""

    structures: pd.Series
    account_ids: list[str] | None
    notes: list[str]
    flags: tuple[Flag, ...] = ()


def plan_named(store: Store, key: str, accounts: pd.DataFrame, decisions: pd.DataFrame, *,
               assessed: pd.DataFrame | None = None, matrix: ApproachMatrix | None = None,
               a: Assumptions | None = None, weighed: econ.Exposure | None = None) -> NamedPlan:
    """The plan ``key`` (see plan_choices) over ``accounts`` (the account table). A scenario covers its own accounts;
    its structures are the saved ones (an account it names that is no longer stored is left out, and said).
    PAYING needs the opportunities (``assessed``), the ``matrix`` and the assumptions ``a``: it moves only the
    accounts whose recommended move has a positive net over the horizon at those assumptions."""
    if key == PAYING:
        if assessed is None or matrix is None or a is None:
            raise InputError("The plan of the moves that pay needs assumptions that can be used; see the message "
                             "about them.")
        return _paying(accounts, decisions, assessed, matrix, a, weighed)
    if not key.startswith(SCENARIO_PREFIX):
        structures, flags = _source_plan(accounts, decisions, key)
        return NamedPlan(structures, None, [], tuple(flags))
    try:
        scenario_id = int(key.removeprefix(SCENARIO_PREFIX))
    except ValueError:
        raise InputError(f"Unknown plan {key!r}; accepted: {', '.join(SOURCES)} or a saved scenario.") from None
    saved = scenario_plan(store, scenario_id)
    if saved.empty:
        raise InputError(f"No saved scenario with id {scenario_id} in workspace {store.workspace!r}.")
    known = saved.index.isin(accounts["account_id"].astype(str))
    gone = int((~known).sum())
    notes = [] if known.all() else [f"{count(gone, 'account')} of the scenario {plural(gone, 'is', 'are')} no longer "
                                    "in the portfolio and left out."]
    kept = saved[known]
    return NamedPlan(kept, [str(a) for a in kept.index], notes)


def _paying(accounts: pd.DataFrame, decisions: pd.DataFrame, assessed: pd.DataFrame, matrix: ApproachMatrix,
            a: Assumptions, weighed: econ.Exposure | None) -> NamedPlan:
    """The recommendation for the accounts whose move to it has a positive net over the horizon; today's structure
    for the others (the overkill zone: "costing more than benefits created")."""
    recommended, flags = _source_plan(accounts, decisions, RECOMMENDED)
    current, _ = current_structures(accounts)
    ids = [str(x) for x in recommended.index]
    weighed = weighed if weighed is not None and set(ids) <= set(weighed.account_ids) else None
    d = design(accounts, assessed, matrix, recommended, a, account_ids=ids, weighed=weighed)
    e = d.economics
    pays = pd.Series((e["moved"] & (e["net"] > 0)).to_numpy(), index=e["account_id"].to_numpy())
    kept = pd.Index(e.loc[(e["moved"] & ~pays.to_numpy()).to_numpy(), "account_id"].astype(str))
    within = f"within {count(a.horizon_years, 'year')} at these assumptions"
    flags.append(((f"{{n}} account whose recommended move does not pay back {within} keeps today's structure.",
                   f"{{n}} accounts whose recommended move does not pay back {within} keep today's structure."), kept))
    return NamedPlan(recommended.where(pays.reindex(recommended.index).to_numpy(), current.reindex(recommended.index)),
                     None, [], tuple(flags))


def moves_that_pay(t: econ.Totals, horizon_years: int, currency: str) -> str:
    """How many of a plan's moves pay back within the horizon and what they net, and the others, in one sentence;
    empty when nothing moves. Nobody reads "the other 0 cost more than they bring": all, none or one are said so."""
    moved, paying, within = t.moved, t.paying, f"within {count(horizon_years, 'year')} at these assumptions"
    losing = moved - paying
    if not moved:
        return ""
    if moved == 1:
        return (f"The one move pays back {within} (net {money(t.paying_net, currency)})." if paying else
                f"The one move does not pay back {within} (net {money(t.losing_net, currency)}).")
    if paying == moved:
        return f"All {moved:,} moves pay back {within} (net {money(t.paying_net, currency)} together)."
    if not paying:
        return f"None of the {moved:,} moves pays back {within}: together they net {money(t.losing_net, currency)}."
    return (f"Of the {moved:,} moves, {paying:,} {plural(paying, 'pays', 'pay')} back {within} (net "
            f"{money(t.paying_net, currency)}{'' if paying == 1 else ' together'}); the other {losing:,} "
            f"{plural(losing, 'costs more than it brings', 'cost more than they bring')} (net "
            f"{money(t.losing_net, currency)}).")


def over_accounts(plan: NamedPlan, accounts: pd.DataFrame, ids: Sequence[str]) -> tuple[pd.Series, list[str]]:
    """``plan``'s structures over ``ids``: where the plan names no structure for an account (a scenario of other
    accounts), its current structure, and a note saying how many."""
    current, _ = current_structures(accounts)
    index = pd.Index(ids).astype(str)
    out = plan.structures.reindex(index)
    gaps = out.isna()
    notes = list(plan.notes) + _say(plan.flags, index)
    if gaps.any():
        n = int(gaps.sum())
        notes.append(f"{count(n, 'account')} not in this plan {plural(n, 'keeps its', 'keep their')} current "
                     "structure in it.")
    return out.where(~gaps, current.reindex(index)), notes
