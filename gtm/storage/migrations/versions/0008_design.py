"""organisation design: the economics' assumptions in versions, saved scenarios and their structures per account

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _who() -> list[sa.Column]:
    return [sa.Column("created_by", sa.String(length=255), nullable=False),
            sa.Column("created_role", sa.String(length=32), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "design_assumptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_who(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_design_assumptions")),
        sa.UniqueConstraint("version", name=op.f("uq_design_assumptions_version")),
    )
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=128), nullable=True),
        sa.Column("base", sa.String(length=160), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_who(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenarios")),
        sa.UniqueConstraint("name", "version", name="uq_scenarios_name_version"),
    )
    op.create_table(
        "scenario_structures",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("approach", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["scenario_id"], ["scenarios.id"], ondelete="CASCADE",
                                name=op.f("fk_scenario_structures_scenario_id_scenarios")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_scenario_structures_account_id_accounts")),
        sa.PrimaryKeyConstraint("scenario_id", "account_id", name=op.f("pk_scenario_structures")),
    )
    op.create_index(op.f("ix_scenario_structures_account_id"), "scenario_structures", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_scenario_structures_account_id"), table_name="scenario_structures")
    op.drop_table("scenario_structures")
    op.drop_table("scenarios")
    op.drop_table("design_assumptions")
