"""Indexes for the console's reads: requests by decision and by client (newest first),
audit records by type (the erasure log), so that none of them walks the whole table
when what it looks for is rare or absent.

Revision ID: 0004_console_indexes
Revises: 0002_audit_writer
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004_console_indexes"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_requests_decision", "requests", ["decision", "created_at"]),
    ("ix_requests_client", "requests", ["client", "created_at"]),
    ("ix_audit_event_type", "audit_log", ["event_type", "seq"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
