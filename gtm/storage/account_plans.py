"""Storage of account plans: each save of an account's plan is a new row with the next version number; nothing is
updated or deleted. Writes run inside the caller's transaction (``Store.write``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, text

from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import Account, AccountPlan, utcnow

_LOCK_CLASS_ACCOUNT_PLANS = 0x67746D41  # a transaction-level PostgreSQL advisory lock per account (class, row id)
_IN_CHUNK = 10_000
VERSION_COLUMNS = ["account_id", "account_name", "version", "body", "note", "created_by", "created_by_id",
                   "created_role", "created_at"]


def _select() -> Any:
    return (select(Account.external_id, Account.name, AccountPlan.version, AccountPlan.body, AccountPlan.note,
                   AccountPlan.created_by, AccountPlan.created_by_id, AccountPlan.created_role,
                   AccountPlan.created_at).join(Account, Account.id == AccountPlan.account_id))


def _versions(rows: Sequence[Any]) -> pd.DataFrame:
    frame = pd.DataFrame([tuple(r) for r in rows], columns=VERSION_COLUMNS)
    return frame.astype({"version": int}) if len(frame) else frame


class AccountPlans(StoreBase):
    """Each account's plan, in versions."""

    @staticmethod
    def latest_account_plan_version(tx: Transaction, account_key: int) -> int:
        """The account's latest plan version (0: none yet), after taking the turn of its plan's writers."""
        if tx.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE already serialises every writer
            tx.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"),
                       {"c": _LOCK_CLASS_ACCOUNT_PLANS, "k": account_key})
        return int(tx.execute(select(func.max(AccountPlan.version)).where(AccountPlan.account_id == account_key))
                   .scalar() or 0)

    def insert_account_plan(self, tx: Transaction, *, account_key: int, version: int, body: dict[str, Any],
                            note: str, created_by: str, created_by_id: str | None, created_role: str | None) -> None:
        """Store ``body`` as version ``version`` of the account's plan."""
        tx.execute(insert(AccountPlan).values(account_id=account_key, version=version, body=body, note=note,
                                              created_by=created_by, created_by_id=created_by_id,
                                              created_role=created_role, created_at=utcnow()))
        self.bump(tx, portfolio=False)

    def account_plan_versions(self, account_id: str) -> pd.DataFrame:
        """Every saved version of one account's plan, newest first (VERSION_COLUMNS)."""
        with self.engine.connect() as conn:
            rows = conn.execute(_select().where(Account.external_id == account_id)
                                .order_by(AccountPlan.version.desc())).all()
        return _versions(rows)

    def latest_account_plans(self, account_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """The latest version of each account's plan (of these accounts, or of every account with one), by account
        id (VERSION_COLUMNS)."""
        newest = (select(AccountPlan.account_id, func.max(AccountPlan.version).label("version"))
                  .group_by(AccountPlan.account_id).subquery())
        stmt = _select().join(newest, (newest.c.account_id == AccountPlan.account_id)
                              & (newest.c.version == AccountPlan.version))
        rows: list[Any] = []
        with self.engine.connect() as conn:
            if account_ids is None:
                rows = list(conn.execute(stmt.order_by(Account.external_id)).all())
            else:
                ids = list(dict.fromkeys(str(a) for a in account_ids))
                for start in range(0, len(ids), _IN_CHUNK):
                    rows += conn.execute(stmt.where(Account.external_id.in_(ids[start:start + _IN_CHUNK]))).all()
        return _versions(rows)
