"""The repository: the only module that talks to the database. It hands out DataFrames, never sessions."""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import JSON, Connection, Date, Engine, Float, delete, func, insert, select, text, update
from sqlalchemy import Table as SqlTable
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError

from gtm.domain.errors import DatabaseUnavailable, GtmError, InputError, WriteConflict
from gtm.domain.matrix import ApproachMatrix, default_matrix, parse_matrix
from gtm.domain.reviews import review_status
from gtm.domain.vocabulary import normalise
from gtm.storage import arrow
from gtm.storage import engine as db
from gtm.storage.models import (
    Account,
    AccountList,
    AccountListMember,
    AccountPlan,
    AccountScore,
    AuditEntry,
    BusinessUnit,
    Decision,
    EngagementPlan,
    ExchangeRate,
    FocusPick,
    ImportRecord,
    MatrixVersion,
    MaturityAssessment,
    Meta,
    NatureOverride,
    Opportunity,
    OutcomeRecord,
    Review,
    RuleVersion,
    Scenario,
    ScenarioStructure,
    Secret,
    Setting,
    User,
    WonTotal,
    utcnow,
)

Transaction = Connection  # what services hold while they write: opaque to them, SQLAlchemy's here


Progress = Callable[[float, str], None]
T = TypeVar("T")
BATCH = 20_000  # rows an import holds as Python tuples at a time
ACCOUNT_COLUMNS = ("external_id", "name", "industry", "region", "parent_external_id", "revenue", "growth_potential",
                   "ease_of_access", "current_approach", "owner")


class NameTaken(Exception):
    """A unique name (of a matrix version) is already stored."""


TRY_AGAIN = "Another change was being saved at the same moment; try again."
RETRIES = 6
SNAPSHOT_SECRET = "snapshot_hmac"  # the name of the pages' snapshots' key in the secrets table
# Keys of the transaction-level PostgreSQL advisory locks (two 32-bit keys: a class, then an object). Writers of
# versions (matrix, rule tables) take turns under one lock, so the deactivate-then-activate never interleaves;
# decisions on one account take turns under a lock per account, so "the latest decision I saw" can be checked.
_LOCK_CLASS_VERSIONS = 0x67746D01
_LOCK_CLASS_ACCOUNT = 0x67746D02
_LOCK_MATRIX = 1
_LOCK_RULES = 2


def _is_conflict(exc: DBAPIError) -> bool:
    """A deadlock, serialisation failure or busy database: the write may succeed when tried again."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in ("40001", "40P01", "55P03"):  # serialization, deadlock, lock not available
        return True
    if isinstance(orig, sqlite3.OperationalError):
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    return False


@dataclass(frozen=True)
class ActiveMatrix:
    """The active matrix and the version it came from."""

    matrix: ApproachMatrix
    version_id: int | None
    name: str


class Store:
    """A portfolio database (SQLite file by default, PostgreSQL by URL), migrated to the newest schema.

    ``workspace`` names a separate store beside the configured one (``demo``: var/gtm-demo.db on SQLite, schema
    gtm_demo on PostgreSQL); ``main``, the default, is the configured database itself.
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True, workspace: str = db.MAIN) -> None:
        self.workspace = db.workspace_name(workspace)
        self.url = db.workspace_url(url, self.workspace)
        self.schema = db.workspace_schema(self.url, self.workspace)
        self.engine: Engine = db.make_engine(self.url, schema=self.schema)
        if migrate:
            try:
                with db.migration_lock(self.engine):
                    db.upgrade(self.engine, self.schema)
                    self.ensure_default_matrix()
            except GtmError:
                raise
            except Exception as exc:  # unreachable server, bad credentials, read-only file
                raise DatabaseUnavailable(
                    "The portfolio database cannot be opened right now. Try again in a minute; if it persists, tell "
                    "your administrator (the error id leads to the details in the server's log).",
                    f"cannot open database {self.display_url}: {exc.__class__.__name__}: {exc}") from None

    @property
    def display_url(self) -> str:
        """The URL with the password hidden; a SQLite file inside the project by its relative path."""
        if self.url.startswith("sqlite:///"):
            path = Path(self.url.split("///", 1)[1])
            try:
                return str(path.relative_to(db.ROOT))
            except ValueError:
                return str(path)
        shown = db.safe_url(self.url)
        return shown if self.schema in (None, "public") else f"{shown} (schema {self.schema})"

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()

    # ------------------------------------------------------------------ versions

    def _meta(self, key: str) -> int:
        """A counter or stamp of the meta table (0 when it was never written)."""
        with self.engine.connect() as conn:
            value = conn.execute(select(Meta.value).where(Meta.key == key)).scalar()
        return int(value or 0)

    def versions(self) -> dict[str, int]:
        """Every counter and stamp of the meta table in one query (those never written: absent)."""
        with self.engine.connect() as conn:
            return {str(k): int(v or 0) for k, v in conn.execute(select(Meta.key, Meta.value))}

    def data_version(self) -> int:
        """A number that changes on every write: the cache key for everything derived from the data."""
        return self._meta("data_version")

    def portfolio_version(self) -> int:
        """A number that changes when accounts, opportunities, natures, rules or rates change, not when a decision,
        review or matrix version is written: the cache key of the million-row frames."""
        return self._meta("portfolio_version")

    def portfolio_stamp(self) -> int:
        """A random number drawn anew with every portfolio version (0 before the first): with the version, it names
        the portfolio's content, so two copies of one database that diverge never look alike (gtm.storage.snapshot)."""
        return self._meta("portfolio_stamp")

    def rows_version(self) -> int:
        """A number that changes when stored accounts, opportunities or BUs change (not overrides, rules or rates):
        the cache key of the rows as read, before the diagnosis."""
        return self._meta("rows_version")

    @staticmethod
    def bump(conn: Connection, *, portfolio: bool = True, rows: bool = True) -> None:
        """Advance the data version in the caller's transaction; unless ``portfolio`` is False, the portfolio
        version too, with a new stamp; and unless ``rows`` is False (an override, a rule or a rate: the stored
        rows are unchanged), the rows version as well."""
        keys = ["data_version"] + (["portfolio_version"] if portfolio else []) + (["rows_version"] if portfolio and rows else [])
        for key in keys:
            updated = conn.execute(update(Meta).where(Meta.key == key).values(value=Meta.value + 1))
            if updated.rowcount == 0:
                conn.execute(insert(Meta).values(key=key, value=1))
        if portfolio:
            stamp = secrets.randbelow(2**31 - 2) + 1  # 1 .. 2**31-1: fits PostgreSQL's integer
            if conn.execute(update(Meta).where(Meta.key == "portfolio_stamp").values(value=stamp)).rowcount == 0:
                conn.execute(insert(Meta).values(key="portfolio_stamp", value=stamp))

    def snapshot_secret(self) -> bytes:
        """The key of the HMAC that signs the pages' snapshots (gtm.storage.snapshot): 32 random bytes drawn on
        first use and kept in the database, so only who can read the database can sign a snapshot."""
        with self.engine.begin() as conn:
            value = conn.execute(select(Secret.value).where(Secret.name == SNAPSHOT_SECRET)).scalar()
            if value is None:
                insert_fn = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
                # Two servers drawing at once: the first insert wins and both read it back.
                conn.execute(insert_fn(Secret).values(name=SNAPSHOT_SECRET, value=secrets.token_hex(32))
                             .on_conflict_do_nothing(index_elements=["name"]))
                value = conn.execute(select(Secret.value).where(Secret.name == SNAPSHOT_SECRET)).scalar_one()
        return bytes.fromhex(value)

    # ------------------------------------------------------------------ reads

    def is_empty(self) -> bool:
        """True when no account is stored."""
        with self.engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(Account)).scalar()

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status lines and tests."""
        out = {}
        with self.engine.connect() as conn:
            for model in (BusinessUnit, Account, Opportunity, Decision, Review, MatrixVersion, NatureOverride,
                          RuleVersion):
                out[model.__tablename__] = int(conn.execute(select(func.count()).select_from(model)).scalar() or 0)
        return out

    def _frame(self, stmt: Any) -> pd.DataFrame:
        with self.engine.connect() as conn:
            return pd.read_sql(stmt, conn)

    def business_units(self) -> pd.DataFrame:
        """bu_id, name, description."""
        stmt = select(
            BusinessUnit.external_id.label("bu_id"), BusinessUnit.name, BusinessUnit.description
        ).order_by(BusinessUnit.external_id)
        return self._frame(stmt)

    def accounts(self) -> pd.DataFrame:
        """One row per account, by CRM id."""
        stmt = select(
            Account.external_id.label("account_id"), Account.name, Account.industry, Account.region,
            Account.parent_external_id.label("parent_id"), Account.revenue, Account.growth_potential,
            Account.ease_of_access, Account.current_approach, Account.owner,
        ).order_by(Account.external_id)
        return arrow.read_frame(self.engine, stmt, text_as_objects=True)

    _OPPORTUNITY_COLUMNS = ("opportunity_id", "account_id", "account_name", "bu", "bu_name", "name", "nature",
                            "nature_source", "diagnosis_rule", "value", "currency", "probability", "stage", "outcome",
                            "close_date", "type", "owner", "product_family", "signals", "attributes", "approach",
                            "industry", "region")

    def opportunities(self) -> pd.DataFrame:
        """One row per opportunity, with its account's name and current approach (as ``approach``).

        Read in bulk (gtm.storage.arrow): the opportunities with their account's and BU's row ids, then the
        account and BU columns put beside them by position, so a million rows carry no text they don't own.
        """
        opps = arrow.read_frame(self.engine, select(
            Opportunity.external_id.label("opportunity_id"), Opportunity.account_id.label("account_key"),
            Opportunity.bu_id.label("bu_key"), Opportunity.name, Opportunity.nature, Opportunity.nature_source,
            Opportunity.diagnosis_rule, Opportunity.value, Opportunity.currency, Opportunity.probability,
            Opportunity.stage, Opportunity.outcome, Opportunity.close_date, Opportunity.type, Opportunity.owner,
            Opportunity.product_family, Opportunity.signals, Opportunity.attributes,
        ).order_by(Opportunity.external_id), json_columns=("signals", "attributes"), date_columns=("close_date",))
        accounts = arrow.read_frame(self.engine, select(
            Account.id.label("account_key"), Account.external_id.label("account_id"),
            Account.name.label("account_name"), Account.current_approach.label("approach"), Account.industry,
            Account.region))
        bus = arrow.read_frame(self.engine, select(
            BusinessUnit.id.label("bu_key"), BusinessUnit.external_id.label("bu"), BusinessUnit.name.label("bu_name")))
        _beside(opps, accounts, "account_key")
        _beside(opps, bus, "bu_key")
        return opps[list(self._OPPORTUNITY_COLUMNS)]

    def decisions(self, account_id: str | None = None) -> pd.DataFrame:
        """The decision history (newest first) with each decision's latest review status."""
        stmt = (
            select(
                Decision.id.label("decision_id"), Account.external_id.label("account_id"),
                Account.name.label("account_name"), Decision.approach, Decision.rationale, Decision.author,
                Decision.author_role, Decision.created_at, Decision.matrix_name, Decision.matrix_fingerprint,
                Decision.recommended_approach, Decision.in_band_share, Decision.lead_bu, Decision.lead_bu_proposed,
                Decision.point_person, Decision.point_person_proposed, Decision.lead_reason,
            )
            .join(Account, Decision.account_id == Account.id)
            .order_by(Decision.created_at.desc(), Decision.id.desc())
        )
        if account_id is not None:
            stmt = stmt.where(Account.external_id == account_id)
        frame = self._frame(stmt)
        status = review_status(frame, self.reviews(), self.decided_account_bus())
        return frame.merge(status, on="decision_id", how="left")

    def reviews(self, decision_id: int | None = None) -> pd.DataFrame:
        """Every review verdict (append-only), oldest first."""
        stmt = select(
            Review.id.label("review_id"), Review.decision_id, Review.verdict, Review.comment, Review.reviewer,
            BusinessUnit.external_id.label("bu"), Review.created_at,
        ).outerjoin(BusinessUnit, Review.bu_id == BusinessUnit.id).order_by(Review.created_at, Review.id)
        if decision_id is not None:
            stmt = stmt.where(Review.decision_id == decision_id)
        return self._frame(stmt)

    # ------------------------------------------------------------------ writes (inside the caller's transaction)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One transaction: everything written through it lands whole, or nothing does.

        On SQLite it starts with BEGIN IMMEDIATE, taking the write lock first (waiting up to the busy timeout), so
        what it reads stays true until it commits. A deadlock or busy database surfaces as ``WriteConflict``.
        """
        try:
            with self.engine.begin() as tx:
                if tx.dialect.name == "sqlite":
                    # pysqlite would BEGIN (deferred) only at the first write; reads before it would see no lock.
                    tx.exec_driver_sql("BEGIN IMMEDIATE")
                yield tx
        except DBAPIError as exc:
            if _is_conflict(exc):
                raise WriteConflict(TRY_AGAIN) from exc
            raise

    def write(self, work: Callable[[Transaction], T], *, retries: int = RETRIES) -> T:
        """Run ``work`` in one transaction, again (a bounded number of times) when a concurrent write made it fail."""
        for attempt in range(retries):
            try:
                with self.transaction() as tx:
                    return work(tx)
            except WriteConflict:
                if attempt == retries - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.05) * 2 ** attempt)  # jitter, so the rivals do not meet again
        raise AssertionError("unreachable")

    @staticmethod
    def _advisory_lock(tx: Transaction, class_key: int, key: int) -> None:
        if tx.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already serialises every writer
            tx.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"), {"c": class_key, "k": key})

    @classmethod
    def lock_matrix_versions(cls, tx: Transaction) -> None:
        """Take the turn of matrix writers until the transaction ends (re-taking it is harmless)."""
        cls._advisory_lock(tx, _LOCK_CLASS_VERSIONS, _LOCK_MATRIX)

    @classmethod
    def lock_rule_versions(cls, tx: Transaction) -> None:
        """Take the turn of rule-table writers until the transaction ends."""
        cls._advisory_lock(tx, _LOCK_CLASS_VERSIONS, _LOCK_RULES)

    @classmethod
    def lock_account_decisions(cls, tx: Transaction, account_key: int) -> None:
        """Take the turn of decision writers on one account until the transaction ends."""
        cls._advisory_lock(tx, _LOCK_CLASS_ACCOUNT, account_key)

    @staticmethod
    def latest_decision(tx: Transaction, account_key: int) -> tuple[int, str, Any] | None:
        """(id, author, created_at) of the account's latest decision, or None when it has none."""
        row = tx.execute(select(Decision.id, Decision.author, Decision.created_at)
                         .where(Decision.account_id == account_key).order_by(Decision.id.desc()).limit(1)).first()
        return None if row is None else (int(row.id), str(row.author), row.created_at)

    @staticmethod
    def account_key(tx: Transaction, account_id: str) -> int | None:
        """The row id of the account with this CRM id, or None."""
        return tx.execute(select(Account.id).where(Account.external_id == account_id)).scalar()

    @staticmethod
    def decision_account_key(tx: Transaction, decision_id: int) -> int | None:
        """The row id of the account a decision is about, or None when there is no such decision."""
        return tx.execute(select(Decision.account_id).where(Decision.id == decision_id)).scalar()

    @staticmethod
    def business_unit_key(tx: Transaction, bu_id: str | None) -> int | None:
        """The row id of the BU with this external id, or None."""
        if bu_id is None:
            return None
        return tx.execute(select(BusinessUnit.id).where(BusinessUnit.external_id == bu_id)).scalar()

    @staticmethod
    def account_touches_bu(tx: Transaction, account_key: int, bu_key: int) -> bool:
        """Whether the account has at least one opportunity of the BU: named by the file, or, where the file named
        none, through the active product family -> BU mapping (as the pages read BUs)."""
        if tx.execute(select(func.count()).select_from(Opportunity).where(
                Opportunity.account_id == account_key, Opportunity.bu_id == bu_key)).scalar():
            return True
        families = tx.execute(select(Opportunity.product_family).distinct().where(
            Opportunity.account_id == account_key, Opportunity.bu_id.is_(None),
            Opportunity.product_family.is_not(None))).scalars().all()
        if not families:
            return False
        bu = tx.execute(select(BusinessUnit.external_id, BusinessUnit.name).where(BusinessUnit.id == bu_key)).first()
        mapped = _family_bus(tx)
        names = {normalise(bu.external_id), normalise(bu.name)} if bu is not None else set()
        return any(normalise(mapped.get(normalise(f), "")) in names for f in families)

    @staticmethod
    def account_bus(tx: Transaction, account_key: int) -> list[str]:
        """The BUs (external ids) of the account's open and won opportunities: named by the file, or, where the file
        named none, through the active product family -> BU mapping (as the pages read BUs)."""
        named = set(tx.execute(select(BusinessUnit.external_id).distinct()
                               .join(Opportunity, Opportunity.bu_id == BusinessUnit.id)
                               .where(Opportunity.account_id == account_key, Opportunity.outcome != "lost"))
                    .scalars().all())
        families = tx.execute(select(Opportunity.product_family).distinct().where(
            Opportunity.account_id == account_key, Opportunity.bu_id.is_(None), Opportunity.outcome != "lost",
            Opportunity.product_family.is_not(None))).scalars().all()
        if families:
            mapped = _family_bus(tx)
            units = tx.execute(select(BusinessUnit.external_id, BusinessUnit.name)).all()
            ids = {normalise(name): ext for ext, name in units}
            ids.update({normalise(ext): ext for ext, _ in units})
            named |= {ids[k] for f in families if (k := normalise(mapped.get(normalise(f), ""))) in ids}
        return sorted(named)

    def decided_account_bus(self) -> pd.DataFrame:
        """account_id, bu: the BUs with value (opportunity value summed above zero, lost deals left out: they are no
        longer at stake) at each account that has a decision; each of them reviews it (gtm.domain.reviews). A BU
        comes from the file, or, where the file named none, from the active product family -> BU mapping, as the
        pages read BUs."""
        decided = select(Decision.account_id)
        named = (select(Account.external_id.label("account_id"), BusinessUnit.external_id.label("bu"),
                        func.sum(Opportunity.value).label("value"))
                 .join(Opportunity, Opportunity.account_id == Account.id)
                 .join(BusinessUnit, Opportunity.bu_id == BusinessUnit.id)
                 .where(Account.id.in_(decided), Opportunity.outcome != "lost")
                 .group_by(Account.external_id, BusinessUnit.external_id))
        by_family = (select(Account.external_id.label("account_id"), Opportunity.product_family,
                            func.sum(Opportunity.value).label("value"))
                     .join(Opportunity, Opportunity.account_id == Account.id)
                     .where(Account.id.in_(decided), Opportunity.bu_id.is_(None), Opportunity.outcome != "lost",
                            Opportunity.product_family.is_not(None))
                     .group_by(Account.external_id, Opportunity.product_family))
        with self.engine.connect() as conn:
            frames = [pd.read_sql(named, conn)]
            families = pd.read_sql(by_family, conn)
            if len(families):
                mapped = _family_bus(conn)
                units = conn.execute(select(BusinessUnit.external_id, BusinessUnit.name)).all()
                ids = {normalise(name): ext for ext, name in units}
                ids.update({normalise(ext): ext for ext, _ in units})
                target = families["product_family"].map(lambda f: ids.get(normalise(mapped.get(normalise(f), ""))))
                frames.append(families.assign(bu=target).dropna(subset=["bu"])[["account_id", "bu", "value"]])
        both = pd.concat(frames, ignore_index=True)
        sums = both.groupby(["account_id", "bu"], sort=True)["value"].sum()
        return sums[sums > 0].reset_index()[["account_id", "bu"]]

    @staticmethod
    def latest_review_id(tx: Transaction, decision_id: int) -> int:
        """The id of the decision's latest review (0: none yet)."""
        return int(tx.execute(select(func.max(Review.id)).where(Review.decision_id == decision_id)).scalar() or 0)

    def insert_decision(self, tx: Transaction, **values: Any) -> int:
        """Append a decision row; returns its id."""
        new_id = tx.execute(insert(Decision).values(created_at=utcnow(), **values).returning(Decision.id)).scalar_one()
        self.bump(tx, portfolio=False)
        return int(new_id)

    def insert_review(self, tx: Transaction, **values: Any) -> int:
        """Append a review row; returns its id."""
        new_id = tx.execute(insert(Review).values(created_at=utcnow(), **values).returning(Review.id)).scalar_one()
        self.bump(tx, portfolio=False)
        return int(new_id)

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

    def update_current_approaches(self, tx: Transaction, approaches: dict[str, str | None]) -> int:
        """Set the current approach (None: not set) of accounts by CRM id; returns how many rows changed."""
        changed = 0
        for account_id, approach in approaches.items():
            changed += tx.execute(update(Account).where(Account.external_id == account_id).values(
                current_approach=approach, updated_at=utcnow())).rowcount
        self.bump(tx)
        return changed

    # ------------------------------------------------------------------ diagnosis: overrides, rule versions

    def nature_overrides(self) -> pd.DataFrame:
        """Every override (opportunity_id, nature, reason, author, created_at), oldest first: the newest counts."""
        stmt = (select(Opportunity.external_id.label("opportunity_id"), NatureOverride.nature, NatureOverride.reason,
                       NatureOverride.author, NatureOverride.created_at)
                .join(Opportunity, NatureOverride.opportunity_id == Opportunity.id)
                .order_by(NatureOverride.created_at, NatureOverride.id))
        return self._frame(stmt)

    @staticmethod
    def opportunity_key(tx: Transaction, opportunity_id: str) -> int | None:
        """The row id of the opportunity with this CRM id, or None."""
        return tx.execute(select(Opportunity.id).where(Opportunity.external_id == opportunity_id)).scalar()

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

    # ------------------------------------------------------------------ imports

    def stored_ids(self, kind: str) -> pd.Series:
        """The CRM ids already stored for ``kind`` ('accounts' or 'opportunities'), as Arrow-backed strings.

        Read a part at a time into Arrow buffers: a million ids take about 20 MB, where a set of Python strings
        takes about 150 MB.
        """
        model = Account if kind == "accounts" else Opportunity
        parts: list[pa.Array] = []
        with self.engine.connect() as conn:
            result = conn.execution_options(yield_per=50_000).execute(select(model.external_id))
            for part in result.scalars().partitions():
                parts.append(pa.array(part, type=pa.large_string()))
        ids = pa.chunked_array(parts, type=pa.large_string())
        return pd.Series(pd.arrays.ArrowStringArray(ids), dtype="str", name="external_id")

    def upsert_accounts(self, tx: Transaction, rows: pd.DataFrame, keep: frozenset[str] = frozenset(),
                        progress: Progress | None = None) -> None:
        """Insert new accounts and update stored ones by CRM id; columns in ``keep`` are written on insert only."""
        data = {c: rows[c] for c in ACCOUNT_COLUMNS}
        _bulk_upsert(tx, Account.__table__, data, len(rows), keep, progress, "accounts")  # type: ignore[arg-type]
        self.bump(tx)

    def upsert_opportunities(self, tx: Transaction, rows: pd.DataFrame, keep: frozenset[str] = frozenset(),
                             progress: Progress | None = None) -> int:
        """Insert or update opportunities by CRM id, finding accounts by CRM id and BUs by id or name.

        BUs named for the first time are created; returns how many were.
        """
        acc_keys: dict[str, int] = {ext: pk for ext, pk in tx.execute(select(Account.external_id, Account.id))}
        bu_keys, bus_added = _business_units(tx, rows["bu"])
        data: dict[str, pd.Series] = {
            "external_id": rows["external_id"],
            "account_id": _keys(rows["account_external_id"], acc_keys.get),
            "bu_id": _keys(rows["bu"], lambda name: bu_keys.get(normalise(name))),
            **{c: rows[c] for c in ("name", "nature", "nature_source", "diagnosis_rule", "value", "probability",
                                    "stage", "outcome", "close_date", "type", "owner", "currency", "product_family",
                                    "signals", "attributes")},
        }
        _bulk_upsert(tx, Opportunity.__table__, data, len(rows), keep, progress,  # type: ignore[arg-type]
                     "opportunities")
        self.bump(tx)
        return bus_added

    def ensure_business_units(self, tx: Transaction, names: list[str]) -> list[str]:
        """Create the BUs ``names`` names that no stored BU has as id or name (any case and punctuation), with the
        name as given for both, as an import does; returns the names created."""
        known = {normalise(ext) for ext, in tx.execute(select(BusinessUnit.external_id))}
        known |= {normalise(name) for name, in tx.execute(select(BusinessUnit.name))}
        spelled = (str(n).strip() for n in names)
        new = list({normalise(b): b for b in spelled if b and normalise(b) not in known}.values())
        _business_units(tx, pd.Series(new, dtype=object))
        if new:
            self.bump(tx)  # the stored rows changed: the BU lists read them again
        return new

    def upsert_business_units(self, tx: Transaction, frame: pd.DataFrame) -> None:
        """Insert or update business units (bu_id, name, description) by their id."""
        rows = [{"external_id": r.bu_id, "name": r.name, "description": getattr(r, "description", None)}
                for r in frame.itertuples()]
        _upsert(tx, BusinessUnit.__table__, rows, "external_id")  # type: ignore[arg-type]
        self.bump(tx)

    # ------------------------------------------------------------------ users

    _USER_COLUMNS = ("email", "name", "role", "bus", "created_by", "created_at", "active")

    def users(self) -> pd.DataFrame:
        """email, name, role, bus (a list of BU ids), created_by, created_at, active; by email."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(*(getattr(User, c) for c in self._USER_COLUMNS)).order_by(User.email)).all()
        return pd.DataFrame([dict(r._mapping) for r in rows], columns=list(self._USER_COLUMNS))

    def user(self, email: str, conn: Connection | None = None) -> dict[str, Any] | None:
        """One user by their (lower-cased) email, as a dict of the users columns; None when unknown."""
        stmt = select(*(getattr(User, c) for c in self._USER_COLUMNS)).where(User.email == email)
        if conn is not None:
            row = conn.execute(stmt).first()
        else:
            with self.engine.connect() as own:
                row = own.execute(stmt).first()
        return dict(row._mapping) if row else None

    @staticmethod
    def insert_user(tx: Transaction, **values: Any) -> None:
        """Add a user (email unique)."""
        tx.execute(insert(User).values(**values))

    @staticmethod
    def update_user(tx: Transaction, email: str, **values: Any) -> None:
        """Change a stored user's name, role, BUs or active flag."""
        tx.execute(update(User).where(User.email == email).values(**values))

    @staticmethod
    def active_admin_emails(tx: Transaction) -> list[str]:
        """The emails of active administrators."""
        return list(tx.execute(select(User.email).where(User.role == "admin", User.active.is_(True))).scalars())

    @staticmethod
    def account_owners(tx: Transaction) -> pd.Series:
        """Every stored account's owner (None where none is recorded), by CRM id."""
        rows = tx.execute(select(Account.external_id, Account.owner)).all()
        return pd.Series([r[1] for r in rows], index=pd.Index([r[0] for r in rows], dtype=object), dtype=object)

    @staticmethod
    def account_owner(tx: Transaction, account_key: int) -> str | None:
        """The CRM owner recorded on an account (a name or an email), or None."""
        return tx.execute(select(Account.owner).where(Account.id == account_key)).scalar()

    # ------------------------------------------------------------------ demo, maintenance

    @staticmethod
    def insert_audit(tx: Transaction, **values: Any) -> None:
        """Append one audit entry (never updated, never deleted: not even by a demo reset)."""
        tx.execute(insert(AuditEntry).values(at=utcnow(), **values))

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit log, newest first: at, workspace, actor, actor_email, actor_role, action, target, detail."""
        stmt = select(AuditEntry.id.label("entry_id"), AuditEntry.at, AuditEntry.workspace, AuditEntry.actor,
                      AuditEntry.actor_email, AuditEntry.actor_role, AuditEntry.action, AuditEntry.target,
                      AuditEntry.detail).order_by(AuditEntry.id.desc())
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        columns = ["entry_id", "at", "workspace", "actor", "actor_email", "actor_role", "action", "target", "detail"]
        return pd.DataFrame([tuple(r) for r in rows], columns=columns)

    def clear_portfolio(self, tx: Transaction) -> None:
        """Delete every business unit, account, opportunity, decision and review, and the account lists, scores,
        focus picks, scenarios, account plans and dated imports that name them (inside a transaction): a list emptied
        of its accounts would mislead."""
        for model in (OutcomeRecord, WonTotal, ImportRecord, AccountPlan, ScenarioStructure, Scenario, FocusPick,
                      AccountScore, AccountListMember, AccountList, NatureOverride, Review, Decision, Opportunity,
                      Account, BusinessUnit):
            tx.execute(delete(model))
        self.bump(tx)

    def clear_programme(self, tx: Transaction) -> None:
        """Delete every maturity assessment and engagement plan (inside a transaction): a demo reset's clean slate."""
        for model in (MaturityAssessment, EngagementPlan):
            tx.execute(delete(model))
        self.bump(tx, portfolio=False)

    def backup(self, target: Path | str) -> Path:
        """A consistent, checked copy of a live SQLite database (see gtm.storage.backup)."""
        from gtm.storage.backup import backup_sqlite

        return backup_sqlite(self.url, target)


def _family_bus(conn: Connection) -> dict[str, str]:
    """The active product family -> BU mapping: normalised family -> the BU as the mapping names it (id or name)."""
    content = conn.execute(select(RuleVersion.content).where(
        RuleVersion.kind == "family_bu", RuleVersion.is_active.is_(True)).limit(1)).scalar()
    rows = (content or {}).get("rows", []) if isinstance(content, dict) else []
    return {normalise(str(r.get("product_family", ""))): str(r.get("bu", "")) for r in rows
            if r.get("product_family") and r.get("bu")}


def _bands_json(matrix: ApproachMatrix) -> dict[str, Any]:
    return {k: {"low": b.low, "high": b.high} for k, b in matrix.bands.items()}


def _upsert(tx: Transaction, table: SqlTable, rows: list[dict[str, Any]], key: str,
            keep: frozenset[str] = frozenset()) -> None:
    """Insert new rows, update existing ones by ``key``; columns in ``keep`` are written on insert only."""
    if not rows:
        return
    insert_fn = pg_insert if tx.dialect.name == "postgresql" else sqlite_insert
    stmt = insert_fn(table)
    cols = [c for c in rows[0] if c != key and c not in keep]
    stmt = stmt.on_conflict_do_update(index_elements=[key], set_={c: stmt.excluded[c] for c in cols})
    tx.execute(stmt, rows)


Batch = Callable[[int, int], list[Any]]
_SQLITE_IMPORT_CACHE_KB = 128 * 1024


def _bulk_upsert(tx: Transaction, table: SqlTable, data: Mapping[str, pd.Series], n: int, keep: frozenset[str],
                 progress: Progress | None, what: str) -> None:
    """Insert or update ``n`` rows by external_id, BATCH rows at a time, on the driver's fastest bulk path.

    SQLite: executemany of one INSERT ... ON CONFLICT over plain tuples. PostgreSQL: COPY into a temporary table,
    then one INSERT ... SELECT ... ON CONFLICT. Both run on the transaction's own connection, so an import still
    lands whole or not at all; columns in ``keep`` are written on insert only. Each distinct value is converted
    once, and only a batch of rows is ever held as Python tuples.
    """
    postgres = tx.dialect.name == "postgresql"
    batches = [_converter(series, table.c[name].type, tx.dialect, postgres) for name, series in data.items()]
    stamp: Any = utcnow()
    stamp_proc = None if postgres else table.c["updated_at"].type.dialect_impl(tx.dialect).bind_processor(tx.dialect)
    stamp = stamp_proc(stamp) if stamp_proc else stamp
    columns = [*data, "updated_at"]
    quote = tx.dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    target = quote(table.name)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c != "external_id" and c not in keep)
    conflict = f"ON CONFLICT (external_id) DO UPDATE SET {updates}"

    def rows(start: int, stop: int) -> list[tuple[Any, ...]]:
        return list(zip(*(batch(start, stop) for batch in batches), [stamp] * (stop - start)))

    def report(stop: int) -> None:
        if progress:
            progress(min(1.0, stop / max(n, 1)), f"{stop} of {n} {what}")

    cursor = tx.connection.cursor()
    try:
        if postgres:
            temp = quote(f"gtm_upsert_{table.name}")
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")
            cursor.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS SELECT {names} FROM {target} WITH NO DATA")
            with cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
                for start in range(0, n, BATCH):
                    stop = min(start + BATCH, n)
                    for row in rows(start, stop):
                        copy.write_row(row)
                    report(stop)
            cursor.execute(f"INSERT INTO {target} ({names}) SELECT {names} FROM {temp} {conflict}")
            cursor.execute(f"DROP TABLE {temp}")
        else:
            sql = f"INSERT INTO {target} ({names}) VALUES ({', '.join('?' * len(columns))}) {conflict}"
            # Index pages of a large import are touched in random order: a bigger page cache while it runs
            # (SQLite's default is 2 MB) spares most of their round trips to the WAL file.
            cursor.execute(f"PRAGMA cache_size = {-_SQLITE_IMPORT_CACHE_KB}")
            try:
                for start in range(0, n, BATCH):
                    stop = min(start + BATCH, n)
                    cursor.executemany(sql, rows(start, stop))
                    report(stop)
            finally:
                cursor.execute("PRAGMA cache_size = -2000")
    finally:
        cursor.close()


def _converter(series: pd.Series, kind: Any, dialect: Any, postgres: bool) -> Batch:
    """A column's values for the driver, a slice at a time: None for every missing marker, JSON as text.

    Numbers go through numpy; everything else is factorised, so a repeated value (a stage, a date, a shared
    dict of signals) is converted once, with the dialect's own bind processing (SQLite stores dates as text).
    """
    if isinstance(kind, Float):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)

        def floats(start: int, stop: int) -> list[Any]:
            part = numbers[start:stop]
            out = part.astype(object)
            out[np.isnan(part)] = None
            return out.tolist()  # type: ignore[no-any-return]
        return floats
    if isinstance(kind, JSON):
        # Dicts are unhashable: rows sharing one dict object (the plan shares equal ones) share its text.
        values = series.to_numpy(dtype=object)
        ids = np.fromiter((id(v) for v in values), dtype=np.uint64, count=len(values))
        _, first, codes = np.unique(ids, return_index=True, return_inverse=True)
        texts = [json.dumps(v if isinstance(v, dict) and v else None) for v in values[first]]
        lookup = np.array(texts, dtype=object)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        plain = [u.date() if isinstance(kind, Date) and isinstance(u, datetime) else u for u in uniques.tolist()]
        process = None if postgres else kind.dialect_impl(dialect).bind_processor(dialect)
        lookup = np.array([*(process(u) if process else u for u in plain), None], dtype=object)
        codes = np.where(codes < 0, len(lookup) - 1, codes)
    codes = np.asarray(codes).ravel().astype(np.int32)  # half the memory of intp; lookups stay small

    def coded(start: int, stop: int) -> list[Any]:
        return lookup[codes[start:stop]].tolist()  # type: ignore[no-any-return]
    return coded


def _values(series: pd.Series) -> list[Any]:
    """A column as Python values, None for every missing marker (NaN, NaT, NA)."""
    return series.astype(object).where(series.notna(), None).tolist()


def _keys(refs: pd.Series, lookup: Callable[[Any], int | None]) -> pd.Series:
    """Row ids of the rows referred to (None where none), looking each distinct reference up once."""
    codes, uniques = pd.factorize(refs, use_na_sentinel=True)
    ids = [lookup(u) for u in uniques.tolist()] + [None]
    return pd.Series(np.array(ids, dtype=object)[codes], index=refs.index, dtype=object)


def _business_units(tx: Transaction, names: pd.Series) -> tuple[dict[str, int], int]:
    """Map BU ids or names (normalised) to row ids, creating BUs the file names for the first time."""
    existing = tx.execute(select(BusinessUnit.id, BusinessUnit.external_id, BusinessUnit.name)).all()
    lookup: dict[str, int] = {}
    for pk, ext, nm in existing:
        lookup[normalise(ext)] = pk
        lookup.setdefault(normalise(nm), pk)
    # One new BU per spelling that normalises alike ("Energy", "ENERGY ", "energy").
    new = list({normalise(b): b for b in pd.unique(names.dropna()) if normalise(b) not in lookup}.values())
    for b in new:
        pk = tx.execute(insert(BusinessUnit).values(external_id=b, name=b).returning(BusinessUnit.id)).scalar_one()
        lookup[normalise(b)] = pk
    return lookup, len(new)


def _beside(rows: pd.DataFrame, table: pd.DataFrame, key: str) -> None:
    """Add ``table``'s columns to ``rows`` by the row id in ``key`` (empty where it matches nothing)."""
    position = pd.Index(table[key]).get_indexer(rows[key].astype("Int64"))
    found = position >= 0
    for column in table.columns.drop(key):
        values = table[column].reindex(pd.RangeIndex(len(table) + 1))  # the extra last row: empty
        rows[column] = values.take(np.where(found, position, len(table))).to_numpy()
