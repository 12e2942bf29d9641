"""Versioned settings: approach matrices, rule tables (natures, mappings), nature overrides, settings and rates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gtm.domain.errors import InputError
from gtm.domain.matrix import ApproachMatrix, default_matrix, parse_matrix
from gtm.domain.vocabulary import normalise
from gtm.storage.bulk import _upsert
from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import ExchangeRate, MatrixVersion, NatureOverride, Opportunity, RuleVersion, Setting, utcnow


class NameTaken(Exception):
    """A unique name (of a matrix version) is already stored."""


@dataclass(frozen=True)
class ActiveMatrix:
    """The active matrix and the version it came from."""

    matrix: ApproachMatrix
    version_id: int | None
    name: str


class VersionedSettings(StoreBase):
    """Matrix and rule-table versions (one active of each kind), a person's natures, settings, exchange rates."""

    # ------------------------------------------------------------------ matrix versions

    def ensure_default_matrix(self) -> None:
        """Store data/matrix.json as version 'default' (active) when no version exists yet."""
        with self.engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(MatrixVersion)).scalar():
                return
            m = default_matrix()
            conn.execute(insert(MatrixVersion).values(
                name="default", bands=_bands_json(m), fingerprint=m.fingerprint, is_active=True,
                created_by="data/matrix.json", created_at=utcnow()))
            self.bump(conn, portfolio=False)

    def matrix_versions(self) -> pd.DataFrame:
        """name, fingerprint, is_active, created_by, created_at of every saved version."""
        stmt = select(MatrixVersion.id.label("version_id"), MatrixVersion.name, MatrixVersion.fingerprint,
                      MatrixVersion.is_active, MatrixVersion.created_by, MatrixVersion.created_at
                      ).order_by(MatrixVersion.created_at, MatrixVersion.id)
        return self._frame(stmt)

    def matrix_version(self, name: str) -> ApproachMatrix:
        """A saved version by name."""
        with self.engine.connect() as conn:
            row = conn.execute(select(MatrixVersion.name, MatrixVersion.bands).where(MatrixVersion.name == name)).first()
        if row is None:
            raise InputError(f"No matrix version named {name!r}.")
        return parse_matrix({"name": row.name, "bands": row.bands}, source=f"matrix version {name!r}")

    def active_matrix(self, conn: Connection | None = None) -> ActiveMatrix:
        """The active version (the default file's matrix if none is stored); read in ``conn`` when given."""
        stmt = select(MatrixVersion.id, MatrixVersion.name, MatrixVersion.bands).where(
            MatrixVersion.is_active.is_(True)).limit(1)
        if conn is None:
            with self.engine.connect() as own:
                row = own.execute(stmt).first()
        else:
            row = conn.execute(stmt).first()
        if row is None:
            return ActiveMatrix(default_matrix(), None, "default")
        matrix = parse_matrix({"name": row.name, "bands": row.bands}, source=f"matrix version {row.name!r}")
        return ActiveMatrix(matrix, int(row.id), str(row.name))

    @staticmethod
    def matrix_name_taken(tx: Transaction, name: str) -> bool:
        """Whether a version of this name exists."""
        return tx.execute(select(MatrixVersion.id).where(MatrixVersion.name == name)).first() is not None

    def insert_matrix_version(self, tx: Transaction, matrix: ApproachMatrix, name: str, created_by: str,
                              *, activate: bool) -> None:
        """Store a new version; with ``activate`` it becomes the only active one. Raises NameTaken on a duplicate."""
        self.lock_matrix_versions(tx)
        try:
            with tx.begin_nested():  # a savepoint: a duplicate name leaves the caller's transaction usable
                if activate:
                    tx.execute(update(MatrixVersion).where(MatrixVersion.is_active.is_(True)).values(is_active=False))
                tx.execute(insert(MatrixVersion).values(
                    name=name, bands=_bands_json(matrix), fingerprint=matrix.fingerprint, is_active=activate,
                    created_by=created_by, created_at=utcnow()))
        except IntegrityError as exc:  # another user saved the same name a moment earlier
            if "name" in str(exc.orig):
                raise NameTaken(name) from None
            raise
        self.bump(tx, portfolio=False)

    def activate_matrix_version(self, tx: Transaction, name: str) -> None:
        """Make the named version the only active one (others see the switch whole, at commit)."""
        self.lock_matrix_versions(tx)
        # Deactivate first, then activate: the one-active index is checked row by row, not at the statement's end.
        tx.execute(update(MatrixVersion).where(MatrixVersion.is_active.is_(True), MatrixVersion.name != name)
                   .values(is_active=False))
        tx.execute(update(MatrixVersion).where(MatrixVersion.name == name, MatrixVersion.is_active.is_(False))
                   .values(is_active=True))
        self.bump(tx, portfolio=False)

    # ------------------------------------------------------------------ diagnosis: overrides, rule versions

    def nature_overrides(self) -> pd.DataFrame:
        """Every override (opportunity_id, nature, reason, author, created_at), oldest first: the newest counts."""
        stmt = (select(Opportunity.external_id.label("opportunity_id"), NatureOverride.nature, NatureOverride.reason,
                       NatureOverride.author, NatureOverride.created_at)
                .join(Opportunity, NatureOverride.opportunity_id == Opportunity.id)
                .order_by(NatureOverride.created_at, NatureOverride.id))
        return self._frame(stmt)

    def insert_override(self, tx: Transaction, opportunity_key: int, nature: str | None, reason: str,
                        author: str) -> None:
        """Append a person's nature for an opportunity (None withdraws the previous one)."""
        tx.execute(insert(NatureOverride).values(opportunity_id=opportunity_key, nature=nature, reason=reason,
                                                 author=author, created_at=utcnow()))
        self.bump(tx, rows=False)

    def rule_versions(self, kind: str) -> pd.DataFrame:
        """name, is_active, created_by, created_at of the saved versions of one kind of rule table."""
        stmt = (select(RuleVersion.name, RuleVersion.is_active, RuleVersion.created_by, RuleVersion.created_at)
                .where(RuleVersion.kind == kind).order_by(RuleVersion.created_at, RuleVersion.id))
        return self._frame(stmt)

    def rule_version(self, kind: str, name: str | None = None) -> tuple[str, dict[str, Any]] | None:
        """(name, content) of the named version, or of the active one when no name is given; None when there is none."""
        stmt = select(RuleVersion.name, RuleVersion.content).where(RuleVersion.kind == kind)
        stmt = stmt.where(RuleVersion.name == name) if name is not None else stmt.where(RuleVersion.is_active.is_(True))
        with self.engine.connect() as conn:
            row = conn.execute(stmt.limit(1)).first()
        return None if row is None else (str(row.name), dict(row.content))

    def insert_rule_version(self, tx: Transaction, kind: str, name: str, content: dict[str, Any], created_by: str,
                            *, activate: bool) -> None:
        """Store a new version of a rule table; with ``activate`` it becomes the only active one of its kind."""
        self.lock_rule_versions(tx)
        try:
            with tx.begin_nested():
                if activate:
                    tx.execute(update(RuleVersion).where(RuleVersion.kind == kind, RuleVersion.is_active.is_(True))
                               .values(is_active=False))
                tx.execute(insert(RuleVersion).values(kind=kind, name=name, content=content, is_active=activate,
                                                      created_by=created_by, created_at=utcnow()))
        except IntegrityError as exc:
            if "name" in str(exc.orig):
                raise NameTaken(name) from None
            raise
        self.bump(tx, rows=False)

    def activate_rule_version(self, tx: Transaction, kind: str, name: str | None) -> None:
        """Make the named version the active one of its kind; None: none is active (the file's default counts)."""
        self.lock_rule_versions(tx)
        others = RuleVersion.name != name if name is not None else RuleVersion.is_active.is_(True)
        tx.execute(update(RuleVersion).where(RuleVersion.kind == kind, RuleVersion.is_active.is_(True), others)
                   .values(is_active=False))
        if name is not None:
            tx.execute(update(RuleVersion).where(RuleVersion.kind == kind, RuleVersion.name == name,
                                                 RuleVersion.is_active.is_(False)).values(is_active=True))
        self.bump(tx, rows=False)

    @staticmethod
    def rule_name_taken(tx: Transaction, kind: str, name: str) -> bool:
        """Whether a version of this kind and name exists."""
        return tx.execute(select(RuleVersion.id).where(RuleVersion.kind == kind, RuleVersion.name == name)
                          ).first() is not None

    # ------------------------------------------------------------------ settings and exchange rates

    def setting(self, key: str) -> Any:
        """A stored setting, or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(Setting.value).where(Setting.key == key)).scalar()

    def put_setting(self, tx: Transaction, key: str, value: Any) -> None:
        """Store a setting (insert or replace)."""
        _upsert(tx, Setting.__table__, [{"key": key, "value": value}], "key")  # type: ignore[arg-type]
        self.bump(tx, rows=False)

    def exchange_rates(self) -> pd.DataFrame:
        """currency, rate (reporting currency per unit), updated_by, updated_at."""
        return self._frame(select(ExchangeRate.currency, ExchangeRate.rate, ExchangeRate.updated_by,
                                  ExchangeRate.updated_at).order_by(ExchangeRate.currency))

    def replace_exchange_rates(self, tx: Transaction, rates: dict[str, float], updated_by: str) -> None:
        """Replace the whole exchange-rate table."""
        tx.execute(delete(ExchangeRate))
        if rates:
            tx.execute(insert(ExchangeRate), [{"currency": c, "rate": r, "updated_by": updated_by,
                                               "updated_at": utcnow()} for c, r in rates.items()])
        self.bump(tx, rows=False)


def _family_bus(conn: Connection) -> dict[str, str]:
    """The active product family -> BU mapping: normalised family -> the BU as the mapping names it (id or name)."""
    content = conn.execute(select(RuleVersion.content).where(
        RuleVersion.kind == "family_bu", RuleVersion.is_active.is_(True)).limit(1)).scalar()
    rows = (content or {}).get("rows", []) if isinstance(content, dict) else []
    return {normalise(str(r.get("product_family", ""))): str(r.get("bu", "")) for r in rows
            if r.get("product_family") and r.get("bu")}


def _bands_json(matrix: ApproachMatrix) -> dict[str, Any]:
    return {k: {"low": b.low, "high": b.high} for k, b in matrix.bands.items()}
