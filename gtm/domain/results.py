"""Results over time (docs/domain.md section 4, "whether it works"): won value compared between two imports.

The deck's case counted incremental sales against a $3-4B target over 3 years, the time to the first deals (within 6
months) and the cross-BU deals closed (9 in the first year). Each import keeps the opportunities' outcomes and values
as records (an opportunity's state after an import is its latest record at or before it), so the same can be counted
between any two imports. Pure: records, imports and decisions in, frames and sentences out.

- *Won value* at an import: the amounts of the opportunities won in its state, in the reporting currency (each
  import keeps every account's won total per currency, converted when read).
- *Gained*: won value at the latest import minus won value at the baseline import (a deal won and then lost again
  takes its value back).
- *New wins*: deals won at the latest import that were not won at the baseline (or did not exist yet).
- *Cross-BU win*: an account where two or more BUs have a new win.
- *First deal*: an account's earliest new win, on its close date when the CRM gives one between the baseline and the
  import that first recorded it won, else on that import's date (and the table says which).
- *Pace*: the list's target spread evenly over its years, from the baseline import's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import numpy as np
import pandas as pd

from gtm.domain.fmt import count, money, share

Rule = Literal["list", "first", "date"]
BASELINE_RULES: tuple[Rule, ...] = ("list", "first", "date")
BASELINE_LABELS: dict[str, str] = {"list": "When the list was saved", "first": "The first import",
                                   "date": "A date"}
SIX_MONTHS = 183  # days: "began closing deals within 6 months"
YEAR_DAYS = 365.25
Group = Literal["moved", "not moved", "not known"]
GROUP_WORDS: dict[str, str] = {
    "moved": "moved: its latest decision chose the structure recommended to it",
    "not moved": "not moved: no decision yet, or another structure chosen",
    "not known": "not known: decided, but the recommendation is not known",
}
FROM_CLOSE, FROM_IMPORT = "close date", "import date"
ACCOUNT_COLUMNS = ["account_key", "won_before", "won_now", "won_gained", "new_wins", "bus_won", "cross_bu",
                   "first_deal_on", "first_deal_from", "days_to_first_deal"]


@dataclass(frozen=True)
class Baseline:
    """The import results are counted from: its id, its export's date (gains and the pace run from it), the rule that
    chose it and a sentence saying which import it is and why."""

    import_id: int
    on: date
    rule: Rule
    words: str


def _day(value: object) -> str:
    return pd.Timestamp(value).strftime("%-d %b %Y")  # type: ignore[arg-type]


def choose_baseline(imports: pd.DataFrame, rule: Rule, *, on: date | None = None,
                    list_saved: datetime | None = None, list_name: str = "") -> Baseline | None:
    """The baseline import of ``imports`` (import_id, as_of, recorded_at; in recorded order) by ``rule``: the import
    in force when the list was saved (``list_saved``), the first import, or the latest import whose export is dated
    on or before ``on``. Where none fits, the first import, and the sentence says so. None without imports."""
    if imports.empty:
        return None
    first = imports.iloc[0]

    def make(row: pd.Series, words: str) -> Baseline:
        return Baseline(int(row["import_id"]), pd.Timestamp(row["as_of"]).date(), rule, words)

    first_words = f"the first import, of the export of {_day(first['as_of'])}"
    if rule == "list" and list_saved is not None:
        stamps = pd.to_datetime(imports["recorded_at"], utc=True)
        moment = pd.Timestamp(list_saved)
        moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment
        before = imports[(stamps <= moment).to_numpy()]
        saved = f"{list_name or 'the list'} was saved on {_day(moment)}"
        if before.empty:
            return make(first, f"{first_words[0].upper()}{first_words[1:]}: no import was recorded before {saved}.")
        row = before.iloc[-1]
        return make(row, f"The import of the export of {_day(row['as_of'])}, in force when {saved}.")
    if rule == "date" and on is not None:
        dated = imports[pd.to_datetime(imports["as_of"]).dt.date.to_numpy() <= on]
        if dated.empty:
            return make(first, f"{first_words[0].upper()}{first_words[1:]}: no export is dated on or before "
                               f"{_day(on)}.")
        row = dated.iloc[-1]
        return make(row, f"The import of the export of {_day(row['as_of'])}, the latest dated on or before "
                         f"{_day(on)}.")
    return make(first, f"{first_words[0].upper()}{first_words[1:]}.")


# ---------------------------------------------------------------------------------------------- won value


def won_by_account(totals: pd.DataFrame) -> pd.Series:
    """Each account's won value, by account_key, from its totals per currency (``won`` in the reporting currency;
    NaN, no exchange rate, counts as nothing and is said apart)."""
    return totals.groupby("account_key")["won"].sum(min_count=1).fillna(0.0)


def _state(records: pd.DataFrame, import_id: int) -> pd.DataFrame:
    """Each opportunity's latest record at or before ``import_id`` (records sorted by opportunity, then import)."""
    upto = records[records["import_id"] <= import_id]
    return upto.drop_duplicates("opportunity_key", keep="last")


def new_wins(records: pd.DataFrame, base: int, latest: int) -> pd.DataFrame:
    """The deals won at import ``latest`` that were not won at ``base``: their record at ``latest`` (opportunity_key,
    account_key, bu_key, value, close_date ...) and ``first_won``, the first import after ``base`` that recorded them
    won."""
    r = records.sort_values(["opportunity_key", "import_id"], kind="stable")
    now = _state(r, latest)
    now = now[now["outcome"] == "won"]
    then = _state(r, base)
    was_won = set(then.loc[then["outcome"] == "won", "opportunity_key"].tolist())
    fresh = now[~now["opportunity_key"].isin(was_won)]
    seen = r[(r["import_id"] > base) & (r["import_id"] <= latest) & (r["outcome"] == "won")]
    first = seen.drop_duplicates("opportunity_key", keep="first").set_index("opportunity_key")["import_id"]
    return fresh.assign(first_won=fresh["opportunity_key"].map(first).astype("int64")).reset_index(drop=True)


def first_deals(wins: pd.DataFrame, as_of: pd.Series, base_on: date) -> pd.DataFrame:
    """Each new win's date and where it comes from: its close date when it falls after the baseline and no later
    than the import that first recorded it won, else that import's date (``as_of``: export date by import_id).
    Returns ``wins`` with won_on, won_from."""
    seen = pd.to_datetime(wins["first_won"].map(as_of))
    closed = pd.to_datetime(wins["close_date"], errors="coerce", format="ISO8601")
    usable = closed.notna() & (closed > pd.Timestamp(base_on)) & (closed <= seen)
    won_on = closed.where(usable, seen)
    return wins.assign(won_on=won_on.dt.date, won_from=np.where(usable, FROM_CLOSE, FROM_IMPORT))


def account_results(before: pd.Series, now: pd.Series, wins: pd.DataFrame, base_on: date,
                    accounts: pd.Index | None = None) -> pd.DataFrame:
    """One row per account (ACCOUNT_COLUMNS): won value at the baseline (``before``) and now (``now``, both by
    account_key), gained, new wins, BUs with a new win, cross-BU (two or more), the first deal's date, its source and
    days after the baseline. ``accounts``: the accounts to show (a list's, with zeros where nothing was won); None:
    those with any won value or new win. ``wins``: ``first_deals`` of ``new_wins``, with ``bu`` (None where no BU is
    known)."""
    keys = accounts if accounts is not None else before.index.union(now.index).union(pd.Index(wins["account_key"]))
    keys = pd.Index(keys, dtype="int64").unique()
    out = pd.DataFrame({"account_key": keys})
    out["won_before"] = before.reindex(keys, fill_value=0.0).to_numpy(dtype=float)
    out["won_now"] = now.reindex(keys, fill_value=0.0).to_numpy(dtype=float)
    out["won_gained"] = out["won_now"] - out["won_before"]
    by_account = wins.groupby("account_key")
    out["new_wins"] = by_account.size().reindex(keys, fill_value=0).to_numpy()
    out["bus_won"] = wins.dropna(subset=["bu"]).groupby("account_key")["bu"].nunique().reindex(
        keys, fill_value=0).to_numpy()
    out["cross_bu"] = out["bus_won"] >= 2
    firsts = wins.sort_values(["won_on", "opportunity_key"], kind="stable").drop_duplicates("account_key")
    firsts = firsts.set_index("account_key")
    out["first_deal_on"] = firsts["won_on"].reindex(keys).to_numpy()
    out["first_deal_from"] = firsts["won_from"].reindex(keys).to_numpy()
    days = (pd.to_datetime(out["first_deal_on"]) - pd.Timestamp(base_on)).dt.days
    out["days_to_first_deal"] = days.astype("Int64")
    return out[ACCOUNT_COLUMNS]


def pace(target_value: float | None, target_years: int | None, base_on: date, day: date) -> float | None:
    """What the target asks to be won between ``base_on`` and ``day``: the target spread evenly over its years
    (None without a target)."""
    if target_value is None or not target_years:
        return None
    return float(target_value) * max((day - base_on).days, 0) / (float(target_years) * YEAR_DAYS)


# ---------------------------------------------------------------------------------------------- moved or not


def moved(decisions: pd.DataFrame, recommended: pd.Series | None, accounts: pd.Index) -> pd.Series:
    """Whether each account of ``accounts`` (CRM ids) moved to its recommended structure: its latest decision
    (``decisions``: account_id, approach, recommended_approach, newest first) chose the structure recommended to it,
    as recorded with the decision, else as recommended today (``recommended``, by account id). "not moved": no
    decision, or another structure; "not known": decided, but no recommendation is known."""
    latest = decisions.drop_duplicates("account_id", keep="first").set_index("account_id") \
        if len(decisions) else pd.DataFrame(columns=["approach", "recommended_approach"])
    chosen = latest["approach"].reindex(accounts)
    told = latest["recommended_approach"].reindex(accounts).astype(object)
    if recommended is not None:
        told = told.where(told.notna(), recommended.astype(object).reindex(accounts))
    out = np.where(chosen.isna(), "not moved", np.where(told.isna(), "not known",
                                                        np.where(chosen == told, "moved", "not moved")))
    return pd.Series(out, index=accounts, dtype=object)


# ---------------------------------------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Summary:
    """The Results page's figures, the slide's and the sentences that say them."""

    accounts: int  # in scope
    gained: float
    won_before: float
    won_now: float
    pace: float | None  # what the target asks by the latest import; None: no target
    target_value: float | None
    target_years: int | None
    cross_bu: int  # accounts with new wins in two or more BUs
    new_wins: int
    with_deal: int  # accounts with a first deal
    within_six_months: int
    median_days: float | None
    gained_by_group: dict[str, float] = field(default_factory=dict)  # moved / not moved / not known
    accounts_by_group: dict[str, int] = field(default_factory=dict)
    days: int = 0  # from the baseline import to the latest
    unconverted: int = 0  # records in a currency without a rate: left out
    wins_without_bu: int = 0

    @property
    def pace_share(self) -> float | None:
        """Gained as a share of the pace (None without a target or time)."""
        return self.gained / self.pace if self.pace else None

    def group_share(self, group: str) -> float | None:
        """The share of the gains won at accounts of ``group`` (None when nothing was gained)."""
        return self.gained_by_group.get(group, 0.0) / self.gained if self.gained > 0 else None


def summarise(table: pd.DataFrame, *, target_value: float | None, target_years: int | None, base_on: date,
              latest_on: date, groups: pd.Series | None = None, unconverted: int = 0,
              wins_without_bu: int = 0, accounts: int | None = None,
              group_counts: pd.Series | None = None) -> Summary:
    """The figures of ``account_results`` (with ``group`` per row when ``groups`` is given, by account_key);
    ``accounts``: how many are in scope (default: the table's rows); ``group_counts``: how many of them moved or
    not (default: counted on the table's rows)."""
    days = table["days_to_first_deal"].dropna().astype(int)
    by_group: dict[str, float] = {}
    counts: dict[str, int] = {}
    if groups is not None:
        grouped = table.assign(group=table["account_key"].map(groups))
        by_group = {str(k): float(v) for k, v in grouped.groupby("group")["won_gained"].sum().items()}
        counted = grouped["group"].value_counts() if group_counts is None else group_counts
        counts = {str(k): int(v) for k, v in counted.items()}
    return Summary(
        accounts=len(table) if accounts is None else accounts, gained=float(table["won_gained"].sum()), won_before=float(table["won_before"].sum()),
        won_now=float(table["won_now"].sum()), pace=pace(target_value, target_years, base_on, latest_on),
        target_value=target_value, target_years=target_years, cross_bu=int(table["cross_bu"].sum()),
        new_wins=int(table["new_wins"].sum()), with_deal=int(len(days)),
        within_six_months=int((days <= SIX_MONTHS).sum()), median_days=float(days.median()) if len(days) else None,
        gained_by_group=by_group, accounts_by_group=counts, days=max((latest_on - base_on).days, 0),
        unconverted=unconverted, wins_without_bu=wins_without_bu)


def sentences(s: Summary, currency: str) -> list[str]:
    """The figures in words, one sentence each: gained against the pace, cross-BU wins, first deals, moved or not."""
    out = [f"{money(s.gained, currency)} of won value gained in {count(s.days, 'day')} at "
           f"{count(s.accounts, 'account')} ({money(s.won_before, currency)} won at the baseline, "
           f"{money(s.won_now, currency)} now)."]
    if s.pace is None:
        out.append("No target is set for these accounts, so there is no pace to compare with: set one on the "
                   "focus list (Key accounts page; the deck's case aimed at $3-4B over 3 years).")
    elif s.pace > 0:
        out.append(f"The target of {money(s.target_value or 0, currency)} over {count(s.target_years or 0, 'year')} "
                   f"asks for {money(s.pace, currency)} by now: {share(s.gained / s.pace)} of its pace.")
    else:
        out.append("The latest import is dated on the baseline's day: no time has passed to measure a pace.")
    out.append(f"{count(s.cross_bu, 'account')} won new deals in two or more BUs (cross-BU wins); "
               f"{count(s.new_wins, 'new win')} in all.")
    if s.with_deal:
        out.append(f"{count(s.with_deal, 'account')} closed a first deal since the baseline, "
                   f"{s.within_six_months:,} of them within 6 months; median {count(s.median_days or 0, 'day')} "
                   "to the first deal.")
    else:
        out.append("No account has closed a new deal since the baseline yet.")
    if s.gained > 0 and s.gained_by_group and not s.accounts_by_group.get("moved"):
        out.append("No account has moved to its recommended structure yet (no latest decision chose it), so every "
                   "gain was won at accounts that did not.")
    elif s.gained > 0 and s.gained_by_group:
        moved_share = s.group_share("moved")
        out.append(f"{share(moved_share or 0)} of the gains were won at the "
                   f"{count(s.accounts_by_group.get('moved', 0), 'account')} that moved to their recommended "
                   f"structure, {share(s.group_share('not moved') or 0)} at the "
                   f"{count(s.accounts_by_group.get('not moved', 0), 'account')} that did not"
                   + (f" and {share(s.group_share('not known') or 0)} where it is not known"
                      if s.accounts_by_group.get("not known") else "") + ".")
    if s.unconverted:
        out.append(f"{count(s.unconverted, 'won amount')} in a currency without an exchange rate "
                   f"{'is' if s.unconverted == 1 else 'are'} left out: add the rate on the Import page.")
    if s.wins_without_bu:
        out.append(f"{count(s.wins_without_bu, 'new win')} without a BU (neither the file nor the product family "
                   "mapping names one) count in the value, not in the cross-BU wins.")
    return out

