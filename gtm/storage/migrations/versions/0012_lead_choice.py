"""lead unit and point person: a decision may carry the lead BU and the point person a person chose for the account,
what the evidence proposed when they chose, and their reason for choosing another (issue 25, item 1)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: Union[str, None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Nullable: a decision recorded before, or one that chooses neither, leaves the evidence's proposal in force.
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("lead_bu", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("lead_bu_proposed", sa.String(length=128), nullable=True))
        batch.add_column(sa.Column("point_person", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("point_person_proposed", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("lead_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        for column in ("lead_reason", "point_person_proposed", "point_person", "lead_bu_proposed", "lead_bu"):
            batch.drop_column(column)
