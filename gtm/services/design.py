"""Use cases of organisation design: the playbook, the economics' assumptions (read by everyone, saved by sales
leaders, facilitators and administrators), a plan's structures, roles and economics for a set of accounts, and
scenarios saved, compared side by side and exported."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gtm.domain import economics as econ
from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count, money, plural
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import is_outcome, lost
from gtm.domain.permissions import Action, Actor, require
from gtm.domain.playbook import Assumptions, Playbook, assumptions_from, default_playbook
from gtm.domain.portfolio import assumed_approach, lost_sentence
from gtm.export import tables
from gtm.services import audit
from gtm.services import currency as currency_service
from gtm.storage import design as design_store
from gtm.storage.lists import account_keys
from gtm.storage.repository import Store, Transaction

MAX_NAME = 128
MAX_NOTE = 2000
# Where a plan's structures come from, besides a saved scenario.
RECOMMENDED, DECIDED, CURRENT, PAYING = "recommended", "decided", "current", "paying"
SOURCES = {RECOMMENDED: "The recommendation per account", DECIDED: "The latest decision per account",
           CURRENT: "The current structures",
           PAYING: "The recommendation where the move pays back (today's structure elsewhere)"}


def playbook() -> Playbook:
    """The playbook of the seven structures (data/approaches.json)."""
    return default_playbook()


# ---------------------------------------------------------------------------------------------- assumptions


@dataclass(frozen=True)
class SavedAssumptions:
    """The assumptions in force: the latest saved version, or the playbook's defaults (version 0)."""

    assumptions: Assumptions
    version: int
    saved_by: str | None = None
    saved_at: Any = None
    note: str = ""
    refused: str | None = None  # why the latest saved version is not in force (the defaults are), for the pages


def assumptions(store: Store) -> SavedAssumptions:
    """The latest saved assumptions, else the playbook's defaults. A saved version that no longer validates (a
    structure renamed in the vocabulary, a coverage ratio saved before ratios were bounded) is refused, never used:
    the defaults are in force and ``refused`` says why, naming the version and the fault."""
    row = design_store.latest_assumptions(store)
    if row is None:
        return SavedAssumptions(playbook().defaults, 0)
    try:
        a = assumptions_from(row["body"])
    except InputError as exc:
        return SavedAssumptions(playbook().defaults, 0, refused=(
            f"The saved assumptions (version {row['version']}) are not used: {exc} The playbook's defaults are in "
            "force until a sales leader, facilitator or administrator saves corrected ones."))
    return SavedAssumptions(a, int(row["version"]), row["created_by"], row["created_at"], row["note"] or "")


def save_assumptions(store: Store, actor: Actor, raw: dict[str, Any] | Assumptions, note: str = "") -> int:
    """Validate and save the assumptions as the next version; returns it. Sales leaders, facilitators and admins."""
    require(actor, Action.EDIT_ASSUMPTIONS)
    a = raw if isinstance(raw, Assumptions) else assumptions_from(raw)
    a = assumptions_from(a.as_dict())  # one built by hand (model_construct) is checked all the same
    note = _note(note)
    missing = sorted(set(playbook().defaults.coverage) - set(a.coverage))
    if missing:
        raise InputError(f"The coverage ratios miss the {plural(len(missing), 'role')} {', '.join(missing)}; give "
                         "accounts per person for each.")

    def write(tx: Transaction) -> int:
        version = design_store.insert_assumptions(tx, a.as_dict(), note=note, created_by=actor.name.strip(),
                                                  created_role=str(actor.role))
        audit.log(store, tx, actor, "assumptions.saved", f"v{version}", version=version, **_summary(a))
        return version

    return store.write(write)


def _summary(a: Assumptions) -> dict[str, Any]:
    return {"currency": a.currency, "horizon_years": a.horizon_years, "uplift": a.uplift, "margin": a.margin,
            "ramp_up_months": a.ramp_up_months}


def in_reporting_currency(store: Store, a: Assumptions, reporting: str) -> tuple[Assumptions, str | None]:
    """The assumptions with costs in the reporting currency, and the sentence saying the conversion (None: none)."""
    return econ.in_currency(a, reporting, currency_service.rates(store))


# ---------------------------------------------------------------------------------------------- a plan


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


# ---------------------------------------------------------------------------------------------- scenarios


def _note(text: str | None) -> str:
    note = (text or "").strip()
    if len(note) > MAX_NOTE:
        raise InputError(f"The note has {len(note)} characters; {MAX_NOTE} at most are accepted.")
    return note


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
        problems.append(Problem(int(row) + 1, "structure", None if value is None or value != value else value,
                                "is not a structure; accepted: " + ", ".join(vocab.APPROACHES.labels)))
    if problems:
        raise InputError.from_problems("The scenario cannot be saved:", problems)
    codes = [vocab.APPROACHES.codes[i] for i in idx]
    ids = frame["account_id"].astype(str).tolist()
    scope_name = (scope or "").strip() or None
    base_text = (base or "").strip()[:160]
    note_text = _note(note)

    def write(tx: Transaction) -> int:
        keys = account_keys(tx, ids)
        missing = [a for a in ids if a not in keys]
        if missing:
            raise InputError.from_problems(f"{count(len(missing), 'account')} of the scenario "
                                           f"{plural(len(missing), 'is', 'are')} not stored.",
                                           [Problem(None, "account_id", a, "is not a stored account")
                                            for a in missing[:5]])
        _, version = design_store.insert_scenario(
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
    return design_store.scenarios(store)


def scenario_structures(store: Store, scenario_id: int) -> pd.DataFrame:
    """One saved scenario's structures: account_id, approach (codes)."""
    return design_store.scenario_structures(store, scenario_id)


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


# ---------------------------------------------------------------------------------------------- comparing


SUMMARY_ROWS = (
    ("accounts", "Accounts", "count"),
    ("moved", "Accounts moved from their current structure", "count"),
    ("people", "People needed (all roles)", "count"),
    ("hire", "New hires (above today's people)", "count"),
    ("assign", "New assignments (above today's people)", "count"),
    ("cost_year_plan", "Cost to serve a year", "money"),
    ("cost_plan", "Cost over the horizon (with set-up)", "money"),
    ("stake_plan", "Value at stake (incremental sales)", "money"),
    ("benefit_plan", "Benefit (margin on it)", "money"),
    ("net", "Net against today's structures", "money"),
    ("cost_without_benefit_plan", "Overkill: cost without benefit", "money"),
    ("left_on_table_plan", "Insufficient: benefit left on the table", "money"),
    ("payback_months", "Payback of the moves (months)", "months"),
)


def summary(d: Design) -> dict[str, float | None]:
    """The figures a comparison puts side by side (SUMMARY_ROWS' keys) for one plan."""
    t = d.totals
    roles = d.roles
    staff = econ.staffing(roles)
    out: dict[str, float | None] = {
        "accounts": t.accounts, "moved": t.moved, "people": staff.needed, "hire": staff.hire, "assign": staff.assign,
        "payback_months": t.payback_months,
    }
    for key in ("cost_year_plan", "cost_plan", "stake_plan", "benefit_plan", "net", "cost_without_benefit_plan",
                "left_on_table_plan"):
        out[key] = t[key]
    return out


@dataclass(frozen=True)
class Comparison:
    """Two plans side by side: the figures, the roles and the accounts whose structure differs."""

    names: tuple[str, str]
    summary: pd.DataFrame  # figure, unit, a, b, change
    roles: pd.DataFrame  # role, label, source, a, b, change
    moved: pd.DataFrame  # account_id, name, a, b, steps, cost change, benefit change
    notes: list[str]


def compare(a: Design, b: Design, names: tuple[str, str]) -> Comparison:
    """Plan ``b`` against plan ``a`` (designs of the same accounts at the same assumptions)."""
    sa, sb = summary(a), summary(b)
    rows = []
    for key, label, unit in SUMMARY_ROWS:
        x, y = sa[key], sb[key]
        change = None if x is None or y is None else float(y) - float(x)
        rows.append({"figure": label, "unit": unit, "a": x, "b": y, "change": change})
    roles = pd.DataFrame({"role": a.roles["role"], "label": a.roles["label"], "source": a.roles["source"],
                          "a": a.roles["people_plan"].to_numpy(), "b": b.roles["people_plan"].to_numpy()})
    roles["change"] = roles["b"] - roles["a"]
    ea = a.economics.set_index("account_id")
    eb = b.economics.set_index("account_id")
    both = ea.index.intersection(eb.index)
    differs = both[(ea.loc[both, "plan"].astype(object) != eb.loc[both, "plan"].astype(object)).to_numpy()]
    pa, pb = ea.loc[differs, "plan"].astype(object), eb.loc[differs, "plan"].astype(object)
    moved = pd.DataFrame({
        "account_id": differs.to_numpy(), "name": ea.loc[differs, "name"].to_numpy(),
        "a": pa.to_numpy(), "b": pb.to_numpy(),
        "steps": (vocab.APPROACHES.indices(pb, "b") - vocab.APPROACHES.indices(pa, "a")).astype(int),
        "cost_change": (eb.loc[differs, "cost_plan"] - ea.loc[differs, "cost_plan"]).to_numpy(),
        "benefit_change": (eb.loc[differs, "benefit_plan"] - ea.loc[differs, "benefit_plan"]).to_numpy(),
        "value": ea.loc[differs, "value"].to_numpy(),
    }).sort_values("value", ascending=False, kind="stable").reset_index(drop=True)
    notes = []
    only = len(ea.index.symmetric_difference(eb.index))
    if only:
        notes.append(f"{count(only, 'account')} {plural(only, 'is', 'are')} in one plan only: "
                     f"{plural(only, 'it counts', 'they count')} in its figures, not in the moves.")
    return Comparison(names, pd.DataFrame(rows), roles, moved, notes)


COMPARISON_HEADERS = {"figure": "Figure", "a": "A", "b": "B", "change": "B − A"}
MOVED_HEADERS = {"account_id": "Account ID", "name": "Account", "a": "Structure in A", "b": "Structure in B",
                 "steps": "Steps (+ heavier in B)", "cost_change": "Cost change (B − A)",
                 "benefit_change": "Benefit change (B − A)", "value": "Expected value"}
ROLE_HEADERS = {"label": "Role", "source": "Hire or assign", "a": "People in A", "b": "People in B",
                "change": "Change (B − A)"}


def comparison_frames(c: Comparison, currency: str) -> dict[str, pd.DataFrame]:
    """The comparison as the page shows it and the exports write it: sheets Summary, Roles, Accounts moved.
    Structures by their labels; money in ``currency`` (named in the headers), rounded to whole units; payback in
    whole months, rounded up as the pages say them."""
    a_name, b_name = c.names
    columns: dict[str, list[Any]] = {"Figure": [], f"A: {a_name}": [], f"B: {b_name}": [], "B − A": []}
    for figure, unit, x, y, change in c.summary[["figure", "unit", "a", "b", "change"]].itertuples(index=False):
        a_value, b_value = _rounded(x, unit), _rounded(y, unit)
        if unit == "months":  # whole months apart; empty when either never pays back
            change = None if a_value is None or b_value is None else b_value - a_value
        columns["Figure"].append(f"{figure} ({currency})" if unit == "money" else figure)
        columns[f"A: {a_name}"].append(a_value)
        columns[f"B: {b_name}"].append(b_value)
        columns["B − A"].append(change if unit == "months" else _rounded(change, unit))
    summary_frame = pd.DataFrame(columns)
    roles = c.roles.drop(columns="role").rename(columns={**ROLE_HEADERS, "a": f"People in A: {a_name}",
                                                           "b": f"People in B: {b_name}"})
    labels = {code: structure_label(code) for code in vocab.APPROACHES.codes}
    moved = c.moved.assign(a=c.moved["a"].map(labels), b=c.moved["b"].map(labels),
                           cost_change=c.moved["cost_change"].round(0), benefit_change=c.moved["benefit_change"].round(0),
                           value=c.moved["value"].round(0))
    moved = moved.rename(columns={**MOVED_HEADERS, "cost_change": f"Cost change (B − A, {currency})",
                                  "benefit_change": f"Benefit change (B − A, {currency})",
                                  "value": f"Expected value ({currency})"})
    return {"Summary": summary_frame, "Roles": roles, "Accounts moved": moved}


def _rounded(x: Any, unit: str) -> int | None:
    """A summary figure as exported: money and counts to whole units, months rounded up; None stays empty (never,
    unknown)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    v = float(x)
    return math.ceil(v - 1e-9) if unit == "months" else round(v)


def comparison_xlsx(c: Comparison, currency: str) -> bytes:
    """The comparison as an XLSX workbook (Summary, Roles, Accounts moved), formulas neutralised."""
    return tables.to_xlsx_bytes(comparison_frames(c, currency))


def comparison_csv(c: Comparison, currency: str, *, european: bool = False) -> bytes:
    """The comparison's accounts moved as CSV (';' for European Excel), formulas neutralised."""
    return tables.to_csv_bytes(comparison_frames(c, currency)["Accounts moved"], sep=tables.separator(european))


# ---------------------------------------------------------------------------------------------- the page's tables

ECONOMICS_HEADERS = {
    "account_id": "Account ID", "name": "Account", "current": "Current structure", "plan": "Structure in the plan",
    "value": "Expected value", "cost_year_current": "Cost a year today", "cost_year_plan": "Cost a year in the plan",
    "setup_cost": "Set-up cost", "extra_cost": "Extra cost over the horizon", "stake_plan": "Value at stake",
    "benefit_plan": "Benefit", "extra_benefit": "Extra benefit", "net": "Net", "payback": "Payback",
    "cost_without_benefit_plan": "Overkill: cost without benefit",
    "left_on_table_plan": "Insufficient: benefit left on the table",
}
ROLES_HEADERS = {"label": "Role", "source": "Hire or assign", "coverage": "Coverage", "accounts_current": "Accounts today",
                 "people_current": "People today", "accounts_plan": "Accounts in the plan",
                 "people_plan": "People in the plan", "change": "Change"}


def structure_label(code: str, short: bool = False) -> str:
    """A structure's label, or its short label (the chart axes' and the page tables')."""
    term = vocab.APPROACHES.term(code)
    return term.short_label if short else term.label


def economics_frame(d: Design, *, short: bool = False, limit: int | None = None) -> pd.DataFrame:
    """The per-account economics as the page shows and exports them (ECONOMICS_HEADERS' keys; structures by label,
    or short label, payback in words), largest expected value first; the first ``limit`` accounts only if given."""
    e = d.economics.sort_values("value", ascending=False, kind="stable")
    if limit is not None:
        e = e.head(limit)
    out = e[[c for c in ECONOMICS_HEADERS if c in e.columns and c != "payback"]].copy()
    labels = [structure_label(c, short) for c in vocab.APPROACHES.codes]
    for column in ("current", "plan"):  # categoricals of the codes: renamed once, not per row
        out[column] = e[column].cat.rename_categories(labels).astype(object)
    out["payback"] = [econ.payback_text(m, bool(mv), d.assumptions.horizon_years)
                      for m, mv in zip(e["payback_months"], e["moved"])]
    return out[list(ECONOMICS_HEADERS)].reset_index(drop=True)


def design_xlsx(d: Design, currency: str, *, plan: str = "", for_accounts: str = "") -> bytes:
    """The design as an XLSX workbook: Accounts (economics per account), Roles, Assumptions (first the plan and the
    accounts it was made for, in words); formulas neutralised."""
    money_cols = {k: f"{v} ({currency})" for k, v in ECONOMICS_HEADERS.items()
                  if k not in ("account_id", "name", "current", "plan", "payback")}
    accounts = economics_frame(d).rename(columns={**ECONOMICS_HEADERS, **money_cols})
    roles = d.roles[list(ROLES_HEADERS)].rename(columns=ROLES_HEADERS)
    a = d.assumptions
    rows: list[tuple[str, Any]] = [("Plan", plan), ("Accounts", for_accounts)] if plan or for_accounts else []
    rows += [("Currency", a.currency), ("Horizon (years)", a.horizon_years), ("Uplift", a.uplift),
            ("Margin", a.margin), ("Ramp-up (months)", a.ramp_up_months)]
    rows += [(f"Cost to serve a year: {vocab.APPROACHES.label(c)}", a.cost_to_serve[c]) for c in vocab.APPROACHES.codes]
    rows += [(f"Set-up cost: {vocab.APPROACHES.label(c)}", a.setup_cost[c]) for c in vocab.APPROACHES.codes]
    rows += [(f"Coverage: {r.label}", a.coverage[r.code]) for r in playbook().roles]
    assumptions_sheet = pd.DataFrame(rows, columns=["Assumption", "Value"]).astype({"Value": object})
    return tables.to_xlsx_bytes({"Accounts": accounts, "Roles": roles, "Assumptions": assumptions_sheet})
