"""What the console's request detail shows beyond the counts: the trace id, the time to
first token, the time of each pipeline stage, where personal data was found (offsets,
never values) and the attack detector's families and rules. Rows stored before hold
NULL: their detail shows none of these.

Revision ID: 0006_request_detail
Revises: 0005_stats_aggregates
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_request_detail"
down_revision: str | None = "0005_stats_aggregates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("trace_id", sa.String(32)),
    ("ttft_ms", sa.Float()),
    ("stage_ms", sa.JSON()),
    ("finding_spans", sa.JSON()),
    ("attack", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
