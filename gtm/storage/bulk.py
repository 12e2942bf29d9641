"""Bulk writes of an import: upserts on the driver's fastest path, a batch at a time, and their converters."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import JSON, Date, Float, insert, select
from sqlalchemy import Table as SqlTable
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gtm.domain.vocabulary import normalise
from gtm.storage.core import Transaction
from gtm.storage.models import BusinessUnit, utcnow

Progress = Callable[[float, str], None]
BATCH = 20_000  # rows an import holds as Python tuples at a time


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
