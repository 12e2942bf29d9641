"""People and the audit: users, the owners recorded on accounts, and the append-only audit log."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select, update

from gtm.storage.core import StoreBase, Transaction
from gtm.storage.models import Account, AuditEntry, User, utcnow


class People(StoreBase):
    """Users and their rights' inputs, account owners, and the audit log."""

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

    # ------------------------------------------------------------------ audit

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
