"""Storage of results over time: every import of opportunities is dated (table ``imports``) and keeps each
opportunity's account, BU, outcome, value, currency and close date as it left them (table ``outcome_records``).

A record is written only for an opportunity that is new or whose recorded facts changed since its previous record,
so a quarterly re-import of a million rows writes the deals that moved, not a million copies. An opportunity's state
after any import is its latest record at or before that import. Writes run inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy import and_, func, insert, literal, or_, select, update
from sqlalchemy.orm import aliased

from gtm.storage import arrow
from gtm.storage.models import Account, BusinessUnit, ImportRecord, Opportunity, OutcomeRecord, utcnow
from gtm.storage.repository import Store, Transaction

IMPORT_COLUMNS = ["import_id", "as_of", "source", "rows", "changes", "recorded_by", "recorded_at"]
RECORD_COLUMNS = ["opportunity_key", "import_id", "account_key", "bu_key", "outcome", "value", "currency",
                  "close_date"]
_IN_CHUNK = 10_000  # keys per IN (...): SQLite allows at most 32,766 bound parameters in one statement
_FACTS = ("account_id", "bu_id", "outcome", "value", "currency", "close_date")


def latest_as_of(tx: Transaction) -> date | None:
    """The date of the latest recorded import's export (None before the first)."""
    row = tx.execute(select(ImportRecord.as_of).order_by(ImportRecord.id.desc()).limit(1)).first()
    return None if row is None else row[0]


def record_import(tx: Transaction, *, as_of: date, source: str, rows: int, recorded_by: str) -> tuple[int, int]:
    """Date an import of opportunities (already written in ``tx``) and record every opportunity whose facts differ
    from its latest record, or that has none; returns (the import's id, how many records were written)."""
    import_id = int(tx.execute(insert(ImportRecord).values(
        as_of=as_of, source=source[:255], rows=int(rows), changes=0, recorded_by=recorded_by[:255],
        recorded_at=utcnow()).returning(ImportRecord.id)).scalar_one())
    changes = _record_changes(tx, import_id)
    tx.execute(update(ImportRecord).where(ImportRecord.id == import_id).values(changes=changes))
    Store.bump(tx, portfolio=False)  # the results' caches follow the data version
    return import_id, changes


def _record_changes(tx: Transaction, import_id: int) -> int:
    """One INSERT ... SELECT: each stored opportunity beside its latest record (found by the primary key's index),
    written where any fact differs (NULL-safe) or there is no record yet."""
    o, r, r2 = Opportunity, aliased(OutcomeRecord), aliased(OutcomeRecord)
    latest = (select(func.max(r2.import_id)).where(r2.opportunity_id == o.id).scalar_subquery())
    changed = or_(r.opportunity_id.is_(None), *(getattr(r, c).is_distinct_from(getattr(o, c)) for c in _FACTS))
    stmt = (select(o.id, literal(import_id), o.account_id, o.bu_id, o.outcome, o.value, o.currency, o.close_date)
            .select_from(o).outerjoin(r, and_(r.opportunity_id == o.id, r.import_id == latest)).where(changed))
    result = tx.execute(insert(OutcomeRecord).from_select(
        ["opportunity_id", "import_id", *_FACTS], stmt))
    return max(int(result.rowcount or 0), 0)


def imports(store: Store) -> pd.DataFrame:
    """Every recorded import, in the order it was recorded (IMPORT_COLUMNS)."""
    stmt = select(ImportRecord.id, ImportRecord.as_of, ImportRecord.source, ImportRecord.rows, ImportRecord.changes,
                  ImportRecord.recorded_by, ImportRecord.recorded_at).order_by(ImportRecord.id)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=IMPORT_COLUMNS)
    return frame.astype({"import_id": int, "rows": int, "changes": int}) if len(frame) else frame


def records(store: Store, up_to: int, *, won_only: bool = True,
            account_keys: Sequence[int] | None = None) -> pd.DataFrame:
    """The records of imports up to ``up_to`` (RECORD_COLUMNS; keys are row ids, close_date as ISO text).

    ``won_only``: only opportunities recorded as won at some import up to ``up_to``: the others never add won value,
    so a portfolio of a million deals reads the ones that matter. ``account_keys``: only opportunities recorded at
    one of these accounts at some point."""
    rec = OutcomeRecord
    stmt = select(rec.opportunity_id.label("opportunity_key"), rec.import_id, rec.account_id.label("account_key"),
                  rec.bu_id.label("bu_key"), rec.outcome, rec.value, rec.currency,
                  rec.close_date).where(rec.import_id <= up_to)
    if won_only:
        won = aliased(OutcomeRecord)
        stmt = stmt.where(rec.opportunity_id.in_(
            select(won.opportunity_id).where(won.outcome == "won", won.import_id <= up_to)))
    if account_keys is not None:
        keys = sorted({int(k) for k in account_keys})
        if not keys:
            return pd.DataFrame(columns=RECORD_COLUMNS)
        at = aliased(OutcomeRecord)
        parts = [at.account_id.in_(keys[i:i + _IN_CHUNK]) for i in range(0, len(keys), _IN_CHUNK)]
        stmt = stmt.where(rec.opportunity_id.in_(select(at.opportunity_id).where(or_(*parts))))
    frame = arrow.read_frame(store.engine, stmt)
    frame.columns = RECORD_COLUMNS
    return frame


def account_keys(store: Store) -> pd.DataFrame:
    """account_key, account_id (CRM id), account_name of every account."""
    return arrow.read_frame(store.engine, select(Account.id.label("account_key"),
                                                 Account.external_id.label("account_id"),
                                                 Account.name.label("account_name")), text_as_objects=True)


def business_unit_keys(store: Store) -> pd.DataFrame:
    """bu_key, bu (id), bu_name of every BU."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(BusinessUnit.id, BusinessUnit.external_id, BusinessUnit.name)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["bu_key", "bu", "bu_name"])


def families(store: Store, opportunity_keys: Sequence[int]) -> pd.DataFrame:
    """opportunity_key, opportunity_id (CRM id), product_family of these opportunities (their BU where the file named
    none comes from the family mapping, as the pages read it)."""
    keys = sorted({int(k) for k in opportunity_keys})
    rows: list[tuple[object, ...]] = []
    with store.engine.connect() as conn:
        for start in range(0, len(keys), _IN_CHUNK):
            rows += [tuple(r) for r in conn.execute(select(Opportunity.id, Opportunity.external_id,
                                                           Opportunity.product_family)
                                                    .where(Opportunity.id.in_(keys[start:start + _IN_CHUNK])))]
    return pd.DataFrame(rows, columns=["opportunity_key", "opportunity_id", "product_family"])

