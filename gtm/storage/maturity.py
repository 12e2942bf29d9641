"""Maturity assessments: one row per person's scores of a scope (the organisation or a BU) on a date; rows are only
ever appended. The only SQLAlchemy user for them; it hands out plain values and DataFrames."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import insert, select

from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import MaturityAssessment

COLUMNS = ["id", "scope", "assessed_on", "scores", "note", "author", "author_id", "author_role", "created_at"]


class MaturityAssessments(StoreBase):
    """The losers-and-winners assessments, appended per person, scope and date."""

    @staticmethod
    def insert_assessment(tx: Transaction, scope: str, assessed_on: date, scores: dict[str, Any], note: str,
                          author: str, author_role: str | None, author_id: str | None = None) -> int:
        """Append one assessment inside the caller's transaction; returns its id."""
        found = tx.execute(insert(MaturityAssessment).values(
            scope=scope, assessed_on=assessed_on, scores=scores, note=note, author=author, author_id=author_id,
            author_role=author_role)
            .returning(MaturityAssessment.id)).scalar_one()
        return int(found)

    def assessments(self, scope: str | None = None, assessed_on: date | None = None, *,
                    since: date | None = None, until: date | None = None) -> pd.DataFrame:
        """Assessments in the order saved (COLUMNS; ``scores`` a dict per row): of one scope and date when given,
        ``since`` and ``until`` bounding the date (both included)."""
        stmt = select(*(getattr(MaturityAssessment, c) for c in COLUMNS))
        if scope is not None:
            stmt = stmt.where(MaturityAssessment.scope == scope)
        if assessed_on is not None:
            stmt = stmt.where(MaturityAssessment.assessed_on == assessed_on)
        if since is not None:
            stmt = stmt.where(MaturityAssessment.assessed_on >= since)
        if until is not None:
            stmt = stmt.where(MaturityAssessment.assessed_on <= until)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(MaturityAssessment.id)).mappings().all()
        frame = pd.DataFrame([dict(r) for r in rows], columns=COLUMNS)
        frame["id"] = frame["id"].astype("int64")
        return frame

    def assessed_dates(self, scope: str) -> list[date]:
        """The dates a scope was assessed on, earliest first."""
        stmt = (select(MaturityAssessment.assessed_on).where(MaturityAssessment.scope == scope).distinct()
                .order_by(MaturityAssessment.assessed_on))
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]

    def assessed_scopes(self) -> list[str]:
        """The scopes with at least one assessment, sorted."""
        stmt = select(MaturityAssessment.scope).distinct().order_by(MaturityAssessment.scope)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(stmt)]
