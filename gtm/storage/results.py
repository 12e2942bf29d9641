"""Storage of results over time: every import of opportunities is dated (table ``imports``) and keeps each
opportunity's account, BU, outcome, value, currency and close date as it left them (table ``outcome_records``), and
each account's won value per currency after it (table ``won_totals``).

A record is written only for an opportunity that is new or whose recorded facts changed since its previous record,
so a quarterly re-import of a million rows writes the deals that moved, not a million copies. An opportunity's state
after any import is its latest record at or before that import. The totals let the results compare two imports of a
million deals by reading an account's row per currency for each, and only the records of the deals won in between.
Writes run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import case, func, insert, literal, literal_column, or_, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import aliased

from gtm.storage import arrow
from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import Account, BusinessUnit, ImportRecord, Opportunity, OutcomeRecord, WonTotal, utcnow

IMPORT_COLUMNS = ["import_id", "as_of", "source", "rows", "changes", "recorded_by", "recorded_at"]
RECORD_COLUMNS = ["opportunity_key", "import_id", "account_key", "bu_key", "outcome", "value", "currency",
                  "close_date"]
_IN_CHUNK = 10_000  # keys per IN (...): SQLite allows at most 32,766 bound parameters in one statement
_FACTS = ("account_id", "bu_id", "outcome", "value", "currency", "close_date")



def _record_changes(tx: Transaction, import_id: int) -> int:
    """One INSERT ... SELECT: each stored opportunity beside its latest record, written where any fact differs
    (NULL-safe) or there is no record yet. The latest records: on SQLite, each found by the row id of the
    opportunity's last entry in the primary key's index (half the time of a MAX per row); on PostgreSQL, all of them
    at once by DISTINCT ON (a third of the time of a MAX per row at a million)."""
    o, rec = Opportunity, OutcomeRecord
    if tx.dialect.name == "sqlite":
        r, r2 = aliased(rec, name="r"), aliased(rec, name="r2")
        last = (select(literal_column("r2.rowid")).select_from(r2).where(r2.opportunity_id == o.id)
                .order_by(r2.import_id.desc()).limit(1).scalar_subquery())
        latest: Any = r
        joined = literal_column("r.rowid") == last
    else:
        latest = (select(rec.opportunity_id, *(getattr(rec, c) for c in _FACTS)).ext(distinct_on(rec.opportunity_id))
                  .order_by(rec.opportunity_id, rec.import_id.desc()).subquery("r"))
        joined = latest.c.opportunity_id == o.id
    cols = latest if tx.dialect.name == "sqlite" else latest.c
    changed = or_(cols.opportunity_id.is_(None), *(getattr(cols, c).is_distinct_from(getattr(o, c)) for c in _FACTS))
    stmt = (select(o.id, literal(import_id), o.account_id, o.bu_id, o.outcome, o.value, o.currency, o.close_date)
            .select_from(o).outerjoin(latest, joined).where(changed))
    tx.execute(insert(rec).from_select(["opportunity_id", "import_id", *_FACTS], stmt))
    # Counted, not taken from the driver's rowcount: PostgreSQL's INSERT ... SELECT through SQLAlchemy reports none.
    return int(tx.execute(select(func.count()).select_from(rec).where(rec.import_id == import_id)).scalar() or 0)


def _record_totals(tx: Transaction, import_id: int) -> None:
    """Each account's won value and deals per currency, as the import leaves the opportunities."""
    o = Opportunity
    tx.execute(insert(WonTotal).from_select(
        ["import_id", "account_id", "currency", "won", "deals"],
        select(literal(import_id), o.account_id, o.currency, func.sum(o.value), func.count())
        .where(o.outcome == "won").group_by(o.account_id, o.currency)))


def _among(column: Any, keys: Sequence[int]) -> Any:
    """``column IN (keys)``, in chunks SQLite accepts."""
    ordered = sorted({int(k) for k in keys})
    return or_(*(column.in_(ordered[i:i + _IN_CHUNK]) for i in range(0, len(ordered), _IN_CHUNK))) if ordered \
        else literal(False)


def _record_columns() -> list[Any]:
    rec = OutcomeRecord
    return [rec.opportunity_id.label("opportunity_key"), rec.import_id, rec.account_id.label("account_key"),
            rec.bu_id.label("bu_key"), rec.outcome, rec.value, rec.currency, rec.close_date]


class Results(StoreBase):
    """Dated imports, the opportunities' records as each import left them, and the accounts' won totals."""

    @staticmethod
    def latest_import_as_of(tx: Transaction) -> date | None:
        """The date of the latest recorded import's export (None before the first)."""
        row = tx.execute(select(ImportRecord.as_of).order_by(ImportRecord.id.desc()).limit(1)).first()
        return None if row is None else row[0]

    def record_import(self, tx: Transaction, *, as_of: date, source: str, rows: int,
                      recorded_by: str) -> tuple[int, int]:
        """Date an import of opportunities (already written in ``tx``), record every opportunity whose facts differ
        from its latest record (or that has none), and each account's won value per currency as the import leaves
        it; returns (the import's id, how many records were written)."""
        import_id = int(tx.execute(insert(ImportRecord).values(
            as_of=as_of, source=source[:255], rows=int(rows), changes=0, recorded_by=recorded_by[:255],
            recorded_at=utcnow()).returning(ImportRecord.id)).scalar_one())
        changes = _record_changes(tx, import_id)
        _record_totals(tx, import_id)
        tx.execute(update(ImportRecord).where(ImportRecord.id == import_id).values(changes=changes))
        self.bump(tx, portfolio=False)  # the results' caches follow the data version
        return import_id, changes

    def imports(self) -> pd.DataFrame:
        """Every recorded import, in the order it was recorded (IMPORT_COLUMNS)."""
        stmt = select(ImportRecord.id, ImportRecord.as_of, ImportRecord.source, ImportRecord.rows,
                      ImportRecord.changes, ImportRecord.recorded_by, ImportRecord.recorded_at).order_by(ImportRecord.id)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=IMPORT_COLUMNS)
        return frame.astype({"import_id": int, "rows": int, "changes": int}) if len(frame) else frame

    def won_totals(self, base: int, latest: int, account_keys: Sequence[int] | None = None) -> pd.DataFrame:
        """account_key, currency, before, now, deals: each account's won value per currency after import ``base``
        and after import ``latest`` (NaN where it had none), and its won deals after ``latest`` (of these accounts,
        or of every account): one row per account and currency, summed by the database."""
        def at(import_id: int, column: Any) -> Any:
            return func.sum(case((WonTotal.import_id == import_id, column)))

        stmt = (select(WonTotal.account_id.label("account_key"), WonTotal.currency,
                       at(base, WonTotal.won).label("before"), at(latest, WonTotal.won).label("now"),
                       at(latest, WonTotal.deals).label("deals"))
                .where(WonTotal.import_id.in_([int(base), int(latest)])))
        if account_keys is not None:
            stmt = stmt.where(_among(WonTotal.account_id, account_keys))
        return arrow.read_frame(self.engine, stmt.group_by(WonTotal.account_id, WonTotal.currency))

    def won_series(self, from_import: int, account_keys: Sequence[int] | None = None) -> pd.DataFrame:
        """import_id, currency, won, deals: the won value per currency after each import from ``from_import`` on,
        summed over the accounts (these, or every account)."""
        stmt = select(WonTotal.import_id, WonTotal.currency, func.sum(WonTotal.won).label("won"),
                      func.sum(WonTotal.deals).label("deals")).where(WonTotal.import_id >= from_import)
        if account_keys is not None:
            stmt = stmt.where(_among(WonTotal.account_id, account_keys))
        stmt = stmt.group_by(WonTotal.import_id, WonTotal.currency)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["import_id", "currency", "won", "deals"])

    def outcome_records(self, up_to: int) -> pd.DataFrame:
        """Every record of the imports up to ``up_to`` (RECORD_COLUMNS; keys are row ids, close_date as ISO
        text)."""
        frame = arrow.read_frame(self.engine, select(*_record_columns()).where(OutcomeRecord.import_id <= up_to))
        frame.columns = RECORD_COLUMNS
        return frame

    def new_win_records(self, base: int, latest: int, account_keys: Sequence[int] | None = None) -> pd.DataFrame:
        """The records (up to ``latest``) of the opportunities recorded won by an import after ``base`` and up to
        ``latest`` (at these accounts, or any): every deal won since the baseline is among them, with the records
        that say what it was at the baseline (RECORD_COLUMNS)."""
        won = aliased(OutcomeRecord)
        since = select(won.opportunity_id).where(won.import_id > base, won.import_id <= latest, won.outcome == "won")
        if account_keys is not None:
            since = since.where(_among(won.account_id, account_keys))
        stmt = select(*_record_columns()).where(OutcomeRecord.import_id <= latest,
                                                OutcomeRecord.opportunity_id.in_(since))
        frame = arrow.read_frame(self.engine, stmt)
        frame.columns = RECORD_COLUMNS
        return frame

    def accounts_by_key(self) -> pd.DataFrame:
        """account_key, account_id (CRM id), account_name of every account."""
        return arrow.read_frame(self.engine, select(Account.id.label("account_key"),
                                                    Account.external_id.label("account_id"),
                                                    Account.name.label("account_name")), text_as_objects=True)

    def business_units_by_key(self) -> pd.DataFrame:
        """bu_key, bu (id), bu_name of every BU."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(BusinessUnit.id, BusinessUnit.external_id, BusinessUnit.name)).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["bu_key", "bu", "bu_name"])

    def opportunity_families(self, opportunity_keys: Sequence[int]) -> pd.DataFrame:
        """opportunity_key, opportunity_id (CRM id), product_family of these opportunities (their BU where the file
        named none comes from the family mapping, as the pages read it)."""
        keys = sorted({int(k) for k in opportunity_keys})
        rows: list[tuple[object, ...]] = []
        with self.engine.connect() as conn:
            for start in range(0, len(keys), _IN_CHUNK):
                rows += [tuple(r) for r in conn.execute(select(Opportunity.id, Opportunity.external_id,
                                                               Opportunity.product_family)
                                                        .where(Opportunity.id.in_(keys[start:start + _IN_CHUNK])))]
        return pd.DataFrame(rows, columns=["opportunity_key", "opportunity_id", "product_family"])
