"""Use cases of a CRM import: plan it against what is stored, then write all of it (or its valid rows) at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtm.domain import portfolio
from gtm.domain.errors import InputError, Problem
from gtm.domain.permissions import Action, Actor, require
from gtm.domain.vocabulary import normalise
from gtm.ingest import columns as colmap
from gtm.ingest import plan as ingest
from gtm.ingest.columns import Kind as Kind  # what a file holds: the Import page names it through this service
from gtm.ingest.limits import Limits
from gtm.ingest.plan import ImportPlan
from gtm.ingest.plan import ImportResult as ImportResult  # the Import page names it through this service
from gtm.services import audit
from gtm.services.currency import rates, reporting_currency
from gtm.services.diagnosis import diagnosed_with_problems
from gtm.storage.repository import Progress, Store, Transaction

KINDS = ingest.KINDS

# What the Import and Exports pages use of the file formats, through this service: pages never import gtm.ingest
# (the import-linter contract "pages reach storage and ingest only through services").
ColumnMapping = colmap.Mapping
field_specs = colmap.fields
template_csv = colmap.template_csv
rejects_file_name = ingest.rejects_file_name


def upload_limits() -> Limits:
    """The limits of a file uploaded in the browser (GTM_UPLOAD_MAX_*)."""
    return Limits.upload()
__all__ = ["KINDS", "ImportPlan", "ImportResult", "Kind", "commit_import", "plan_import"]


def plan_import(
    store: Store, kind: str, source: str | Path | bytes, *, name: str | None = None,
    mapping: colmap.Mapping | Mapping[str, str] | None = None, max_bytes: int | None = None,
    currency: str | None = None, limits: Limits | None = None, stored: pd.DataFrame | None = None,
) -> ImportPlan:
    """Read, map and validate a file against the stored accounts, BUs, ids and exchange rates; nothing is written.

    ``currency`` is the file's currency where its amounts name none (default: the reporting currency); ``limits``
    bound the read (default: ``Limits.upload()``; the command line passes ``Limits.command_line()``). An opportunities
    plan also says what the import will diagnose (``plan.diagnosis``, one sentence in its notes, the preview's natures):
    counted on the stored opportunities with the file's valid rows applied, through the same diagnosis every page
    reads, so the preview's count is the import's. ``stored``: ``store.opportunities()`` when already at hand.
    """
    plan = ingest.plan_import(
        kind, source, known_accounts=store.accounts()[["account_id", "name"]],
        business_units=store.business_units(),
        stored_ids=store.stored_ids(kind) if kind in ingest.KINDS else (),
        name=name, mapping=mapping, max_bytes=max_bytes, currency=currency, limits=limits,
        reporting_currency=reporting_currency(store), rated_currencies=set(rates(store)),
    )
    if plan.kind == "opportunities" and not plan.file_problems:
        _count_diagnosis(store, plan, store.opportunities() if stored is None else stored)
    return plan


def _count_diagnosis(store: Store, plan: ImportPlan, stored: pd.DataFrame) -> None:
    """Set ``plan.diagnosis``, its sentence and the preview's natures from the portfolio as the import will leave it."""
    after = after_import(store, plan, stored)
    diagnosed, _set_aside = diagnosed_with_problems(store, stored=after)
    rows = plan.valid
    mine = diagnosed[_among(diagnosed["opportunity_id"], rows["external_id"])].set_index("opportunity_id")
    outcome = rows["outcome"].astype(object)
    counts = ingest.DiagnosisCounts(
        diagnosed=int(mine["nature"].notna().sum()), undiagnosed=int(mine["nature"].isna().sum()),
        rejected=len(plan.rejected_rows), open=int((outcome == "open").sum()), won=int((outcome == "won").sum()),
        lost=int((outcome == "lost").sum()))
    plan.diagnosis = counts
    plan.notes.append(counts.sentence())
    # Each row of the file found once among the diagnosed ones (-1: rejected, not imported).
    at = mine.index.get_indexer(pd.Index(plan.records["external_id"].where(plan.records.index.isin(rows.index))))
    plan.records["preview_nature"] = pd.Series(_take(mine["nature"], at), index=plan.records.index, dtype=object)
    plan.records["preview_rule"] = pd.Series(_take(portfolio.nature_found(mine), at, "rejected: not imported"),
                                             index=plan.records.index, dtype=object)


# The stored columns an import leaves as they are when the file lacks their field (ingest.kept_columns), as the
# columns of ``Store.opportunities()``.
_KEPT_AS = {"bu_id": ("bu", "bu_name")}
_FROM_FILE = ("name", "nature", "nature_source", "diagnosis_rule", "value", "currency", "probability", "stage",
              "outcome", "close_date", "type", "owner", "product_family", "signals", "attributes")


def after_import(store: Store, plan: ImportPlan, stored: pd.DataFrame) -> pd.DataFrame:
    """``stored`` (as ``Store.opportunities()``) as committing ``plan``'s valid rows would leave it: new rows added,
    stored ones updated by id except the columns the file does not give, BUs found by id or name (or new)."""
    rows = plan.valid
    keep = ingest.kept_columns(plan)
    accounts = store.accounts()
    account = rows["account_external_id"]
    # Each row's account looked up once, its columns taken by position (a map per column costs a look-up each).
    at = pd.Index(accounts["account_id"]).get_indexer(pd.Index(account))

    def of_account(column: str) -> np.ndarray:
        return _take(accounts[column], at)

    bu, bu_name = _business_units_after(store.business_units(), rows["bu"])
    new = pd.DataFrame({
        "opportunity_id": rows["external_id"], "account_id": account, "account_name": of_account("name"),
        "bu": bu, "bu_name": bu_name, **{c: rows[c] for c in _FROM_FILE},
        "approach": of_account("current_approach"), "industry": of_account("industry"), "region": of_account("region"),
    }).reset_index(drop=True)
    known = _among(new["opportunity_id"], stored["opportunity_id"])
    if known.any():
        where = pd.Index(stored["opportunity_id"]).get_indexer(pd.Index(new.loc[known, "opportunity_id"]))
        for column in keep:
            for target in _KEPT_AS.get(column, (column,)):
                if target in stored:
                    new[target] = new[target].astype(object)
                    new.loc[known, target] = stored[target].astype(object).to_numpy()[where]
    others = stored[~_among(stored["opportunity_id"], new["opportunity_id"])]
    return pd.concat([others, new[list(stored.columns)]], ignore_index=True) if len(others) else \
        new[list(stored.columns)]


def _take(values: pd.Series, at: np.ndarray, missing: object = None) -> np.ndarray:
    """``values`` at the positions ``at``, as objects; ``missing`` where a position is -1 (not found)."""
    table = np.empty(len(values) + 1, dtype=object)
    table[:-1] = values.astype(object).to_numpy()
    table[-1] = missing
    return np.asarray(table[at])


def _among(ids: pd.Series, others: pd.Series) -> np.ndarray:
    """Which of ``ids`` are among ``others``: Arrow's is_in (pandas' isin of Arrow strings builds Python lists, seconds
    at a million rows)."""
    if not len(ids) or not len(others):
        return np.zeros(len(ids), dtype=bool)
    wanted = pa.array(ids.astype("str"), type=pa.large_string(), from_pandas=True)
    value_set = pa.array(others.astype("str").dropna(), type=pa.large_string(), from_pandas=True)
    return np.asarray(pc.is_in(wanted, value_set=value_set).to_numpy(zero_copy_only=False), dtype=bool)


def _business_units_after(business_units: pd.DataFrame, named: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The BU id and name each file row's BU will have once imported: the stored BU of that id or name (folded),
    else a new BU named as the file first writes it (as ``Store.upsert_opportunities`` creates them)."""
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for bu_id, bu_name in zip(business_units["bu_id"], business_units["name"], strict=True):
        ids[normalise(bu_id)] = bu_id
        names[bu_id] = bu_name
    for bu_id, bu_name in zip(business_units["bu_id"], business_units["name"], strict=True):
        ids.setdefault(normalise(bu_name), bu_id)
    new = {normalise(b): b for b in pd.unique(named.dropna()) if normalise(b) not in ids}
    ids.update(new)
    names.update({b: b for b in new.values()})
    codes, uniques = pd.factorize(named, use_na_sentinel=True)
    found = [ids[normalise(u)] for u in uniques]
    bu = pd.Series(np.array([*found, None], dtype=object)[codes], index=named.index, dtype=object)
    return bu, bu.map(names)


def commit_import(
    store: Store, plan: ImportPlan, actor: Actor, *, skip_invalid: bool = False, progress: Progress | None = None,
    tx: Transaction | None = None, as_of: date | None = None,
) -> ImportResult:
    """Write the plan in one transaction (the caller's when ``tx`` is given): all rows, or the valid ones only.

    An import of opportunities is dated ``as_of``, the day of the CRM export it reads (default: today), and keeps
    each opportunity's outcome and value as it leaves them (gtm.storage.results), so that won value can be compared
    between any two imports. The date is refused when it is in the future or before the latest import's."""
    require(actor, Action.IMPORT_DATA)
    ingest.check_committable(plan, skip_invalid=skip_invalid)
    day = export_date(as_of)
    if tx is None:
        with store.transaction() as own:
            return commit_import(store, plan, actor, skip_invalid=skip_invalid, progress=progress, tx=own, as_of=day)
    rows = plan.valid
    keep = ingest.kept_columns(plan)
    added_bus = kept_owners = 0
    if plan.kind == "accounts":
        if "owner" not in keep and not actor.can(Action.REASSIGN_ACCOUNTS):
            rows, kept_owners = _keep_owners(store, tx, rows)
        store.upsert_accounts(tx, rows, keep, progress)
    else:
        _check_after_latest(store, tx, day)
        added_bus = store.upsert_opportunities(tx, rows, keep, progress)
        store.record_import(tx, as_of=day, source=plan.source_name, rows=len(rows),
                            recorded_by=actor.name.strip())
    result = ImportResult(plan.kind, len(rows) - plan.existing, plan.existing, len(plan.rejected_rows), added_bus,
                          kept_owners)
    audit.log(store, tx, actor, f"import.{plan.kind}", plan.source_name, added=result.added, updated=result.updated,
              rejected=result.rejected, skip_invalid=skip_invalid, new_bus=added_bus, owners_kept=kept_owners,
              **({"as_of": day.isoformat()} if plan.kind == "opportunities" else {}))
    return result


EXPORT_DATE_ACCEPTED = "accepted: the day the CRM export was taken, as YYYY-MM-DD, not after today"


def export_date(value: date | datetime | str | None) -> date:
    """The date of a CRM export as a person gives it (a date, or YYYY-MM-DD text; None: today); InputError otherwise,
    naming the value and what is accepted."""
    today = date.today()
    if value is None:
        return today
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"The export's date {value!r} is not a date; {EXPORT_DATE_ACCEPTED}.",
                             [Problem(None, "export date", value, EXPORT_DATE_ACCEPTED)]) from None
    if not isinstance(value, date):
        raise InputError(f"The export's date {value!r} is not a date; {EXPORT_DATE_ACCEPTED}.",
                         [Problem(None, "export date", str(value), EXPORT_DATE_ACCEPTED)])
    if value > today:
        raise InputError(f"The export's date {value.isoformat()} is after today ({today.isoformat()}); "
                         f"{EXPORT_DATE_ACCEPTED}. Nothing was imported.",
                         [Problem(None, "export date", value.isoformat(), EXPORT_DATE_ACCEPTED)])
    return value


def _check_after_latest(store: Store, tx: Transaction, day: date) -> None:
    """Imports are compared in the order they are recorded: an export older than the latest one recorded would turn
    results back in time, so it is refused (nothing is written)."""
    latest = store.latest_import_as_of(tx)
    if latest is not None and day < latest:
        accepted = f"accepted: {latest.isoformat()} (the latest import's export date) or later, up to today"
        raise InputError(f"The export's date {day.isoformat()} is before the latest import's ({latest.isoformat()}): "
                         f"results compare imports in the order they are recorded, so an older export would turn them "
                         f"back in time. Nothing was imported; {accepted}.",
                         [Problem(None, "export date", day.isoformat(), accepted)])


def _keep_owners(store: Store, tx: Transaction, rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``rows`` with the stored owner of every stored account whose owner the file changes, and how many those are.

    Ownership decides who may record a decision, so an importer who may not reassign accounts cannot move one to
    another owner (or to themselves) by editing a CSV; new accounts take the file's owner."""
    stored = store.account_owners(tx)
    exists = rows["external_id"].isin(stored.index)
    before = rows["external_id"].map(stored)

    def folded(owners: pd.Series) -> pd.Series:
        return owners.astype("string").fillna("").str.strip().str.casefold()

    changed = exists & (folded(rows["owner"]) != folded(before))
    if not changed.any():
        return rows, 0
    out = rows.copy()
    out["owner"] = out["owner"].astype(object).where(~changed, before.astype(object))
    return out, int(changed.sum())
