"""people by id: maturity scores, account lists and scenarios keep who wrote them by user id (the email), not only
by display name, which two people may share

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: Union[str, None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_COLUMNS = (("maturity_assessments", "author_id"), ("account_lists", "created_by_id"), ("scenarios", "created_by_id"))


def upgrade() -> None:
    # Rows written before keep a null id: they are told apart by their display name, as they always were.
    for table, column in _COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length=320), nullable=True))


def downgrade() -> None:
    for table, column in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
