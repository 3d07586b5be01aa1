"""An in-memory store with the same behaviour as `SqlStore` (chain, erasure, stats),
for tests of the code that uses a store. `set_available(False)` simulates an outage:
`health()` turns False and every call raises `StoreUnavailable`."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from statistics import fmean
from typing import Any

from aimonitor.store.chain import (
    GENESIS_HASH,
    AuditEntry,
    erase_texts,
    seal,
    seal_event,
    verify_entries,
)
from aimonitor.store.erasure import conversation_of, without_erased_texts
from aimonitor.store.errors import StoreUnavailable
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
from aimonitor.store.schema import SCORE_COLUMNS
from aimonitor.store.stats import (
    HALLUCINATION_THRESHOLD,
    PERCENTILES,
    empty_stats,
    nearest_rank_index,
    rounded,
)


class InMemoryStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._available = True
        self._requests: dict[str, RequestRecord] = {}  # insertion ordered
        self._feedback: list[FeedbackRecord] = []
        self._ratings: dict[str, tuple[int, str | None]] = {}
        self._audit: list[AuditEntry] = []
        self._event_ids: set[str] = set()
        self._head: tuple[int, str] = (0, GENESIS_HASH)
        self._configs: dict[str, dict[str, Any]] = {}
        self._erased_at: dict[str, datetime] = {}  # conversation -> last erasure

    # --- test hooks --------------------------------------------------------------

    def set_available(self, available: bool) -> None:
        self._available = available

    def audit_entries(self) -> list[AuditEntry]:
        with self._lock:
            return list(self._audit)

    def feedback_rating(self, request_id: str) -> tuple[int, str | None] | None:
        """(rating, category) of a request's latest feedback, as the SQL store keeps it."""
        return self._ratings.get(request_id)

    def _check(self) -> None:
        if not self._available:
            raise StoreUnavailable("in-memory store set unavailable")

    # --- the store interface -----------------------------------------------------

    def health(self) -> bool:
        return self._available

    def close(self) -> None:
        pass

    def _append(self, entry: AuditEntry) -> None:
        self._audit.append(entry)
        self._event_ids.add(entry.event_id)
        self._head = (entry.seq, entry.hash)

    def write_batch(self, events: Sequence[Event]) -> None:
        self._check()
        with self._lock:
            for event in events:
                if event_id_of(event) in self._event_ids:
                    continue
                conversation_id = conversation_of(event, self._conversation_of_request(event))
                event = without_erased_texts(event, conversation_id, self._erased_at)
                if isinstance(event, RequestRecord):
                    self._requests[event.request_id] = event
                elif isinstance(event, FeedbackRecord):
                    self._feedback.append(event)
                    self._ratings[event.request_id] = (event.rating, event.category)
                seq, prev_hash = self._head
                self._append(
                    seal_event(
                        event, seq=seq + 1, prev_hash=prev_hash, conversation_id=conversation_id
                    )
                )

    def _conversation_of_request(self, event: Event) -> dict[str, str]:
        """{request_id: conversation_id} for the request a feedback event refers to."""
        if not isinstance(event, FeedbackRecord):
            return {}
        request = self._requests.get(event.request_id)
        if request is None or request.conversation_id is None:
            return {}
        return {request.request_id: request.conversation_id}

    def get_request(self, request_id: str) -> RequestRecord | None:
        self._check()
        return self._requests.get(request_id)

    def _turn_records(self, conversation_id: str) -> list[RequestRecord]:
        records = [r for r in self._requests.values() if r.conversation_id == conversation_id]
        return sorted(records, key=lambda r: utc(r.created_at))  # stable: insertion order on ties

    def conversation(self, conversation_id: str) -> list[Turn]:
        self._check()
        with self._lock:
            return [
                Turn(
                    request_id=r.request_id,
                    turn_index=i,
                    created_at=utc(r.created_at),
                    prompt_text=r.prompt_text,
                    response_text=r.response_text,
                    scenario=r.scenario,
                    decision=str(r.decision),
                )
                for i, r in enumerate(self._turn_records(conversation_id))
            ]

    def _erase(self, request_ids: set[str], audit_match: Any) -> int:
        for request_id in request_ids:
            record = self._requests[request_id]
            self._requests[request_id] = replace(record, prompt_text=None, response_text=None)
        self._feedback = [
            replace(f, comment=None) if f.request_id in request_ids else f for f in self._feedback
        ]
        erased = 0
        for i, entry in enumerate(self._audit):
            if audit_match(entry) and entry.salt is not None:
                self._audit[i] = erase_texts(entry)
                erased += 1
        return erased

    def erase_conversation(self, conversation_id: str, actor: str) -> int:
        self._check()
        with self._lock:
            records = self._turn_records(conversation_id)
            if not records:
                return 0
            ids = {r.request_id for r in records}
            now = now_utc()
            self._erased_at[conversation_id] = now
            self._erase(ids, lambda e: e.conversation_id == conversation_id or e.request_id in ids)
            seq, prev_hash = self._head
            self._append(
                seal(
                    seq=seq + 1,
                    prev_hash=prev_hash,
                    event_id=new_event_id(),
                    event_type="erasure",
                    severity="warning",
                    created_at=now,
                    conversation_id=conversation_id,
                    metadata={
                        "actor": actor,
                        "conversation_id": conversation_id,
                        "turns": len(records),
                        "request_ids": [r.request_id for r in records],
                    },
                )
            )
            return len(records)

    def purge_content_before(self, cutoff: datetime) -> int:
        self._check()
        cutoff = utc(cutoff)
        with self._lock:
            ids = {
                r.request_id
                for r in self._requests.values()
                if utc(r.created_at) < cutoff
                and (r.prompt_text is not None or r.response_text is not None)
            }
            comments = sum(
                1 for f in self._feedback if utc(f.created_at) < cutoff and f.comment is not None
            )
            self._feedback = [
                replace(f, comment=None) if utc(f.created_at) < cutoff else f
                for f in self._feedback
            ]
            audit = self._erase(ids, lambda e: e.created_at < cutoff)
            if ids or comments or audit:
                seq, prev_hash = self._head
                self._append(
                    seal(
                        seq=seq + 1,
                        prev_hash=prev_hash,
                        event_id=new_event_id(),
                        event_type="retention_purge",
                        severity="info",
                        created_at=now_utc(),
                        metadata={
                            "cutoff": cutoff.isoformat(),
                            "requests": len(ids),
                            "feedback_comments": comments,
                            "audit_records": audit,
                        },
                    )
                )
            return len(ids)

    def stats(self) -> dict[str, Any]:
        self._check()
        with self._lock:
            records = list(self._requests.values())
            ratings = [f.rating for f in self._feedback]
        result = empty_stats()
        result["feedback"] = {
            "count": len(ratings),
            "mean_rating": rounded(fmean(ratings)) if ratings else None,
        }
        if not records:
            return result
        nested: dict[str, dict[str, int]] = {}
        by_decision: dict[str, int] = {}
        for r in records:
            status = nested.setdefault(r.scenario, {})
            status[str(r.status_code)] = status.get(str(r.status_code), 0) + 1
            by_decision[str(r.decision)] = by_decision.get(str(r.decision), 0) + 1
        by_status: dict[str, int] = {}
        for statuses in nested.values():
            for code, count in statuses.items():
                by_status[code] = by_status.get(code, 0) + count
        latencies = sorted(r.latency_ms for r in records)
        hallucination = [s for r in records if (s := r.scores.get("hallucination")) is not None]
        result.update(
            total_requests=len(records),
            by_scenario={s: sum(v.values()) for s, v in nested.items()},
            by_status=by_status,
            by_scenario_status=nested,
            by_decision=by_decision,
            errors=by_decision.get("error", 0),
            blocked=by_decision.get("blocked", 0),
            rate_limited=by_decision.get("rate_limited", 0),
            tokens={
                "input": sum(r.tokens_input for r in records),
                "output": sum(r.tokens_output for r in records),
            },
            cost_eur=round(sum(r.cost_eur for r in records), 6),
            hallucination_rate=(
                rounded(
                    sum(1 for s in hallucination if s >= HALLUCINATION_THRESHOLD)
                    / len(hallucination)
                )
                if hallucination
                else None
            ),
        )
        scores: dict[str, float | None] = {}
        for name in SCORE_COLUMNS:
            values = [s for r in records if (s := r.scores.get(name)) is not None]
            scores[name] = rounded(fmean(values)) if values else None
        result["scores"] = scores
        latency: dict[str, float | None] = {"mean": rounded(fmean(latencies), 3)}
        for p in PERCENTILES:
            latency[f"p{p}"] = rounded(latencies[nearest_rank_index(len(latencies), p)], 3)
        result["latency_ms"] = latency
        return result

    def load_guardrail_configs(self) -> dict[str, dict[str, Any]]:
        self._check()
        return copy.deepcopy(self._configs)

    def save_guardrail_config(self, name: str, config: dict[str, Any]) -> None:
        self._check()
        self._configs[name] = copy.deepcopy(config)

    def verify_chain(self) -> VerifyResult:
        self._check()
        with self._lock:
            return verify_entries(list(self._audit), self._head)

    def export_audit(self, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        self._check()
        with self._lock:
            entries = list(self._audit)
        for entry in entries:
            if since is None or entry.created_at >= utc(since):
                yield entry.to_export()
