"""Storage of organisation design: the economics' assumptions in versions, and scenarios (a structure per account)
in versions. Append-only: a save is a new version, the latest counts. Writes run inside the caller's transaction
(``Store.write``); reads hand out plain values and DataFrames."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from gtm.domain.errors import WriteConflict
from gtm.storage.core import TRY_AGAIN, StoreBase, Transaction
from gtm.storage.models import Account, DesignAssumption, Scenario, ScenarioStructure, utcnow

SCENARIO_COLUMNS = ["scenario_id", "name", "version", "scope", "base", "note", "created_by", "created_role",
                    "created_at", "accounts"]
_ROWS_PER_INSERT = 20_000  # one executemany per slice: a 100k-account scenario stays a few statements


class DesignVersions(StoreBase):
    """The design's assumptions and its scenarios, each in versions."""

    def insert_assumptions(self, tx: Transaction, body: dict[str, Any], *, note: str, created_by: str,
                           created_role: str | None) -> int:
        """Save ``body`` as the next version of the assumptions; returns the version. Two saves at once: the unique
        version refuses one, a WriteConflict that ``Store.write`` tries again."""
        version = int(tx.execute(select(func.max(DesignAssumption.version))).scalar() or 0) + 1
        try:
            with tx.begin_nested():
                tx.execute(insert(DesignAssumption).values(version=version, body=body, note=note,
                                                           created_by=created_by, created_role=created_role,
                                                           created_at=utcnow()))
        except IntegrityError as exc:
            raise WriteConflict(TRY_AGAIN) from exc
        self.bump(tx, portfolio=False)  # pages cache the assumptions on the data version
        return version

    def latest_assumptions(self) -> dict[str, Any] | None:
        """The latest saved assumptions: version, body, note, created_by, created_role, created_at (None: none
        saved)."""
        stmt = (select(DesignAssumption.version, DesignAssumption.body, DesignAssumption.note,
                       DesignAssumption.created_by, DesignAssumption.created_role, DesignAssumption.created_at)
                .order_by(DesignAssumption.version.desc()).limit(1))
        with self.engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        return None if row is None else dict(row)

    def insert_scenario(self, tx: Transaction, *, name: str, scope: str | None, base: str, note: str,
                        structures: Mapping[int, str], created_by: str, created_role: str | None,
                        created_by_id: str | None = None) -> tuple[int, int]:
        """Save the next version of scenario ``name`` with a structure per account key; returns (id, version)."""
        version = int(tx.execute(select(func.max(Scenario.version)).where(Scenario.name == name)).scalar() or 0) + 1
        try:
            with tx.begin_nested():
                scenario_id = int(tx.execute(insert(Scenario).values(
                    name=name, version=version, scope=scope, base=base, note=note, created_by=created_by,
                    created_by_id=created_by_id, created_role=created_role, created_at=utcnow())
                    .returning(Scenario.id)).scalar_one())
        except IntegrityError as exc:
            raise WriteConflict(TRY_AGAIN) from exc
        rows = [{"scenario_id": scenario_id, "account_id": k, "approach": a} for k, a in structures.items()]
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            tx.execute(insert(ScenarioStructure), rows[start:start + _ROWS_PER_INSERT])
        self.bump(tx, portfolio=False)  # pages cache scenarios on the data version
        return scenario_id, version

    def scenarios(self) -> pd.DataFrame:
        """Every saved version of every scenario, newest first, with its number of accounts (SCENARIO_COLUMNS)."""
        counts = (select(ScenarioStructure.scenario_id, func.count().label("accounts"))
                  .group_by(ScenarioStructure.scenario_id).subquery())
        stmt = (select(Scenario.id.label("scenario_id"), Scenario.name, Scenario.version, Scenario.scope,
                       Scenario.base, Scenario.note, Scenario.created_by, Scenario.created_role, Scenario.created_at,
                       func.coalesce(counts.c.accounts, 0).label("accounts"))
                .outerjoin(counts, counts.c.scenario_id == Scenario.id)
                .order_by(Scenario.id.desc()))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=SCENARIO_COLUMNS)
        return frame.astype({"scenario_id": int, "version": int, "accounts": int}) if len(frame) else frame

    def scenario_structures(self, scenario_id: int) -> pd.DataFrame:
        """A scenario's structures: account_id (the CRM id), approach; sorted by account id."""
        stmt = (select(Account.external_id.label("account_id"), ScenarioStructure.approach)
                .join(Account, Account.id == ScenarioStructure.account_id)
                .where(ScenarioStructure.scenario_id == scenario_id).order_by(Account.external_id))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["account_id", "approach"]).astype(
            {"account_id": str, "approach": str})
