"""Table definitions (SQLAlchemy Core). The migrations in `store/migrations/versions`
create exactly these; `tests/store/test_migrations.py` checks that they agree."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

# Scores copied out of the `scores` JSON into columns so that `stats()` is plain SQL.
SCORE_COLUMNS = (
    "attack",
    "toxicity",
    "quality",
    "coherence",
    "trust",
    "compliance",
    "drift",
    "hallucination",
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(36), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("client", String(128), nullable=False),
    Column("user_id", String(128)),
    Column("conversation_id", String(128)),
    Column("scenario", String(16), nullable=False),
    Column("model", String(128), nullable=False),
    Column("backend", String(32), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("guardrails", JSON, nullable=False),
    Column("findings", JSON, nullable=False),
    Column("risk_level", String(16), nullable=False),
    Column("risk_domain", String(64)),
    Column("scores", JSON, nullable=False),
    *(Column(f"score_{name}", Float) for name in SCORE_COLUMNS),
    Column("latency_ms", Float, nullable=False),
    Column("tokens_input", Integer, nullable=False),
    Column("tokens_output", Integer, nullable=False),
    Column("tokens_estimated", Boolean, nullable=False),
    Column("cost_eur", Float, nullable=False),
    Column("prompt_text", Text),
    Column("response_text", Text),
    Column("error", Text),
    Column("feedback_rating", Integer),
    Column("feedback_category", String(32)),
    Column("content_erased_at", DateTime(timezone=True)),
    Column("trace_id", String(32)),
    Column("ttft_ms", Float),
    Column("stage_ms", JSON),
    Column("finding_spans", JSON),
    Column("attack", JSON),
    Index("ix_requests_conversation", "conversation_id", "created_at"),
    Index("ix_requests_created_at", "created_at"),
    Index("ix_requests_latency", "latency_ms"),
    Index("ix_requests_decision", "decision", "created_at"),
    Index("ix_requests_client", "client", "created_at"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("request_id", String(36), nullable=False),
    Column("rating", Integer, nullable=False),
    Column("comment", Text),
    Column("category", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_feedback_request", "request_id"),
)

guardrail_configs = Table(
    "guardrail_configs",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("config", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event_type", String(32), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("request_id", String(36)),
    Column("conversation_id", String(128)),
    Column("metadata", Text, nullable=False),  # canonical JSON, exactly as hashed
    Column("text_prompt", Text),
    Column("text_response", Text),
    Column("text_comment", Text),
    Column("text_salt", String(32)),
    Column("digest_prompt", String(64)),
    Column("digest_response", String(64)),
    Column("digest_comment", String(64)),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # The journaling process and its sequence number (journal.py); NULL for records the
    # store appends itself (erasure, retention purge).
    Column("writer_id", String(64)),
    Column("writer_seq", BigInteger),
    Index("ix_audit_request", "request_id"),
    Index("ux_audit_writer", "writer_id", "writer_seq", unique=True),
    Index("ix_audit_conversation", "conversation_id"),
    Index("ix_audit_created_at", "created_at"),
    Index("ix_audit_event_type", "event_type", "seq"),
)

# Running totals behind `stats()` (stats.py), updated in the transaction of each batch.
stats_aggregates = Table(
    "stats_aggregates",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("total", Float, nullable=False),
    Column("low", Float),
    Column("high", Float),
)

# One row (id = 1): the last seq and hash. Writers lock it (SELECT ... FOR UPDATE on
# PostgreSQL) so two instances cannot fork the chain; verify compares it with the last
# record so that records removed at the end are noticed.
audit_chain_head = Table(
    "audit_chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Client API keys (aimonitor.clients): the token's SHA-256, never the token. A name
# belongs to one active key at a time; revoked rows stay for the audit trail.
client_keys = Table(
    "client_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("key_prefix", String(16), nullable=False),
    Column("rpm", Integer, nullable=False),
    Column("daily_budget_eur", Float),
    Column("allowed_models", JSON),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Index(
        "ux_client_keys_active_name",
        "name",
        unique=True,
        sqlite_where=text("revoked_at IS NULL"),
        postgresql_where=text("revoked_at IS NULL"),
    ),
)
