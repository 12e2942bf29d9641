"""Storage of the key-account funnel: saved account lists (versioned, with their members in order), the BUs' size
and ease scores, and the BU leaders' focus picks. Append-only: a list is saved as a new version, a score or a pick
is a new row, the latest one counts. Writes run inside the caller's transaction (``Store.write``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from gtm.domain.errors import WriteConflict
from gtm.storage.core import TRY_AGAIN, StoreBase, Transaction
from gtm.storage.models import Account, AccountList, AccountListMember, AccountScore, BusinessUnit, FocusPick, utcnow

_IN_CHUNK = 10_000  # ids per IN (...): SQLite allows at most 32,766 bound parameters in one statement
LIST_COLUMNS = ["list_id", "name", "version", "stage", "criteria", "target_value", "target_years", "note",
                "created_by", "created_role", "created_at", "accounts"]
SCORE_COLUMNS = ["account_id", "bu", "measure", "score", "author", "author_role", "created_at"]
PICK_COLUMNS = ["account_id", "bu", "picked", "author", "author_role", "created_at"]


class AccountLists(StoreBase):
    """Account lists in versions, the BUs' scores of accounts, and the BU leaders' focus picks."""

    @staticmethod
    def account_keys(tx: Transaction, account_ids: Sequence[str]) -> dict[str, int]:
        """Row ids of the accounts with these CRM ids (ids not stored are left out)."""
        found: dict[str, int] = {}
        ids = list(dict.fromkeys(str(a) for a in account_ids))
        for start in range(0, len(ids), _IN_CHUNK):
            part = ids[start:start + _IN_CHUNK]
            found.update({str(e): int(k) for e, k in tx.execute(
                select(Account.external_id, Account.id).where(Account.external_id.in_(part)))})
        return found

    def insert_list(self, tx: Transaction, *, name: str, stage: str, criteria: dict[str, Any],
                    account_keys: Sequence[int], created_by: str, created_role: str | None,
                    target_value: float | None = None, target_years: int | None = None, note: str = "",
                    created_by_id: str | None = None) -> tuple[int, int]:
        """Save a new version of the list ``name`` with its members in this order; returns (list id, version).

        Two writers saving the same name at once: one gets the unique (name, version) refusal, which is a
        WriteConflict, so ``Store.write`` tries it again with the next version number."""
        version = int(tx.execute(select(func.max(AccountList.version)).where(AccountList.name == name)).scalar()
                      or 0) + 1
        try:
            with tx.begin_nested():
                list_id = int(tx.execute(insert(AccountList).values(
                    name=name, version=version, stage=stage, criteria=criteria, target_value=target_value,
                    target_years=target_years, note=note, created_by=created_by, created_by_id=created_by_id,
                    created_role=created_role, created_at=utcnow()).returning(AccountList.id)).scalar_one())
        except IntegrityError as exc:
            raise WriteConflict(TRY_AGAIN) from exc
        if account_keys:
            tx.execute(insert(AccountListMember), [{"list_id": list_id, "account_id": k, "position": i}
                                                   for i, k in enumerate(account_keys, start=1)])
        self.bump(tx, portfolio=False)  # the data version names the lists too: the pages' list caches follow it
        return list_id, version

    def account_lists(self) -> pd.DataFrame:
        """Every saved version of every list, oldest first, with its number of accounts (LIST_COLUMNS)."""
        counts = (select(AccountListMember.list_id, func.count().label("accounts"))
                  .group_by(AccountListMember.list_id).subquery())
        stmt = (select(AccountList.id.label("list_id"), AccountList.name, AccountList.version, AccountList.stage,
                       AccountList.criteria, AccountList.target_value, AccountList.target_years, AccountList.note,
                       AccountList.created_by, AccountList.created_role, AccountList.created_at,
                       func.coalesce(counts.c.accounts, 0).label("accounts"))
                .outerjoin(counts, counts.c.list_id == AccountList.id)
                .order_by(AccountList.created_at, AccountList.id))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=LIST_COLUMNS)
        return frame.astype({"list_id": int, "version": int, "accounts": int}) if len(frame) else frame

    def list_members(self, list_id: int) -> list[str]:
        """The CRM ids of a list version's accounts, in the list's order ([] for an unknown id)."""
        stmt = (select(Account.external_id).join(AccountListMember, AccountListMember.account_id == Account.id)
                .where(AccountListMember.list_id == list_id).order_by(AccountListMember.position))
        with self.engine.connect() as conn:
            return [str(a) for a in conn.execute(stmt).scalars()]

    def insert_score(self, tx: Transaction, *, account_key: int, bu_key: int, measure: str, score: float,
                     author: str, author_role: str | None) -> int:
        """Append a BU's score of an account on one measure; returns its id."""
        new_id = tx.execute(insert(AccountScore).values(
            account_id=account_key, bu_id=bu_key, measure=measure, score=score, author=author,
            author_role=author_role, created_at=utcnow()).returning(AccountScore.id)).scalar_one()
        self.bump(tx, portfolio=False)
        return int(new_id)

    def latest_scores(self) -> pd.DataFrame:
        """The latest score per account, BU and measure (SCORE_COLUMNS)."""
        latest = (select(func.max(AccountScore.id).label("id"))
                  .group_by(AccountScore.account_id, AccountScore.bu_id, AccountScore.measure).subquery())
        stmt = (select(Account.external_id, BusinessUnit.external_id, AccountScore.measure, AccountScore.score,
                       AccountScore.author, AccountScore.author_role, AccountScore.created_at)
                .join(latest, latest.c.id == AccountScore.id)
                .join(Account, Account.id == AccountScore.account_id)
                .outerjoin(BusinessUnit, BusinessUnit.id == AccountScore.bu_id)
                .order_by(Account.external_id, BusinessUnit.external_id, AccountScore.measure))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=SCORE_COLUMNS)

    def insert_pick(self, tx: Transaction, *, list_id: int, account_key: int, bu_key: int, picked: bool,
                    author: str, author_role: str | None) -> int:
        """Append a BU leader's mark on an account of a list version (``picked`` False takes it back); returns its
        id."""
        new_id = tx.execute(insert(FocusPick).values(
            list_id=list_id, account_id=account_key, bu_id=bu_key, picked=picked, author=author,
            author_role=author_role, created_at=utcnow()).returning(FocusPick.id)).scalar_one()
        self.bump(tx, portfolio=False)
        return int(new_id)

    def latest_picks(self, list_id: int) -> pd.DataFrame:
        """The latest mark per account and BU on a list version (PICK_COLUMNS), taken-back marks included."""
        latest = (select(func.max(FocusPick.id).label("id")).where(FocusPick.list_id == list_id)
                  .group_by(FocusPick.account_id, FocusPick.bu_id).subquery())
        stmt = (select(Account.external_id, BusinessUnit.external_id, FocusPick.picked, FocusPick.author,
                       FocusPick.author_role, FocusPick.created_at)
                .join(latest, latest.c.id == FocusPick.id)
                .join(Account, Account.id == FocusPick.account_id)
                .outerjoin(BusinessUnit, BusinessUnit.id == FocusPick.bu_id)
                .order_by(Account.external_id, BusinessUnit.external_id))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=PICK_COLUMNS)
        return frame.astype({"picked": bool}) if len(frame) else frame
