"""Use cases of results over time: won value gained between a baseline import and the latest one, for a list's
accounts (the focus list by default), against the list's target; the read every page, the hand-out and
``gtm export results`` share."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from gtm.domain import currency as money_codes
from gtm.domain import results as rules
from gtm.domain.diagnose import assign_bus
from gtm.domain.errors import InputError
from gtm.domain.fmt import count
from gtm.services import lists
from gtm.services.currency import rates, reporting_currency
from gtm.services.diagnosis import active_mappings
from gtm.storage.repository import Store

EXPORT_COLUMNS = ["account_id", "account_name", "won_before", "won_now", "won_gained"]
EVERY_ACCOUNT = "every account"


@dataclass(frozen=True)
class Scope:
    """Whose results: a saved list's accounts (its latest version, saved when, its target) or every account."""

    list_name: str | None
    account_ids: list[str] | None  # None: every account
    saved_at: datetime | None = None
    target_value: float | None = None
    target_years: int | None = None
    version: int | None = None

    @property
    def words(self) -> str:
        """Which accounts, in words."""
        if self.list_name is None:
            return "every account"
        return f"the {count(len(self.account_ids or []), 'account')} of {self.list_name} v{self.version}"


def scope(store: Store, list_name: str | None = None, *, every_account: bool = False) -> Scope:
    """The list ``list_name`` (its latest version), else the latest focus list, else every account. An unknown name
    is an InputError naming the lists there are."""
    if every_account:
        return Scope(None, None)
    found = lists.latest_list(store, list_name) if list_name is not None else lists.latest_list(store, stage="focus")
    if found is None:
        if list_name is None:
            return Scope(None, None)
        names = [str(n) for n in lists.list_names(store)["name"]]
        known = ", ".join(repr(n) for n in names[:10]) if names else "none is saved yet"
        raise InputError(f"No account list named {list_name!r} in workspace {store.workspace!r} (the lists: {known}).")

    def number(value: Any) -> float | None:
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)

    years = number(found.get("target_years"))
    return Scope(str(found["name"]), lists.members(store, int(found["list_id"])), found.get("created_at"),
                 number(found.get("target_value")), None if years is None else int(years), int(found["version"]))


@dataclass(frozen=True)
class Results:
    """What the Results page, the slide and the export show (see gtm.domain.results for each figure)."""

    scope: Scope
    currency: str
    imports: pd.DataFrame  # every recorded import: import_id, as_of, source, rows, changes, recorded_by, recorded_at
    baseline: rules.Baseline | None = None
    latest_id: int | None = None
    latest_on: date | None = None
    # One row per account: account_id, account_name, won_before, won_now, won_gained, new_wins, bus_won, cross_bu,
    # first_deal_on, first_deal_from, days_to_first_deal, group (moved / not moved / not known); largest gain first.
    accounts: pd.DataFrame = field(default_factory=pd.DataFrame)
    # One row per import from the baseline on: import_id, as_of, won, gained, pace (NaN without a target).
    series: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: rules.Summary | None = None

    @property
    def waiting_for(self) -> str | None:
        """Why there is nothing to compare yet, in a sentence (None: there is)."""
        if self.imports.empty:
            return ("No import of opportunities is recorded yet: results compare the won value of two imports of "
                    "your CRM export. Import one on the Import page, then a later one (a quarter on, say).")
        if self.latest_id == (self.baseline.import_id if self.baseline else None):
            return ("Only the baseline import so far: import a later CRM export (with the deals won since) on the "
                    "Import page, and the gains show here.")
        return None

    def sentences(self) -> list[str]:
        """The figures in words (gtm.domain.results.sentences); what is waited for when there are none."""
        if self.summary is None or self.waiting_for:
            return [self.waiting_for or ""]
        return rules.sentences(self.summary, self.currency)


def programme_results(store: Store, list_name: str | None = None, *, every_account: bool = False,
                      rule: rules.Rule | None = None, since: date | None = None,
                      recommended: pd.Series | None = None) -> Results:
    """Won value gained since a baseline at the accounts of ``list_name`` (default: the latest focus list, else every
    account), against its target. The baseline: ``since`` (the latest import dated on or before it), else ``rule``
    (default: when the list was saved, else the first import). ``recommended``: today's recommended structure by
    account id, for decisions recorded without the recommendation (gtm.domain.results.moved)."""
    sc = scope(store, list_name, every_account=every_account)
    currency = reporting_currency(store)
    imports = store.imports()
    if imports.empty:
        return Results(sc, currency, imports)
    chosen: rules.Rule = "date" if since is not None else rule or ("list" if sc.list_name else "first")
    base = rules.choose_baseline(imports, chosen, on=since, list_saved=sc.saved_at,
                                 list_name=f"{sc.list_name} v{sc.version}" if sc.list_name else "")
    assert base is not None
    latest = imports.iloc[-1]
    latest_id, latest_on = int(latest["import_id"]), pd.Timestamp(latest["as_of"]).date()
    keys = store.accounts_by_key()
    in_scope = keys if sc.account_ids is None else keys[keys["account_id"].isin(sc.account_ids)]
    wanted = None if sc.account_ids is None else in_scope["account_key"].tolist()
    rated = rates(store)

    def converted(values: pd.Series, currencies: pd.Series) -> pd.Series:
        """In the reporting currency (NaN without a rate): each distinct currency converted once."""
        codes, uniques = pd.factorize(currencies.astype(object), use_na_sentinel=True)
        factors = money_codes.convert(pd.Series(1.0, index=range(len(uniques) + 1)),
                                      pd.Series([*uniques, None], dtype=object), currency, rated).values.to_numpy()
        return pd.Series(values.to_numpy(dtype=float) * factors[np.where(codes < 0, len(uniques), codes)],
                         index=values.index)

    totals = store.won_totals(base.import_id, latest_id, wanted)
    before_values, now_values = converted(totals["before"], totals["currency"]), converted(totals["now"],
                                                                                         totals["currency"])
    unconverted = int(totals.loc[now_values.isna() & totals["now"].notna(), "deals"].sum())
    before = rules.won_by_account(pd.DataFrame({"account_key": totals["account_key"], "won": before_values}))
    now = rules.won_by_account(pd.DataFrame({"account_key": totals["account_key"], "won": now_values}))
    records = store.new_win_records(base.import_id, latest_id, wanted)
    records = records.assign(value=converted(records["value"], records["currency"]).to_numpy())
    wins = rules.new_wins(records, base.import_id, latest_id)
    if wanted is not None:
        wins = wins[wins["account_key"].isin(set(wanted))]
    wins = rules.first_deals(_with_bus(store, wins), imports.set_index("import_id")["as_of"], base.on)
    table = rules.account_results(before, now, wins, base.on,
                                  accounts=pd.Index(in_scope["account_key"]) if wanted is not None else None)
    names = keys.set_index("account_key")
    table.insert(0, "account_id", table["account_key"].map(names["account_id"]))
    table.insert(1, "account_name", table["account_key"].map(names["account_name"]))
    decisions = store.decisions()[["account_id", "approach", "recommended_approach"]]
    groups = rules.moved(decisions, recommended, pd.Index(in_scope["account_id"]))  # every account in scope
    table["group"] = groups.reindex(table["account_id"]).to_numpy()
    summary = rules.summarise(table, target_value=sc.target_value, target_years=sc.target_years, base_on=base.on,
                              latest_on=latest_on, groups=table.set_index("account_key")["group"],
                              unconverted=unconverted, wins_without_bu=int(wins["bu"].isna().sum()),
                              accounts=len(in_scope), group_counts=groups.value_counts())
    table = table.sort_values(["won_gained", "won_now", "account_id"], ascending=[False, False, True],
                              kind="stable").drop(columns="account_key").reset_index(drop=True)
    series = store.won_series(base.import_id, wanted)
    series = series.assign(won=converted(series["won"], series["currency"]).to_numpy())
    return Results(sc, currency, imports, base, latest_id, latest_on, table, _series(imports, series, base, sc),
                   summary)


def _with_bus(store: Store, wins: pd.DataFrame) -> pd.DataFrame:
    """``wins`` with ``bu``: the BU the file named, else the one its product family maps to (as the pages read BUs);
    None where neither says."""
    bus = store.business_units_by_key()
    named = wins["bu_key"].map(bus.set_index("bu_key")["bu"]) if len(bus) else pd.Series(None, index=wins.index)
    out = wins.assign(bu=named.astype(object).where(named.notna(), None))
    lacking = out["bu"].isna()
    if lacking.any():
        family = store.opportunity_families(out.loc[lacking, "opportunity_key"].tolist())
        frame = out.loc[lacking, ["opportunity_key", "bu"]].merge(family, on="opportunity_key", how="left")
        mapped = assign_bus(frame, active_mappings(store), bus.rename(columns={"bu": "bu_id", "bu_name": "name"}))
        out.loc[lacking, "bu"] = mapped["bu"].astype(object).where(mapped["bu"].notna(), None).to_numpy()
    return out


def _series(imports: pd.DataFrame, totals: pd.DataFrame, base: rules.Baseline, sc: Scope) -> pd.DataFrame:
    """Won value after each import from the baseline on (``totals``: import_id, won converted), the gain since the
    baseline and the target's pace."""
    after = imports[imports["import_id"].astype(int) >= base.import_id]
    frame = pd.DataFrame({"import_id": after["import_id"].astype(int).to_numpy(),
                          "as_of": pd.to_datetime(after["as_of"]).dt.date.to_numpy()})
    won = totals.groupby("import_id")["won"].sum() if len(totals) else pd.Series(dtype=float)
    frame["won"] = won.reindex(frame["import_id"], fill_value=0.0).to_numpy(dtype=float)
    frame["gained"] = frame["won"] - float(frame["won"].iloc[0]) if len(frame) else frame["won"]
    frame["pace"] = [rules.pace(sc.target_value, sc.target_years, base.on, d) for d in frame["as_of"]]
    frame["pace"] = frame["pace"].astype(float)
    return frame


def export_frame(results: Results) -> pd.DataFrame:
    """The export: account_id, account_name, won_before, won_now, won_gained (reporting currency), largest gain
    first; empty, with these columns, when there is nothing to compare."""
    if results.accounts.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    return results.accounts[EXPORT_COLUMNS].copy()


def parse_since(text: str | None) -> date | None:
    """A baseline date as YYYY-MM-DD (None: none); InputError naming the value and what is accepted."""
    if text is None or not str(text).strip():
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError(f"--since {text!r} is not a date; accepted: a date as YYYY-MM-DD, e.g. 2026-09-01.") \
            from None
