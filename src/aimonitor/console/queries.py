"""Read queries over the store's tables (SQLAlchemy Core over `store/schema.py`).

The console, and the routes that show stored records, read through here; writes stay
in the store. Every query is bounded: by a time range over an indexed column, by a
page size, or both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select

from aimonitor.store import SqlStore, schema
from aimonitor.store.protocol import Store
from aimonitor.store.records import utc

_R = schema.requests
_A = schema.audit_log


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
