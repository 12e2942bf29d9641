"""Two designs compared side by side, and a design's tables and workbooks as the pages and exports show them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gtm import display
from gtm.domain import economics as econ
from gtm.domain import vocabulary as vocab
from gtm.domain.fmt import count, plural
from gtm.export import tables
from gtm.services.design_assumptions import playbook
from gtm.services.design_economics import Design

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


structure_label = display.structure_label  # a structure's label (gtm.display, where every label lives)


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
    out["payback"] = [display.payback(m, bool(mv), d.assumptions.horizon_years)
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
