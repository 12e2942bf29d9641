"""indexes for every filter the pages use: opportunities by account and BU, accounts by owner and parent,
reviews by BU, decisions by matrix version

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0006"
down_revision: Union[str, None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (name, table, columns). The (account_id, bu_id) pair replaces the index on account_id alone: it serves every
# query by account as well, and "the account's opportunities of one BU" without a second lookup, at no extra
# cost to an import.
_NEW = (
    ("ix_opportunities_account_id_bu_id", "opportunities", ["account_id", "bu_id"]),
    ("ix_accounts_owner", "accounts", ["owner"]),
    ("ix_accounts_parent_external_id", "accounts", ["parent_external_id"]),
    ("ix_reviews_bu_id", "reviews", ["bu_id"]),
    ("ix_decisions_matrix_version_id", "decisions", ["matrix_version_id"]),
)


def upgrade() -> None:
    for name, table, columns in _NEW:
        op.create_index(name, table, columns)
    op.drop_index("ix_opportunities_account_id", table_name="opportunities")


def downgrade() -> None:
    op.create_index("ix_opportunities_account_id", "opportunities", ["account_id"])
    for name, table, _ in reversed(_NEW):
        op.drop_index(name, table_name=table)
