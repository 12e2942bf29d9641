"""The keys a cached read is held under: a workspace's version numbers, a matrix's fingerprint, a page's filters.

A version number changes with every write of its kind, so a read keyed on it is read again exactly when its data
changed: the data version with every write, the portfolio version with imports, natures, rules and rates, the rows
version with the stored rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from gtm.domain.matrix import ApproachMatrix, parse_matrix
from gtm.storage.repository import Store

Filters = tuple[tuple[str, ...], ...]  # the Portfolio page's filters (bu, region, industry, fit[, list id])


@dataclass(frozen=True)
class Versions:
    """A workspace's version numbers, read in one query."""

    data: int  # every write changes it
    portfolio: int  # imports, natures, rules, rates and the won-deal weight change it
    rows: int  # the stored rows (an import) change it


def versions(store: Store) -> Versions:
    """The store's version numbers (0 for one never written)."""
    found = store.versions()
    return Versions(found.get("data_version", 0), found.get("portfolio_version", 0), found.get("rows_version", 0))


def matrix_key(matrix: ApproachMatrix) -> str:
    """A matrix's fingerprint: its JSON, from which ``matrix_of`` reads it back."""
    return matrix.model_dump_json()


def matrix_of(key: str) -> ApproachMatrix:
    """The matrix a ``matrix_key`` was made of."""
    return parse_matrix(json.loads(key))


def filters_key(bu: Iterable[str], region: Iterable[str], industry: Iterable[str], fit: Iterable[str],
                list_id: int = 0) -> Filters:
    """The Portfolio page's filters as a key: each sorted, then the account list's id when one is chosen."""
    chosen = tuple(tuple(sorted(f)) for f in (bu, region, industry, fit))
    return chosen + (((str(list_id),),) if list_id else ())
