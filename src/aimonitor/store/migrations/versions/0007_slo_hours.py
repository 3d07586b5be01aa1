"""Hourly SLI counts in the running aggregates (slo_hours.py), for burn rates over 3 and
30 days; the requests of the last 30 days are counted with the configured thresholds.

Revision ID: 0007_slo_hours
Revises: 0006_request_detail
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

from aimonitor.store.slo_hours import SLO_HOUR, SloThresholds, backfill

revision: str = "0007_slo_hours"
down_revision: str | None = "0006_request_detail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    thresholds = context.config.attributes.get("slo_thresholds") or SloThresholds()
    backfill(op.get_bind(), thresholds)


def downgrade() -> None:
    table = sa.table("stats_aggregates", sa.column("name", sa.String))
    op.execute(table.delete().where(table.c.name == SLO_HOUR))
