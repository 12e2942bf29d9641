"""one active matrix version, one active rule version per kind: repaired, then kept by partial unique indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

matrix_versions = sa.table("matrix_versions", sa.column("id", sa.Integer), sa.column("is_active", sa.Boolean),
                           sa.column("created_at", sa.DateTime(timezone=True)))
rule_versions = sa.table("rule_versions", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                         sa.column("is_active", sa.Boolean), sa.column("created_at", sa.DateTime(timezone=True)))


def _keep_newest(conn: sa.Connection, table: sa.TableClause, where: sa.ColumnElement[bool]) -> None:
    """Several active rows (concurrent saves before 0003): the newest stays active, the others are deactivated."""
    newest = conn.execute(sa.select(table.c.id).where(where, table.c.is_active.is_(True))
                          .order_by(table.c.created_at.desc(), table.c.id.desc()).limit(1)).scalar()
    if newest is not None:
        conn.execute(sa.update(table).where(where, table.c.is_active.is_(True), table.c.id != newest)
                     .values(is_active=False))


def upgrade() -> None:
    conn = op.get_bind()
    _keep_newest(conn, matrix_versions, sa.true())
    for kind in conn.execute(sa.select(rule_versions.c.kind).distinct()).scalars().all():
        _keep_newest(conn, rule_versions, rule_versions.c.kind == kind)
    op.create_index("uq_matrix_versions_one_active", "matrix_versions", ["is_active"], unique=True,
                    postgresql_where=sa.text("is_active"), sqlite_where=sa.text("is_active"))
    op.create_index("uq_rule_versions_one_active", "rule_versions", ["kind"], unique=True,
                    postgresql_where=sa.text("is_active"), sqlite_where=sa.text("is_active"))


def downgrade() -> None:
    op.drop_index("uq_rule_versions_one_active", table_name="rule_versions")
    op.drop_index("uq_matrix_versions_one_active", table_name="matrix_versions")
