"""diagnosis on real CRM data: undiagnosed natures, attributes, overrides, rule versions, currencies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.alter_column("nature", existing_type=sa.String(length=32), nullable=True)
        batch_op.add_column(sa.Column("currency", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("product_family", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("attributes", sa.JSON(), nullable=True))
    # What the old default rule called information exchange was never evidence: it is not yet diagnosed.
    op.execute("UPDATE opportunities SET nature = NULL, nature_source = 'undiagnosed' "
               "WHERE nature_source = 'diagnosed' AND diagnosis_rule = 'default-info-exchange'")
    op.execute("UPDATE opportunities SET nature_source = 'rule' WHERE nature_source = 'diagnosed'")
    op.create_table(
        "nature_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opportunity_id", sa.Integer(), nullable=False),
        sa.Column("nature", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["opportunity_id"], ["opportunities.id"],
                                name=op.f("fk_nature_overrides_opportunity_id_opportunities"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nature_overrides")),
    )
    with op.batch_alter_table("nature_overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nature_overrides_opportunity_id"), ["opportunity_id"], unique=False)
    op.create_table(
        "rule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_versions")),
        sa.UniqueConstraint("kind", "name", name="uq_rule_versions_kind_name"),
    )
    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_versions_kind"), ["kind"], unique=False)
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "exchange_rates",
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("currency", name=op.f("pk_exchange_rates")),
    )


def downgrade() -> None:
    op.drop_table("exchange_rates")
    op.drop_table("settings")
    with op.batch_alter_table("rule_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_versions_kind"))
    op.drop_table("rule_versions")
    with op.batch_alter_table("nature_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nature_overrides_opportunity_id"))
    op.drop_table("nature_overrides")
    op.execute("UPDATE opportunities SET nature_source = 'diagnosed' WHERE nature_source = 'rule'")
    op.execute("UPDATE opportunities SET nature = 'info_exchange', nature_source = 'diagnosed', "
               "diagnosis_rule = 'default-info-exchange' WHERE nature IS NULL")
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_column("attributes")
        batch_op.drop_column("product_family")
        batch_op.drop_column("currency")
        batch_op.alter_column("nature", existing_type=sa.String(length=32), nullable=False)
