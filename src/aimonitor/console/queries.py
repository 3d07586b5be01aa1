"""Read queries over the store's tables (SQLAlchemy Core over `store/schema.py`).

The console, and the routes that show stored records, read through here; writes stay
in the store. Every query is bounded: by a time range over an indexed column, by a
page size, or both.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, and_, func, or_, select

from aimonitor.store import SqlStore, schema
from aimonitor.store.protocol import Store
from aimonitor.store.records import utc

_R = schema.requests
_A = schema.audit_log
_F = schema.feedback
_H = schema.audit_chain_head


def engine_of(store: Store) -> Engine | None:
    """The SQL engine behind a store, or None for a store without one."""
    return store.engine if isinstance(store, SqlStore) else None


def last_erasure(engine: Engine, conversation_id: str) -> datetime | None:
    """When the conversation was last erased (right to erasure), if ever."""
    with engine.connect() as conn:
        value = conn.scalar(
            select(func.max(_A.c.created_at)).where(
                _A.c.event_type == "erasure", _A.c.conversation_id == conversation_id
            )
        )
    return None if value is None else utc(value)


def conversation_clients(engine: Engine, conversation_id: str) -> set[str]:
    """The (pseudonymised) clients that wrote the turns of a conversation."""
    with engine.connect() as conn:
        rows = conn.scalars(
            select(_R.c.client).where(_R.c.conversation_id == conversation_id).distinct()
        )
        return set(rows)


# --- requests: search and detail ------------------------------------------------------

_SUMMARY = (
    _R.c.request_id,
    _R.c.created_at,
    _R.c.client,
    _R.c.conversation_id,
    _R.c.scenario,
    _R.c.decision,
    _R.c.status_code,
    _R.c.latency_ms,
    _R.c.cost_eur,
    _R.c.risk_level,
    _R.c.guardrails,
)


@dataclass(frozen=True, slots=True)
class RequestFilter:
    request_id: str | None = None
    conversation_id: str | None = None
    client: str | None = None
    decision: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ended: keyset pagination on (created_at, request_id), newest first."""

    created_at: datetime
    request_id: str

    def encode(self) -> str:
        raw = f"{utc(self.created_at).isoformat()}|{self.request_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        """Raises ValueError for anything that is not a cursor this module made."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            moment, _, request_id = raw.partition("|")
            created_at = utc(datetime.fromisoformat(moment))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError("invalid cursor") from exc
        if not request_id or len(request_id) > 36:
            raise ValueError("invalid cursor")
        return cls(created_at, request_id)


def search_requests(
    engine: Engine, where: RequestFilter, limit: int, after: Cursor | None = None
) -> tuple[list[Row[Any]], Cursor | None]:
    """A page of request summaries, newest first, and the cursor of the next page."""
    query = select(*_SUMMARY)
    conditions = [
        column == value
        for column, value in (
            (_R.c.request_id, where.request_id),
            (_R.c.conversation_id, where.conversation_id),
            (_R.c.client, where.client),
            (_R.c.decision, where.decision),
        )
        if value
    ]
    if where.since is not None:
        conditions.append(_R.c.created_at >= utc(where.since))
    if where.until is not None:
        conditions.append(_R.c.created_at < utc(where.until))
    if after is not None:
        conditions.append(
            or_(
                _R.c.created_at < after.created_at,
                and_(_R.c.created_at == after.created_at, _R.c.request_id < after.request_id),
            )
        )
    query = (
        query.where(*conditions)
        .order_by(_R.c.created_at.desc(), _R.c.request_id.desc())
        .limit(limit + 1)
    )
    with engine.connect() as conn:
        rows: list[Row[Any]] = list(conn.execute(query))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], Cursor(utc(last.created_at), last.request_id)


def request_detail(engine: Engine, request_id: str) -> Row[Any] | None:
    with engine.connect() as conn:
        return conn.execute(select(_R).where(_R.c.request_id == request_id)).first()


def feedback_of(engine: Engine, request_id: str) -> list[Row[Any]]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(_F.c.rating, _F.c.category, _F.c.created_at)
                .where(_F.c.request_id == request_id)
                .order_by(_F.c.id)
                .limit(20)
            )
        )


def latest_with_decision(engine: Engine, decision: str, limit: int) -> list[Row[Any]]:
    """The latest requests with this decision (the Security page's blocked list)."""
    columns = (*_SUMMARY, _R.c.score_attack, _R.c.score_toxicity, _R.c.prompt_text)
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(*columns)
                .where(_R.c.decision == decision)
                .order_by(_R.c.created_at.desc(), _R.c.request_id.desc())
                .limit(limit)
            )
        )


def recent_prompts(engine: Engine, limit: int) -> list[str]:
    """The latest stored (redacted) prompts of served requests, oldest first."""
    with engine.connect() as conn:
        texts = list(
            conn.scalars(
                select(_R.c.prompt_text)
                .where(_R.c.decision.in_(("served", "redacted")), _R.c.prompt_text.is_not(None))
                .order_by(_R.c.created_at.desc())
                .limit(limit)
            )
        )
    return [str(text) for text in reversed(texts)]


# --- audit ---------------------------------------------------------------------------

ERASURE_EVENTS = ("erasure", "retention_purge")


def chain_head(engine: Engine) -> tuple[int, datetime | None]:
    """The last sequence number of the audit chain and when it was written."""
    with engine.connect() as conn:
        head = conn.scalar(select(_H.c.seq).where(_H.c.id == 1))
        if not head:
            return 0, None
        created = conn.scalar(select(_A.c.created_at).where(_A.c.seq == head))
    return int(head), None if created is None else utc(created)


def erasure_log(engine: Engine, limit: int) -> list[Row[Any]]:
    """The latest erasures and retention purges, newest first."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(
                    _A.c.seq,
                    _A.c.event_type,
                    _A.c.created_at,
                    _A.c.conversation_id,
                    _A.c.metadata,
                )
                .where(_A.c.event_type.in_(ERASURE_EVENTS))
                .order_by(_A.c.seq.desc())
                .limit(limit)
            )
        )
