"""results over time and account plans: every import of opportunities is dated and keeps each opportunity's outcome
and value as it left them; a focus account's plan is saved in versions. The opportunities stored before are recorded
once, as one import dated by their latest write, so the next import has something to be compared with

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07
"""

import datetime as dt
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_FACTS = ("account_id", "bu_id", "outcome", "value", "currency", "close_date")


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=255), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_index(op.f("ix_imports_as_of"), "imports", ["as_of"])
    op.create_table(
        "outcome_records",
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("bu_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        # Row ids without foreign keys but the import's (see gtm.storage.models.OutcomeRecord): PostgreSQL would check
        # and lock a parent row for each of a million records.
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], ondelete="CASCADE",
                                name=op.f("fk_outcome_records_import_id_imports")),
        sa.PrimaryKeyConstraint("opportunity_id", "import_id", name=op.f("pk_outcome_records")),
    )
    op.create_index(op.f("ix_outcome_records_import_id"), "outcome_records", ["import_id"])
    op.create_index(op.f("ix_outcome_records_account_id"), "outcome_records", ["account_id"])
    op.create_table(
        "won_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("won", sa.Float(), nullable=False),
        sa.Column("deals", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], ondelete="CASCADE",
                                name=op.f("fk_won_totals_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_won_totals")),
    )
    op.create_index("ix_won_totals_import_id_account_id", "won_totals", ["import_id", "account_id"])
    op.create_index(op.f("ix_won_totals_account_id"), "won_totals", ["account_id"])
    op.create_table(
        "account_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.String(length=320), nullable=True),
        sa.Column("created_role", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_account_plans_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_plans")),
        sa.UniqueConstraint("account_id", "version", name="uq_account_plans_account_version"),
    )
    op.create_index(op.f("ix_account_plans_account_id"), "account_plans", ["account_id"])

    # The opportunities already stored: one import, dated by their latest write (when that state came to be).
    conn = op.get_bind()
    opportunities = sa.table("opportunities", sa.column("id", sa.Integer), sa.column("updated_at", sa.DateTime),
                             *(sa.column(c) for c in _FACTS))
    stored, latest = conn.execute(sa.select(sa.func.count(), sa.func.max(opportunities.c.updated_at))).one()
    if not stored:
        return
    imports = sa.table("imports", sa.column("id", sa.Integer), sa.column("as_of", sa.Date),
                       sa.column("source", sa.String), sa.column("rows", sa.Integer), sa.column("changes", sa.Integer),
                       sa.column("recorded_by", sa.String), sa.column("recorded_at", sa.DateTime(timezone=True)))
    when = latest if isinstance(latest, dt.datetime) else dt.datetime.fromisoformat(str(latest)[:26])
    import_id = conn.execute(sa.insert(imports).values(
        as_of=when.date(), source="the opportunities stored before imports were dated (migration 0013)",
        rows=int(stored), changes=int(stored), recorded_by="migration 0013", recorded_at=when
    ).returning(imports.c.id)).scalar_one()
    records = sa.table("outcome_records", sa.column("opportunity_id", sa.Integer), sa.column("import_id", sa.Integer),
                       *(sa.column(c) for c in _FACTS))
    conn.execute(sa.insert(records).from_select(
        ["opportunity_id", "import_id", *_FACTS],
        sa.select(opportunities.c.id, sa.literal(import_id), *(opportunities.c[c] for c in _FACTS))))
    totals = sa.table("won_totals", sa.column("import_id", sa.Integer), sa.column("account_id", sa.Integer),
                      sa.column("currency", sa.String), sa.column("won", sa.Float), sa.column("deals", sa.Integer))
    o = opportunities.c
    conn.execute(sa.insert(totals).from_select(
        ["import_id", "account_id", "currency", "won", "deals"],
        sa.select(sa.literal(import_id), o.account_id, o.currency, sa.func.sum(o.value), sa.func.count())
        .where(o.outcome == "won").group_by(o.account_id, o.currency)))


def downgrade() -> None:
    op.drop_index(op.f("ix_account_plans_account_id"), table_name="account_plans")
    op.drop_table("account_plans")
    op.drop_index(op.f("ix_won_totals_account_id"), table_name="won_totals")
    op.drop_index("ix_won_totals_import_id_account_id", table_name="won_totals")
    op.drop_table("won_totals")
    op.drop_index(op.f("ix_outcome_records_account_id"), table_name="outcome_records")
    op.drop_index(op.f("ix_outcome_records_import_id"), table_name="outcome_records")
    op.drop_table("outcome_records")
    op.drop_index(op.f("ix_imports_as_of"), table_name="imports")
    op.drop_table("imports")
