"""the deck's programme: account lists and their members, BU scores and focus picks, maturity assessments,
engagement plans

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _who() -> list[sa.Column]:
    return [sa.Column("author", sa.String(length=255), nullable=False),
            sa.Column("author_role", sa.String(length=32), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "account_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_years", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_role", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_lists")),
        sa.UniqueConstraint("name", "version", name="uq_account_lists_name_version"),
    )
    op.create_table(
        "account_list_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["account_lists.id"], ondelete="CASCADE",
                                name=op.f("fk_account_list_members_list_id_account_lists")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_account_list_members_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_list_members")),
        sa.UniqueConstraint("list_id", "account_id", name="uq_account_list_members_list_account"),
    )
    op.create_index(op.f("ix_account_list_members_list_id"), "account_list_members", ["list_id"])
    op.create_index(op.f("ix_account_list_members_account_id"), "account_list_members", ["account_id"])
    op.create_table(
        "account_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("bu_id", sa.Integer(), nullable=True),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_account_scores_account_id_accounts")),
        sa.ForeignKeyConstraint(["bu_id"], ["business_units.id"], ondelete="SET NULL",
                                name=op.f("fk_account_scores_bu_id_business_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_scores")),
    )
    op.create_index(op.f("ix_account_scores_account_id"), "account_scores", ["account_id"])
    op.create_index(op.f("ix_account_scores_bu_id"), "account_scores", ["bu_id"])
    op.create_table(
        "focus_picks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("bu_id", sa.Integer(), nullable=True),
        sa.Column("picked", sa.Boolean(), nullable=False),
        *_who(),
        sa.ForeignKeyConstraint(["list_id"], ["account_lists.id"], ondelete="CASCADE",
                                name=op.f("fk_focus_picks_list_id_account_lists")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE",
                                name=op.f("fk_focus_picks_account_id_accounts")),
        sa.ForeignKeyConstraint(["bu_id"], ["business_units.id"], ondelete="SET NULL",
                                name=op.f("fk_focus_picks_bu_id_business_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_picks")),
    )
    op.create_index(op.f("ix_focus_picks_list_id"), "focus_picks", ["list_id"])
    op.create_index(op.f("ix_focus_picks_account_id"), "focus_picks", ["account_id"])
    op.create_index(op.f("ix_focus_picks_bu_id"), "focus_picks", ["bu_id"])
    op.create_table(
        "maturity_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=128), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_who(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maturity_assessments")),
    )
    op.create_index(op.f("ix_maturity_assessments_scope"), "maturity_assessments", ["scope"])
    op.create_index(op.f("ix_maturity_assessments_assessed_on"), "maturity_assessments", ["assessed_on"])
    op.create_table(
        "engagement_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("list_name", sa.String(length=128), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_plans")),
        sa.UniqueConstraint("name", "version", name="uq_engagement_plans_name_version"),
    )


def downgrade() -> None:
    op.drop_table("engagement_plans")
    op.drop_index(op.f("ix_maturity_assessments_assessed_on"), table_name="maturity_assessments")
    op.drop_index(op.f("ix_maturity_assessments_scope"), table_name="maturity_assessments")
    op.drop_table("maturity_assessments")
    for name in ("ix_focus_picks_bu_id", "ix_focus_picks_account_id", "ix_focus_picks_list_id"):
        op.drop_index(op.f(name), table_name="focus_picks")
    op.drop_table("focus_picks")
    op.drop_index(op.f("ix_account_scores_bu_id"), table_name="account_scores")
    op.drop_index(op.f("ix_account_scores_account_id"), table_name="account_scores")
    op.drop_table("account_scores")
    op.drop_index(op.f("ix_account_list_members_account_id"), table_name="account_list_members")
    op.drop_index(op.f("ix_account_list_members_list_id"), table_name="account_list_members")
    op.drop_table("account_list_members")
    op.drop_table("account_lists")
