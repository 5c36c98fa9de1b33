"""Per-lead probability intervals on points (issue 19, item 1), nullable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("points") as batch:
        batch.add_column(sa.Column("probability_low", sa.Float, nullable=True))
        batch.add_column(sa.Column("probability_high", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("points") as batch:
        batch.drop_column("probability_high")
        batch.drop_column("probability_low")
