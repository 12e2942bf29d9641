"""deal outcomes: each opportunity is open, won or lost (a lost deal leaves the verdicts); the rows stored before are
read once from their stored stage and probability with the bundled stage words (data/stages.json), as an import of
them would read them today

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

import secrets
from typing import Sequence, Union

import numpy as np
import pandas as pd
import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: Union[str, None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("opportunities", sa.Column("outcome", sa.String(length=8), nullable=False, server_default="open"))
    from gtm.domain.outcomes import read_outcomes

    conn = op.get_bind()
    opportunities = sa.table("opportunities", sa.column("stage", sa.String), sa.column("probability", sa.Float),
                             sa.column("outcome", sa.String))
    # Each distinct (stage, probability) pair is read once and written with one UPDATE: a million rows hold a few
    # hundred pairs. Only pairs that read won or lost are written; the rest stay open (the column's default).
    pairs = conn.execute(sa.select(opportunities.c.stage, opportunities.c.probability).distinct()).all()
    if not pairs:
        return
    frame = pd.DataFrame(pairs, columns=["stage", "probability"])
    index = pd.RangeIndex(len(frame))
    read = read_outcomes(index, stage=frame["stage"].astype(object),
                         probability=frame["probability"].to_numpy(dtype=float, na_value=np.nan))
    changed = 0
    for (stage, probability), outcome in zip(pairs, read.outcome, strict=True):
        if outcome not in ("won", "lost"):
            continue
        where = [opportunities.c.stage.is_(None) if stage is None else opportunities.c.stage == stage,
                 opportunities.c.probability.is_(None) if probability is None
                 else opportunities.c.probability == probability]
        changed += conn.execute(sa.update(opportunities).where(*where).values(outcome=outcome)).rowcount
    if changed:
        # The portfolio changed: a new version, so that no cached frame or snapshot of the old one is read again.
        meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Integer))
        conn.execute(sa.update(meta).where(meta.c.key.in_(["data_version", "portfolio_version", "rows_version"]))
                     .values(value=meta.c.value + 1))
        conn.execute(sa.update(meta).where(meta.c.key == "portfolio_stamp")
                     .values(value=secrets.randbelow(2**31 - 2) + 1))


def downgrade() -> None:
    with op.batch_alter_table("opportunities") as batch:
        batch.drop_column("outcome")
