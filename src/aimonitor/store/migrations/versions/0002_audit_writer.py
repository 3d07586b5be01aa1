"""Audit records carry the writer that journaled them and its sequence number.

Revision ID: 0002_audit_writer
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_audit_writer"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("writer_id", sa.String(64)))
        batch.add_column(sa.Column("writer_seq", sa.BigInteger))
        batch.create_index("ux_audit_writer", ["writer_id", "writer_seq"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ux_audit_writer")
        batch.drop_column("writer_seq")
        batch.drop_column("writer_id")
