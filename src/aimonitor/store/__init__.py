"""The store: request records, conversations, feedback, guardrail configuration and the
hash-chained audit trail, in SQLite (default) or PostgreSQL.

    store = open_store(settings.resolved_database_url, settings.data_dir)
    writer = AsyncWriter(store, settings.data_dir / "journal", observer=...)
    writer.start(); writer.submit(record); ...; writer.stop()

Each server process has its own writer; several processes append to one database and
one audit chain (the chain head is locked per transaction).

See docs/store.md and docs/audit.md.
"""

from __future__ import annotations

from aimonitor.store.chain import AuditEntry
from aimonitor.store.errors import RecordRejected, StoreError, StoreUnavailable
from aimonitor.store.factory import memory_store, open_store
from aimonitor.store.protocol import AuditWriter, Store
from aimonitor.store.records import (
    ConfigChangeRecord,
    Event,
    FeedbackRecord,
    RequestRecord,
    Turn,
    VerifyResult,
    event_severity,
    event_type,
)
from aimonitor.store.sql import SqlStore
from aimonitor.store.writer import AsyncWriter, WriterObserver

__all__ = [
    "AsyncWriter",
    "AuditEntry",
    "AuditWriter",
    "ConfigChangeRecord",
    "Event",
    "FeedbackRecord",
    "RecordRejected",
    "RequestRecord",
    "SqlStore",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "Turn",
    "VerifyResult",
    "WriterObserver",
    "event_severity",
    "event_type",
    "memory_store",
    "open_store",
]
