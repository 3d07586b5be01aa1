"""Initial schema: requests, feedback, guardrail configs, audit log and its chain head.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCORES = (
    "attack",
    "toxicity",
    "quality",
    "coherence",
    "trust",
    "compliance",
    "drift",
    "hallucination",
)
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("client", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128)),
        sa.Column("conversation_id", sa.String(128)),
        sa.Column("scenario", sa.String(16), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("guardrails", sa.JSON, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("risk_level", sa.String(16), nullable=False),
        sa.Column("risk_domain", sa.String(64)),
        sa.Column("scores", sa.JSON, nullable=False),
        *(sa.Column(f"score_{name}", sa.Float) for name in _SCORES),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("tokens_input", sa.Integer, nullable=False),
        sa.Column("tokens_output", sa.Integer, nullable=False),
        sa.Column("tokens_estimated", sa.Boolean, nullable=False),
        sa.Column("cost_eur", sa.Float, nullable=False),
        sa.Column("prompt_text", sa.Text),
        sa.Column("response_text", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("feedback_rating", sa.Integer),
        sa.Column("feedback_category", sa.String(32)),
        sa.Column("content_erased_at", _TS),
    )
    op.create_index("ix_requests_conversation", "requests", ["conversation_id", "created_at"])
    op.create_index("ix_requests_created_at", "requests", ["created_at"])
    op.create_index("ix_requests_latency", "requests", ["latency_ms"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("category", sa.String(32)),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_feedback_request", "feedback", ["request_id"])

    op.create_table(
        "guardrail_configs",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("request_id", sa.String(36)),
        sa.Column("conversation_id", sa.String(128)),
        sa.Column("metadata", sa.Text, nullable=False),
        sa.Column("text_prompt", sa.Text),
        sa.Column("text_response", sa.Text),
        sa.Column("text_comment", sa.Text),
        sa.Column("text_salt", sa.String(32)),
        sa.Column("digest_prompt", sa.String(64)),
        sa.Column("digest_response", sa.String(64)),
        sa.Column("digest_comment", sa.String(64)),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_request", "audit_log", ["request_id"])
    op.create_index("ix_audit_conversation", "audit_log", ["conversation_id"])
    op.create_index("ix_audit_created_at", "audit_log", ["created_at"])

    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    for table in ("audit_chain_head", "audit_log", "guardrail_configs", "feedback", "requests"):
        op.drop_table(table)
