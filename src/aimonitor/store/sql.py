"""The SQL store (SQLite or PostgreSQL through SQLAlchemy Core).

Every write that touches the audit chain locks the chain-head row first
(`SELECT ... FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), so the writers of
several server processes append one after the other to one chain and never fork it;
erasure and retention purges are the only other appenders.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from aimonitor.store import schema
from aimonitor.store.chain import (
    AuditEntry,
    seal,
    seal_event,
    verify_entries,
)
from aimonitor.store.engine import WRITE_TRANSACTION
from aimonitor.store.erasure import conversation_of, without_erased_texts
from aimonitor.store.errors import RecordRejected, StoreUnavailable
from aimonitor.store.records import (
    Event,
    FeedbackRecord,
    RequestRecord,
    Turn,
    VerifyResult,
    event_id_of,
    new_event_id,
    now_utc,
    utc,
)
from aimonitor.store.rows import (
    ERASED_TEXTS,
    entry_from_row,
    entry_row,
    feedback_row,
    request_from_row,
    request_row,
)
from aimonitor.store.slo_hours import SLO_HOUR, SloThresholds, prune, slo_hour_parts
from aimonitor.store.stats import Aggregate, Key, aggregate, stats_from

_R = schema.requests
_F = schema.feedback
_A = schema.audit_log
_H = schema.audit_chain_head
_G = schema.guardrail_configs
_S = schema.stats_aggregates


def _latest_feedback(column: Any) -> Any:
    """The request's latest feedback value of `column` (a correlated scalar subquery)."""
    return (
        select(column)
        .where(_F.c.request_id == _R.c.request_id)
        .order_by(_F.c.id.desc())
        .limit(1)
        .correlate(_R)
        .scalar_subquery()
    )


# The statements of every batch write, built once (list arguments are expanding bind
# parameters): building and cache-keying them again for each batch cost the writer
# thread more Python than running them.
_LOCK_HEAD = select(_H.c.seq, _H.c.hash).where(_H.c.id == 1).with_for_update()
_MOVE_HEAD = (
    update(_H).where(_H.c.id == 1).values(seq=bindparam("head_seq"), hash=bindparam("head_hash"))
)
_STORED_EVENT_IDS = select(_A.c.event_id).where(_A.c.event_id.in_(bindparam("ids", expanding=True)))
_LAST_ERASURES = (
    select(_A.c.conversation_id, func.max(_A.c.created_at))
    .where(
        and_(
            _A.c.event_type == "erasure",
            _A.c.conversation_id.in_(bindparam("conversation_ids", expanding=True)),
        )
    )
    .group_by(_A.c.conversation_id)
)
_APPLY_FEEDBACK = (
    update(_R)
    .where(
        and_(
            _R.c.request_id.in_(bindparam("request_ids", expanding=True)),
            select(_F.c.id).where(_F.c.request_id == _R.c.request_id).exists(),
        )
    )
    .values(
        feedback_rating=_latest_feedback(_F.c.rating),
        feedback_category=_latest_feedback(_F.c.category),
    )
)
_INSERT_REQUESTS = insert(_R)
_INSERT_FEEDBACK = insert(_F)
_INSERT_ENTRIES = insert(_A)


def _stats_upsert(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (name, key) DO UPDATE adding the batch's part."""
    # PostgreSQL's least/greatest; SQLite's min/max with two arguments do the same.
    postgres = dialect == "postgresql"
    statement: Any = postgresql_insert(_S) if postgres else sqlite_insert(_S)
    lowest = getattr(func, "least" if postgres else "min")
    highest = getattr(func, "greatest" if postgres else "max")
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[_S.c.name, _S.c.key],
        set_={
            "count": _S.c["count"] + new["count"],
            "total": _S.c.total + new.total,
            "low": lowest(_S.c.low, new.low),
            "high": highest(_S.c.high, new.high),
        },
    )


class SqlStore:
    def __init__(self, engine: Engine, slo: SloThresholds | None = None) -> None:
        self._engine = engine
        self._upsert_stats = _stats_upsert(engine.dialect.name)
        self.slo = slo or SloThresholds()  # for the hourly SLI counts (slo_hours.py)

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    # --- plumbing --------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Map database errors onto the store's two exceptions."""
        try:
            yield
        except (IntegrityError, DataError) as exc:
            raise RecordRejected(str(exc.orig)) from exc
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
        except (TypeError, ValueError) as exc:  # unserialisable data
            raise RecordRejected(str(exc)) from exc

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._guard(), self._engine.connect() as conn:
            conn = conn.execution_options(**{WRITE_TRANSACTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self, snapshot: bool = False) -> Iterator[Connection]:
        with self._guard(), self._engine.connect() as conn:
            if snapshot and self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def health(self) -> bool:
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def close(self) -> None:
        self._engine.dispose()

    # --- the chain -----------------------------------------------------------

    def _lock_head(self, conn: Connection) -> tuple[int, str]:
        row = conn.execute(_LOCK_HEAD).one()
        return int(row.seq), str(row.hash)

    def _append_entries(self, conn: Connection, entries: list[AuditEntry]) -> None:
        if not entries:
            return
        conn.execute(_INSERT_ENTRIES, [entry_row(e) for e in entries])
        last = entries[-1]
        conn.execute(_MOVE_HEAD, {"head_seq": last.seq, "head_hash": last.hash})

    def _append_own(
        self,
        conn: Connection,
        event_type: str,
        severity: str,
        created_at: datetime,
        metadata: dict[str, Any],
        conversation_id: str | None = None,
    ) -> None:
        """Append a record of the store's own doing (erasure, purge): no writer stamp."""
        seq, prev_hash = self._lock_head(conn)
        entry = seal(
            seq=seq + 1,
            prev_hash=prev_hash,
            event_id=new_event_id(),
            event_type=event_type,
            severity=severity,
            created_at=created_at,
            conversation_id=conversation_id,
            metadata=metadata,
        )
        self._append_entries(conn, [entry])

    # --- writes ----------------------------------------------------------------

    def write_batch(
        self, events: Sequence[Event], stamps: Sequence[tuple[str, int]] | None = None
    ) -> None:
        """Write events in one transaction; events already stored are skipped. `stamps`,
        one per event, are the (writer id, writer seq) of the journal they came from."""
        if not events:
            return
        with self._write() as conn:
            self._write_events(conn, events, stamps)

    def _write_events(
        self,
        conn: Connection,
        events: Sequence[Event],
        stamps: Sequence[tuple[str, int]] | None,
    ) -> None:
        seq, prev_hash = self._lock_head(conn)
        ids = [event_id_of(e) for e in events]
        stored = set(conn.scalars(_STORED_EVENT_IDS, {"ids": ids}))
        fresh: list[tuple[Event, tuple[str, int] | None]] = []
        for index, event in enumerate(events):
            event_id = event_id_of(event)
            if event_id not in stored:
                stored.add(event_id)
                fresh.append((event, None if stamps is None else stamps[index]))
        if not fresh:
            return
        conversations = self._conversations_of(conn, [event for event, _ in fresh])
        erased = self._erasures_of(conn, set(conversations.values()))
        request_rows: list[dict[str, Any]] = []
        feedback_rows: list[dict[str, Any]] = []
        new_requests: list[RequestRecord] = []
        new_feedback: list[FeedbackRecord] = []
        entries: list[AuditEntry] = []
        touched: set[str] = set()
        for event, stamp in fresh:
            seq += 1
            conversation_id = conversation_of(event, conversations)
            event = without_erased_texts(event, conversation_id, erased)
            if isinstance(event, RequestRecord):
                request_rows.append(request_row(event))
                new_requests.append(event)
                touched.add(event.request_id)
            elif isinstance(event, FeedbackRecord):
                feedback_rows.append(feedback_row(event))
                new_feedback.append(event)
                touched.add(event.request_id)
            entry = seal_event(
                event, seq=seq, prev_hash=prev_hash, conversation_id=conversation_id, writer=stamp
            )
            entries.append(entry)
            prev_hash = entry.hash
        if request_rows:
            conn.execute(_INSERT_REQUESTS, request_rows)
        if feedback_rows:
            conn.execute(_INSERT_FEEDBACK, feedback_rows)
            self._apply_feedback(conn, touched)
        elif request_rows:
            # Feedback replayed from another writer's journal may have landed first.
            self._apply_feedback(conn, touched)
        self._append_entries(conn, entries)
        if new_requests or new_feedback:
            parts = aggregate(new_requests, new_feedback)
            parts.update(slo_hour_parts(new_requests, self.slo))
            self._add_to_stats(conn, parts)
            prune(conn)

    def _add_to_stats(self, conn: Connection, parts: dict[Key, Aggregate]) -> None:
        rows = [
            {"name": name, "key": key, "count": a.count, "total": a.total, "low": a.low,
             "high": a.high}
            for (name, key), a in parts.items()
        ]  # fmt: skip
        conn.execute(self._upsert_stats, rows)

    def _conversations_of(self, conn: Connection, events: Sequence[Event]) -> dict[str, str]:
        """conversation_id of the requests that feedback events refer to."""
        known: dict[str, str] = {}
        wanted: set[str] = set()
        for event in events:
            if isinstance(event, RequestRecord) and event.conversation_id:
                known[event.request_id] = event.conversation_id
            elif isinstance(event, FeedbackRecord) and event.request_id not in known:
                wanted.add(event.request_id)
        wanted -= known.keys()
        if wanted:
            rows = conn.execute(
                select(_R.c.request_id, _R.c.conversation_id).where(_R.c.request_id.in_(wanted))
            )
            known.update({r.request_id: r.conversation_id for r in rows if r.conversation_id})
        return known

    def _erasures_of(self, conn: Connection, conversation_ids: set[str]) -> dict[str, datetime]:
        """When each of these conversations was last erased, if ever."""
        if not conversation_ids:
            return {}
        rows = conn.execute(_LAST_ERASURES, {"conversation_ids": list(conversation_ids)})
        return {r[0]: utc(r[1]) for r in rows}

    def _apply_feedback(self, conn: Connection, request_ids: set[str]) -> None:
        """Set each request's rating and category from its latest feedback."""
        conn.execute(_APPLY_FEEDBACK, {"request_ids": list(request_ids)})

    def save_guardrail_config(self, name: str, config: dict[str, Any]) -> None:
        with self._write() as conn:
            values = {"config": config, "updated_at": now_utc()}
            updated = conn.execute(update(_G).where(_G.c.name == name).values(**values))
            if updated.rowcount == 0:
                conn.execute(insert(_G).values(name=name, **values))

    def load_guardrail_configs(self) -> dict[str, dict[str, Any]]:
        with self._read() as conn:
            return {r.name: dict(r.config) for r in conn.execute(select(_G.c.name, _G.c.config))}

    # --- erasure and retention -------------------------------------------------

    def erase_conversation(self, conversation_id: str, actor: str) -> int:
        """Erase a conversation's texts everywhere, keep digests; 0 when unknown."""
        with self._write() as conn:
            request_ids = list(
                conn.scalars(
                    select(_R.c.request_id)
                    .where(_R.c.conversation_id == conversation_id)
                    .order_by(_R.c.created_at, _R.c.id)
                )
            )
            if not request_ids:
                return 0
            now = now_utc()
            conn.execute(
                update(_R)
                .where(_R.c.conversation_id == conversation_id)
                .values(prompt_text=None, response_text=None, content_erased_at=now)
            )
            conn.execute(update(_F).where(_F.c.request_id.in_(request_ids)).values(comment=None))
            conn.execute(
                update(_A)
                .where(
                    or_(_A.c.conversation_id == conversation_id, _A.c.request_id.in_(request_ids))
                )
                .values(**ERASED_TEXTS)
            )
            metadata = {
                "actor": actor,
                "conversation_id": conversation_id,
                "turns": len(request_ids),
                "request_ids": request_ids,
            }
            self._append_own(conn, "erasure", "warning", now, metadata, conversation_id)
            return len(request_ids)

    def purge_content_before(self, cutoff: datetime) -> int:
        """Erase texts older than `cutoff` (retention). Returns the requests purged; an
        audit event is written only when something was purged."""
        cutoff = utc(cutoff)
        with self._write() as conn:
            now = now_utc()
            purged = conn.execute(
                update(_R)
                .where(
                    and_(
                        _R.c.created_at < cutoff,
                        or_(_R.c.prompt_text.is_not(None), _R.c.response_text.is_not(None)),
                    )
                )
                .values(prompt_text=None, response_text=None, content_erased_at=now)
            ).rowcount
            comments = conn.execute(
                update(_F)
                .where(and_(_F.c.created_at < cutoff, _F.c.comment.is_not(None)))
                .values(comment=None)
            ).rowcount
            audit = conn.execute(
                update(_A)
                .where(and_(_A.c.created_at < cutoff, _A.c.text_salt.is_not(None)))
                .values(**ERASED_TEXTS)
            ).rowcount
            if purged or comments or audit:
                metadata = {
                    "cutoff": cutoff.isoformat(),
                    "requests": purged,
                    "feedback_comments": comments,
                    "audit_records": audit,
                }
                self._append_own(conn, "retention_purge", "info", now, metadata)
            return int(purged)

    # --- reads -----------------------------------------------------------------

    def get_request(self, request_id: str) -> RequestRecord | None:
        with self._read() as conn:
            row = conn.execute(select(_R).where(_R.c.request_id == request_id)).first()
        return None if row is None else request_from_row(row)

    def conversation(self, conversation_id: str) -> list[Turn]:
        with self._read() as conn:
            rows = conn.execute(
                select(
                    _R.c.request_id,
                    _R.c.created_at,
                    _R.c.prompt_text,
                    _R.c.response_text,
                    _R.c.scenario,
                    _R.c.decision,
                )
                .where(_R.c.conversation_id == conversation_id)
                .order_by(_R.c.created_at, _R.c.id)
            ).all()
        return [
            Turn(
                request_id=r.request_id,
                turn_index=i,
                created_at=utc(r.created_at),
                prompt_text=r.prompt_text,
                response_text=r.response_text,
                scenario=r.scenario,
                decision=r.decision,
            )
            for i, r in enumerate(rows)
        ]

    def stats(self) -> dict[str, Any]:
        with self._read(snapshot=True) as conn:
            return self._stats(conn)

    def _stats(self, conn: Connection) -> dict[str, Any]:
        rows = conn.execute(select(_S).where(_S.c.name != SLO_HOUR)).tuples()
        return stats_from(
            {(name, key): Aggregate(int(count), float(total), low, high)
             for name, key, count, total, low, high in rows}
        )  # fmt: skip

    # --- audit -----------------------------------------------------------------

    def verify_chain(self) -> VerifyResult:
        with self._read(snapshot=True) as conn:
            head = conn.execute(select(_H.c.seq, _H.c.hash).where(_H.c.id == 1)).first()
            rows = conn.execution_options(stream_results=True, yield_per=1000).execute(
                select(_A).order_by(_A.c.seq)
            )
            return verify_entries(
                (entry_from_row(r) for r in rows),
                None if head is None else (int(head.seq), str(head.hash)),
            )

    def export_audit(self, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        query = select(_A).order_by(_A.c.seq)
        if since is not None:
            query = query.where(_A.c.created_at >= utc(since))
        with self._read(snapshot=True) as conn:
            rows = conn.execution_options(stream_results=True, yield_per=1000).execute(query)
            for row in rows:
                yield entry_from_row(row).to_export()
