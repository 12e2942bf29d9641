"""Use cases of a CRM import: plan it against what is stored, then write all of it (or its valid rows) at once."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from gtm.domain.permissions import Action, Actor, require
from gtm.ingest import columns as colmap
from gtm.ingest import plan as ingest
from gtm.ingest.limits import Limits
from gtm.ingest.plan import ImportPlan, ImportResult
from gtm.services import audit
from gtm.services.currency import rates, reporting_currency
from gtm.storage.repository import Progress, Store, Transaction

KINDS = ingest.KINDS
__all__ = ["KINDS", "ImportPlan", "ImportResult", "commit_import", "plan_import"]


def plan_import(
    store: Store, kind: str, source: str | Path | bytes, *, name: str | None = None,
    mapping: colmap.Mapping | Mapping[str, str] | None = None, max_bytes: int | None = None,
    currency: str | None = None, limits: Limits | None = None,
) -> ImportPlan:
    """Read, map and validate a file against the stored accounts, BUs, ids and exchange rates; nothing is written.

    ``currency`` is the file's currency where its amounts name none (default: the reporting currency); ``limits``
    bound the read (default: ``Limits.upload()``; the command line passes ``Limits.command_line()``).
    """
    return ingest.plan_import(
        kind, source, known_accounts=store.accounts()[["account_id", "name"]],
        business_units=store.business_units(),
        stored_ids=store.stored_ids(kind) if kind in ingest.KINDS else (),
        name=name, mapping=mapping, max_bytes=max_bytes, currency=currency, limits=limits,
        reporting_currency=reporting_currency(store), rated_currencies=set(rates(store)),
    )


def commit_import(
    store: Store, plan: ImportPlan, actor: Actor, *, skip_invalid: bool = False, progress: Progress | None = None,
    tx: Transaction | None = None,
) -> ImportResult:
    """Write the plan in one transaction (the caller's when ``tx`` is given): all rows, or the valid ones only."""
    require(actor, Action.IMPORT_DATA)
    ingest.check_committable(plan, skip_invalid=skip_invalid)
    if tx is None:
        with store.transaction() as own:
            return commit_import(store, plan, actor, skip_invalid=skip_invalid, progress=progress, tx=own)
    rows = plan.valid
    keep = ingest.kept_columns(plan)
    added_bus = kept_owners = 0
    if plan.kind == "accounts":
        if "owner" not in keep and not actor.can(Action.REASSIGN_ACCOUNTS):
            rows, kept_owners = _keep_owners(store, tx, rows)
        store.upsert_accounts(tx, rows, keep, progress)
    else:
        added_bus = store.upsert_opportunities(tx, rows, keep, progress)
    result = ImportResult(plan.kind, len(rows) - plan.existing, plan.existing, len(plan.rejected_rows), added_bus,
                          kept_owners)
    audit.log(store, tx, actor, f"import.{plan.kind}", plan.source_name, added=result.added, updated=result.updated,
              rejected=result.rejected, skip_invalid=skip_invalid, new_bus=added_bus, owners_kept=kept_owners)
    return result


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
