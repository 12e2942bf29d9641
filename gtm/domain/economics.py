"""The economics of a GTM structure per account, and the roles a set of structures needs. Pure: no storage.

Every figure comes from the assumptions (``playbook.Assumptions``) and the value in band, and ``FORMULAS`` says
how in words a sales leader reads:

- value in band: the expected value of the account's opportunities the structure serves realistically;
- value at stake = uplift x value in band (incremental sales over the horizon);
- benefit = margin x value at stake;
- cost = cost to serve x horizon years, plus the set-up cost when the account moves up into the structure;
- overkill: the part of the cost that serves opportunities the structure overkills, a cost without benefit;
- insufficient: margin x uplift x the value the structure under-serves, a benefit left on the table;
- payback: the months until the extra benefit (from the end of the ramp-up) has paid the set-up and extra cost.

Opportunities not yet diagnosed carry no fit; their value is counted apart (``undiagnosed_value``), never in band.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError
from gtm.domain.fmt import count, plural
from gtm.domain.matrix import INSUFFICIENT, OVERKILL, ApproachMatrix
from gtm.domain.outcomes import in_play
from gtm.domain.playbook import Assumptions, Playbook

FORMULAS: dict[str, str] = {
    "value_in_band": "The expected value of the opportunities the structure serves realistically (its band).",
    "value_at_stake": "Uplift × value in band: the incremental sales the structure wins over the horizon. An "
                      "opportunity the structure overkills earns none (the deck: 'possibly reducing effectiveness of "
                      "component-only sale'), so moving it back into its band counts its value at stake as a benefit, "
                      "besides the cost saved.",
    "benefit": "Margin × value at stake.",
    "cost": "Cost to serve a year × horizon years, + the set-up cost when the account moves up into the structure.",
    "cost_without_benefit": "Overkill: the cost to serve over the horizon × the share of the account's diagnosed value "
                            "the structure overkills: the part of its cost spent on opportunities it overkills (all "
                            "of that part, not only what a lighter structure would save). Unknown for an account with "
                            "nothing diagnosed.",
    "left_on_table": "Insufficient: margin × uplift × the value the structure under-serves.",
    "net": "Extra benefit − extra cost of the plan against the current structure, over the horizon.",
    "payback": "Months until the extra benefit, earned evenly from the end of the ramp-up to the end of the horizon, "
               "has paid the set-up cost and the extra cost to serve. Never: the net over the horizon is not positive.",
}

ECONOMICS_COLUMNS = (
    "account_id", "current", "plan", "moved", "value", "undiagnosed_value",
    "cost_year_current", "cost_year_plan", "setup_cost", "cost_current", "cost_plan", "extra_cost",
    "in_band_current", "in_band_plan", "stake_current", "stake_plan", "benefit_current", "benefit_plan",
    "extra_benefit", "net", "payback_months",
    "overkill_value_current", "overkill_value_plan", "cost_without_benefit_current", "cost_without_benefit_plan",
    "insufficient_value_current", "insufficient_value_plan", "left_on_table_current", "left_on_table_plan",
)
# Columns that add up over accounts (a total is their sum; payback is recomputed from the totals).
ADDITIVE = tuple(c for c in ECONOMICS_COLUMNS if c not in ("account_id", "current", "plan", "moved", "payback_months"))
ROLE_COLUMNS = ("role", "label", "source", "basis", "needed_by", "coverage", "accounts", "people")
MAX_PEOPLE = 10_000_000  # people in one role: beyond any organisation, and far inside what the arithmetic holds


@dataclass(frozen=True)
class Exposure:
    """Per account (rows in ``account_ids`` order) and per approach (columns in rank order): the diagnosed expected
    value the approach serves in band, overkills and under-serves; the diagnosed total and the undiagnosed value."""

    account_ids: pd.Index
    in_band: np.ndarray
    over: np.ndarray
    under: np.ndarray
    total: np.ndarray
    undiagnosed: np.ndarray


def exposure(opportunities: pd.DataFrame, matrix: ApproachMatrix, account_ids: Sequence[str] | pd.Index) -> Exposure:
    """The exposure of each account in ``account_ids`` (an account without opportunities has zeros) from
    opportunities with account_id, nature (empty: not yet diagnosed), expected_value and, optionally, outcome (a lost
    deal is no longer at stake: it adds nothing)."""
    ids = pd.Index(account_ids)
    n_acc, n_nat = len(ids), len(vocab.NATURES)
    pos = ids.get_indexer(pd.Index(opportunities["account_id"]))
    keep = (pos >= 0) & in_play(opportunities)
    ev = opportunities["expected_value"].to_numpy(dtype=float, na_value=0.0)
    nature = _nature_codes(opportunities["nature"])
    known = keep & (nature >= 0)
    key = pos[known].astype(np.intp) * n_nat + nature[known]
    value_by = np.bincount(key, weights=ev[known], minlength=n_acc * n_nat).reshape(n_acc, n_nat)
    undiagnosed = np.bincount(pos[keep & (nature < 0)], weights=ev[keep & (nature < 0)], minlength=n_acc)
    fit = matrix.fit_table  # natures x approaches
    return Exposure(
        account_ids=ids,
        in_band=value_by @ (fit == 0).astype(float),
        over=value_by @ (fit == OVERKILL).astype(float),
        under=value_by @ (fit == INSUFFICIENT).astype(float),
        total=value_by.sum(axis=1),
        undiagnosed=undiagnosed,
    )


def _nature_codes(column: pd.Series) -> np.ndarray:
    """Nature rank indices, -1 where not yet diagnosed (empty)."""
    if isinstance(column.dtype, pd.CategoricalDtype) and column.dtype == vocab.NATURES.dtype:
        return column.cat.codes.to_numpy(dtype=np.intp)
    out = np.full(len(column), -1, dtype=np.intp)
    known = column.notna().to_numpy()
    if known.any():
        out[known] = vocab.NATURES.indices(column[known], "nature")
    return out


def approach_indices(values: pd.Series | Sequence[Any] | np.ndarray, what: str) -> np.ndarray:
    """Approach codes (or labels) as rank indices; InputError naming the row and the value for an unknown or
    missing one (a plan names a structure for every account)."""
    series = pd.Series(values)
    idx = vocab.APPROACHES.indices(series, what)
    if (idx < 0).any():
        row = int(np.flatnonzero(idx < 0)[0])
        raise InputError(f"Row {row}: {what} is empty; accepted: {', '.join(vocab.APPROACHES.codes)}.")
    return idx


def payback_months(setup: np.ndarray, extra_cost_year: np.ndarray, extra_benefit: np.ndarray,
                   a: Assumptions) -> np.ndarray:
    """Months until a move pays back (FORMULAS["payback"]); NaN where it never does."""
    setup = np.asarray(setup, dtype=float)
    dc = np.asarray(extra_cost_year, dtype=float) / 12.0
    earning = 12.0 * a.horizon_years - a.ramp_up_months
    db = np.asarray(extra_benefit, dtype=float) / earning
    ramp = float(a.ramp_up_months)
    out = np.full(setup.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Savings alone pay the set-up back before the first deal closes.
        by_saving = np.where(dc < 0, setup / -dc, np.inf)
        later = np.where(db - dc > 0, (setup + db * ramp) / (db - dc), np.nan)
    at_once = (setup <= 0) & (dc <= 0) & (db >= 0)
    out = np.where(at_once, 0.0, np.where(by_saving <= ramp, by_saving, later))
    # A move whose net over the whole horizon is not positive never pays back, whatever it saves at first (a move
    # down that loses more benefit than it saves is "at once" for a month or two, then a loss).
    end = -setup - dc * 12.0 * a.horizon_years + db * earning
    out = np.where(end > 0, out, np.nan)
    return np.where(np.isnan(out), np.nan, np.maximum(out, 0.0))


def economics(exp: Exposure, current: np.ndarray, plan: np.ndarray, a: Assumptions) -> pd.DataFrame:
    """One row per account (ECONOMICS_COLUMNS): its current structure against the plan's, at assumptions ``a``.

    ``current`` and ``plan`` are approach rank indices per account, in ``exp.account_ids`` order."""
    current, plan = np.asarray(current, dtype=np.intp), np.asarray(plan, dtype=np.intp)
    if len(current) != len(exp.account_ids) or len(plan) != len(exp.account_ids):
        raise InputError("A structure is needed for every account, current and planned.")
    codes = vocab.APPROACHES.codes
    serve = np.array([a.cost_to_serve[c] for c in codes])
    setup_of = np.array([a.setup_cost[c] for c in codes])
    rows = np.arange(len(current))
    h = float(a.horizon_years)
    moved = plan != current
    setup = np.where(plan > current, setup_of[plan], 0.0)  # moving down costs nothing once
    cost_year_current, cost_year_plan = serve[current], serve[plan]
    cost_current, cost_plan = cost_year_current * h, cost_year_plan * h + setup
    in_cur, in_plan = exp.in_band[rows, current], exp.in_band[rows, plan]
    stake_cur, stake_plan = a.uplift * in_cur, a.uplift * in_plan
    benefit_cur, benefit_plan = a.margin * stake_cur, a.margin * stake_plan
    extra_benefit = benefit_plan - benefit_cur
    extra_cost = cost_plan - cost_current
    with np.errstate(invalid="ignore", divide="ignore"):
        share_over_cur = np.where(exp.total > 0, exp.over[rows, current] / exp.total, np.nan)
        share_over_plan = np.where(exp.total > 0, exp.over[rows, plan] / exp.total, np.nan)
    payback = np.where(moved, payback_months(setup, cost_year_plan - cost_year_current, extra_benefit, a), np.nan)
    out = pd.DataFrame({
        "account_id": exp.account_ids.to_numpy(),
        "current": pd.Categorical.from_codes(current, dtype=vocab.APPROACHES.dtype),
        "plan": pd.Categorical.from_codes(plan, dtype=vocab.APPROACHES.dtype),
        "moved": moved,
        "value": exp.total + exp.undiagnosed,
        "undiagnosed_value": exp.undiagnosed,
        "cost_year_current": cost_year_current, "cost_year_plan": cost_year_plan, "setup_cost": setup,
        "cost_current": cost_current, "cost_plan": cost_plan, "extra_cost": extra_cost,
        "in_band_current": in_cur, "in_band_plan": in_plan, "stake_current": stake_cur, "stake_plan": stake_plan,
        "benefit_current": benefit_cur, "benefit_plan": benefit_plan, "extra_benefit": extra_benefit,
        "net": extra_benefit - extra_cost, "payback_months": payback,
        "overkill_value_current": exp.over[rows, current], "overkill_value_plan": exp.over[rows, plan],
        # An account with nothing diagnosed has no share overkilled: its cost is not known to be wasted (NaN).
        "cost_without_benefit_current": cost_current * share_over_cur,
        "cost_without_benefit_plan": cost_year_plan * h * share_over_plan,
        "insufficient_value_current": exp.under[rows, current], "insufficient_value_plan": exp.under[rows, plan],
        "left_on_table_current": a.margin * a.uplift * exp.under[rows, current],
        "left_on_table_plan": a.margin * a.uplift * exp.under[rows, plan],
    })
    return out[list(ECONOMICS_COLUMNS)]


@dataclass(frozen=True)
class Totals:
    """The economics summed over accounts, with the payback of the whole plan."""

    accounts: int
    moved: int
    sums: dict[str, float]
    payback_months: float | None
    unknown_waste: int  # accounts with nothing diagnosed: their cost without benefit is not known
    paying: int = 0  # moves whose net over the horizon is positive
    paying_net: float = 0.0  # their net together
    losing_net: float = 0.0  # the net of the other moves (zero or negative)

    def __getitem__(self, column: str) -> float:
        return self.sums[column]


def totals(econ: pd.DataFrame, a: Assumptions) -> Totals:
    """The additive columns summed (NaN counted as 0 and ``unknown_waste`` says how many), the payback of all
    moves together (set-up, extra cost a year and extra benefit summed over the moved accounts), and how many moves
    pay (a positive net over the horizon) with their net and the others'."""
    sums = {c: float(np.nansum(econ[c].to_numpy(dtype=float))) for c in ADDITIVE}
    moved = econ[econ["moved"]]
    payback: float | None = None
    if len(moved):
        p = payback_months(np.array([moved["setup_cost"].sum()]),
                           np.array([(moved["cost_year_plan"] - moved["cost_year_current"]).sum()]),
                           np.array([moved["extra_benefit"].sum()]), a)[0]
        payback = None if math.isnan(p) else float(p)
    gains = moved["net"].to_numpy(dtype=float)
    return Totals(accounts=len(econ), moved=len(moved), sums=sums, payback_months=payback,
                  unknown_waste=int(econ["cost_without_benefit_plan"].isna().sum()),
                  paying=int((gains > 0).sum()), paying_net=float(gains[gains > 0].sum()),
                  losing_net=float(gains[gains <= 0].sum()))


def structure_counts(approaches: pd.Series) -> dict[str, int]:
    """How many accounts each structure serves (every structure named, 0 where none)."""
    counts = pd.Series(approaches).astype(object).value_counts()
    return {code: int(counts.get(code, 0)) for code in vocab.APPROACHES.codes}


def roles_needed(counts: Mapping[str, int], a: Assumptions, playbook: Playbook) -> pd.DataFrame:
    """People per role (ROLE_COLUMNS) for ``counts`` accounts per structure: accounts / coverage rounded up to
    whole people; a programme role has its coverage in people as soon as one account needs it."""
    unknown = sorted(set(counts) - set(vocab.APPROACHES.codes))
    if unknown:
        raise InputError(f"Unknown {plural(len(unknown), 'structure')} {', '.join(unknown)}; accepted: {', '.join(vocab.APPROACHES.codes)}.")
    rows = []
    for role in playbook.roles:
        accounts = int(sum(int(counts.get(code, 0)) for code in role.needed_by))
        coverage = float(a.coverage[role.code])
        need = (coverage if role.basis == "programme" else accounts / coverage - 1e-9) if accounts else 0.0
        if not math.isfinite(need) or need > MAX_PEOPLE:  # the bounds on coverage keep this out; say it, never crash
            raise InputError(f"The {role.label.lower()}s needed cannot be computed: {count(accounts, 'account')} at a "
                             f"coverage of {coverage:g} is beyond {MAX_PEOPLE:,} people. Check the coverage ratio.")
        people = math.ceil(need)
        rows.append({"role": role.code, "label": role.label, "source": role.source, "basis": role.basis,
                     "needed_by": ", ".join(vocab.APPROACHES.label(c) for c in role.needed_by),
                     "coverage": coverage, "accounts": accounts, "people": people})
    return pd.DataFrame(rows, columns=list(ROLE_COLUMNS))


def roles_compared(current: Mapping[str, int], plan: Mapping[str, int], a: Assumptions,
                   playbook: Playbook) -> pd.DataFrame:
    """Roles for the current structures against the plan's: role, label, source, coverage, needed_by,
    accounts_current, people_current, accounts_plan, people_plan, change."""
    cur = roles_needed(current, a, playbook)
    new = roles_needed(plan, a, playbook)
    out = cur[["role", "label", "source", "basis", "needed_by", "coverage"]].copy()
    out["accounts_current"], out["people_current"] = cur["accounts"], cur["people"]
    out["accounts_plan"], out["people_plan"] = new["accounts"].to_numpy(), new["people"].to_numpy()
    out["change"] = out["people_plan"] - out["people_current"]
    return out


@dataclass(frozen=True)
class Staffing:
    """People the plan's structures need against today's: in all, and the change per source (new hires, new
    assignments, people no longer needed in a role)."""

    needed: int
    today: int
    hire: int
    assign: int
    freed: int


def staffing(roles: pd.DataFrame) -> Staffing:
    """The staffing of ``roles_compared``'s table: a role's new people are the plan's above today's (never negative);
    people a plan no longer needs in a role are counted apart, as freed, not set against other roles' hires."""
    plan = roles["people_plan"].to_numpy(dtype=int)
    today = roles["people_current"].to_numpy(dtype=int)
    more = np.maximum(plan - today, 0)
    source = roles["source"].to_numpy()
    return Staffing(needed=int(plan.sum()), today=int(today.sum()), hire=int(more[source == "hire"].sum()),
                    assign=int(more[source == "assign"].sum()), freed=int(np.maximum(today - plan, 0).sum()))


def single_move(in_band: Mapping[str, float], current: str, plan: str, a: Assumptions) -> dict[str, Any]:
    """One account's move at assumptions ``a`` where only the value in band is given (per approach; others 0):
    extra_cost, extra_benefit, net and payback_months (None: never). The rule file's examples use it."""
    codes = vocab.APPROACHES.codes
    row = np.array([[float(in_band.get(c, 0.0)) for c in codes]])
    zero = np.zeros_like(row)
    exp = Exposure(pd.Index(["example"]), row, zero, zero, row.max(axis=1), np.zeros(1))
    econ = economics(exp, np.array([codes.index(current)]), np.array([codes.index(plan)]), a).iloc[0]
    payback = float(econ["payback_months"])
    return {"extra_cost": float(econ["extra_cost"]), "extra_benefit": float(econ["extra_benefit"]),
            "net": float(econ["net"]), "payback_months": None if math.isnan(payback) else payback}


def in_currency(a: Assumptions, reporting: str, rates: Mapping[str, float]) -> tuple[Assumptions, str | None]:
    """The assumptions with their costs in the reporting currency, and a sentence saying the conversion made (None
    when none was needed). ``rates``: units of the reporting currency per unit of each currency. InputError when no
    rate is known: costs are never taken as if they were in another currency."""
    if a.currency == reporting:
        return a, None
    rate = rates.get(a.currency)
    if not rate:
        raise InputError(f"The cost assumptions are in {a.currency} and the reporting currency is {reporting}, with "
                         f"no exchange rate for {a.currency}: add one on the Import page, or choose {reporting} as the "
                         "costs' currency in the assumptions and enter the costs in it.")
    body = a.as_dict()
    body["currency"] = reporting
    for field in ("cost_to_serve", "setup_cost"):
        body[field] = {k: v * rate for k, v in body[field].items()}
    try:
        converted = Assumptions.model_validate(body)
    except ValidationError as exc:
        raise InputError(f"The cost assumptions in {a.currency}, converted at {rate:g} {reporting} per {a.currency}, "
                         f"are not accepted in {reporting}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}. "
                         f"Lower the costs, or correct the exchange rate on the Import page.") from None
    return converted, f"Costs converted from {a.currency} at {rate:g} {reporting} per {a.currency}."
