"""Runs and their points (issue 19).

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("run_seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=True),
        sa.Column("model_version", sa.String(64), nullable=True),
        sa.Column("data_fingerprint", sa.String(128), nullable=True),
        sa.Column("as_of", sa.DateTime, nullable=True),
        sa.Column("n_rows", sa.Integer, nullable=False),
    )
    op.create_table(
        "points",
        sa.Column("lead_id", sa.String(64), primary_key=True),
        sa.Column("run_seq", sa.Integer, primary_key=True),
        sa.Column("as_of", sa.DateTime, nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("points", sa.Float, nullable=True),
        sa.Column("grade", sa.String(8), nullable=True),
        sa.Column("rubric_total", sa.Float, nullable=True),
        sa.Column("gate_passed", sa.Boolean, nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("timing_action", sa.String(32), nullable=True),
        sa.Column("model_version", sa.String(64), nullable=True),
        sa.Column("event_counts", sa.Text, nullable=True),
        sa.Column("last_event_at", sa.DateTime, nullable=True),
        sa.Column("memo_elements", sa.Text, nullable=True),
        sa.Column("factors", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("points")
    op.drop_table("runs")
