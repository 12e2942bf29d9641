"""Engagement plans in versions: each save of a named plan is a new row with the next version number; nothing is
updated or deleted. The only SQLAlchemy user for plans; it hands out plain values and DataFrames."""

from __future__ import annotations

import zlib
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, text

from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import EngagementPlan

# A transaction-level PostgreSQL advisory lock per plan name (a class key, then the name's CRC): two saves of one
# name take turns, so both read the right next version. SQLite's BEGIN IMMEDIATE already serialises writers.
_LOCK_CLASS_PLANS = 0x67746D50

VERSION_COLUMNS = ["name", "version", "start_date", "list_name", "created_by", "created_at", "activities"]


class EngagementPlans(StoreBase):
    """The engagement's plans, each name in versions."""

    @staticmethod
    def lock_plan_name(tx: Transaction, name: str) -> None:
        """Take the turn of writers of plan ``name`` until the transaction ends."""
        if tx.dialect.name == "postgresql":
            key = zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF
            tx.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"), {"c": _LOCK_CLASS_PLANS, "k": key})

    @classmethod
    def insert_plan_version(cls, tx: Transaction, name: str, start_date: date, list_name: str | None,
                            body: dict[str, Any], created_by: str) -> int:
        """Store ``body`` as the next version of plan ``name`` (1 for a new name); returns that version number."""
        cls.lock_plan_name(tx, name)
        latest = tx.execute(select(func.max(EngagementPlan.version)).where(EngagementPlan.name == name)).scalar()
        version = int(latest or 0) + 1
        tx.execute(insert(EngagementPlan).values(name=name, version=version, start_date=start_date,
                                                 list_name=list_name, body=body, created_by=created_by))
        return version

    def plan_versions(self, name: str | None = None) -> pd.DataFrame:
        """Saved versions, newest first (all names, or one): VERSION_COLUMNS, ``activities`` counted from the
        body."""
        stmt = select(EngagementPlan.name, EngagementPlan.version, EngagementPlan.start_date,
                      EngagementPlan.list_name, EngagementPlan.created_by, EngagementPlan.created_at,
                      EngagementPlan.body)
        if name is not None:
            stmt = stmt.where(EngagementPlan.name == name)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(EngagementPlan.id.desc())).all()
        records = [{"name": r.name, "version": int(r.version), "start_date": r.start_date, "list_name": r.list_name,
                    "created_by": r.created_by, "created_at": r.created_at,
                    "activities": sum(len(p.get("activities") or ()) for p in (r.body or {}).get("phases") or ())}
                   for r in rows]
        return pd.DataFrame(records, columns=VERSION_COLUMNS)

    def plan_version(self, name: str | None = None, version: int | None = None) -> dict[str, Any] | None:
        """One saved version as a dict (name, version, start_date, list_name, body, created_by, created_at): the
        given version of ``name``, its latest without a version, the latest saved of any name without a name; None
        if none."""
        stmt = select(EngagementPlan.name, EngagementPlan.version, EngagementPlan.start_date,
                      EngagementPlan.list_name, EngagementPlan.body, EngagementPlan.created_by,
                      EngagementPlan.created_at)
        if name is not None:
            stmt = stmt.where(EngagementPlan.name == name)
        if version is not None:
            stmt = stmt.where(EngagementPlan.version == version)
        with self.engine.connect() as conn:
            row = conn.execute(stmt.order_by(EngagementPlan.id.desc()).limit(1)).mappings().first()
        if row is None:
            return None
        return {**row, "version": int(row["version"])}
