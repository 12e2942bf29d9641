"""The store's base: the engine, the meta table's versions, transactions that retry, and the writers' locks.

Every repository of gtm.storage.repository's ``Store`` builds on it; it hands out DataFrames, never sessions.
"""

from __future__ import annotations

import random
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from gtm.domain.errors import WriteConflict
from gtm.storage.models import Meta, Secret

Transaction = Connection  # what services hold while they write: opaque to them, SQLAlchemy's here

T = TypeVar("T")

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


class StoreBase:
    """What every repository of the Store shares: the engine, the data's versions, transactions and locks."""

    workspace: str
    url: str
    schema: str | None
    engine: Engine

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

    def _frame(self, stmt: Any) -> pd.DataFrame:
        with self.engine.connect() as conn:
            return pd.read_sql(stmt, conn)

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
