"""Running aggregates behind stats(), filled from the requests and feedback stored so far.

Revision ID: 0005_stats_aggregates
Revises: 0004_console_indexes
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from aimonitor.store.records import RequestRecord
from aimonitor.store.stats import Aggregate, aggregate

revision: str = "0005_stats_aggregates"
down_revision: str | None = "0004_console_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 5000


def upgrade() -> None:
    table = op.create_table(
        "stats_aggregates",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
        sa.Column("low", sa.Float),
        sa.Column("high", sa.Float),
    )
    totals = _backfill(op.get_bind())
    if totals:
        op.bulk_insert(
            table,
            [
                {"name": n, "key": k, "count": a.count, "total": a.total, "low": a.low,
                 "high": a.high}
                for (n, k), a in totals.items()
            ],
        )  # fmt: skip


def _backfill(conn: sa.Connection) -> dict[tuple[str, str], Aggregate]:
    """The aggregates of the rows already stored, read in chunks."""
    meta = sa.MetaData()
    requests = sa.Table("requests", meta, autoload_with=conn)
    feedback = sa.Table("feedback", meta, autoload_with=conn)
    totals: dict[tuple[str, str], Aggregate] = {}

    def merge(part: dict[tuple[str, str], Aggregate]) -> None:
        for key, value in part.items():
            into = totals.setdefault(key, Aggregate())
            into.count += value.count
            into.total += value.total
            for bound in (value.low, value.high):
                if bound is not None:
                    into.low = bound if into.low is None else min(into.low, bound)
                    into.high = bound if into.high is None else max(into.high, bound)

    columns = [requests.c[name] for name in (
        "request_id", "created_at", "scenario", "status_code", "decision", "latency_ms",
        "tokens_input", "tokens_output", "cost_eur", "scores")]  # fmt: skip
    result = conn.execute(sa.select(*columns).execution_options(yield_per=_CHUNK))
    for rows in result.partitions():
        records = [
            RequestRecord(
                request_id=r.request_id, created_at=r.created_at, client="", scenario=r.scenario,
                model="", backend="", decision=r.decision, status_code=r.status_code,
                risk_level="", latency_ms=r.latency_ms, tokens_input=r.tokens_input,
                tokens_output=r.tokens_output, cost_eur=r.cost_eur, scores=dict(r.scores or {}),
            )
            for r in rows
        ]  # fmt: skip
        merge(aggregate(records, []))
    count, ratings = conn.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(feedback.c.rating), 0))
    ).one()
    if count:
        totals[("feedback", "")] = Aggregate(count=int(count), total=float(ratings))
    return totals


def downgrade() -> None:
    op.drop_table("stats_aggregates")
