"""Mapping between records / audit entries and table rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from aimonitor.store import schema
from aimonitor.store.chain import TEXT_KINDS, AuditEntry
from aimonitor.store.records import FeedbackRecord, RequestRecord, record_fields, utc

ERASED_TEXTS: dict[str, None] = {f"text_{k}": None for k in TEXT_KINDS} | {"text_salt": None}


def request_row(event: RequestRecord) -> dict[str, Any]:
    row = record_fields(event)
    row["user_id"] = row.pop("user")
    row["created_at"] = utc(event.created_at)
    row["decision"] = str(event.decision)
    for name in schema.SCORE_COLUMNS:
        row[f"score_{name}"] = event.scores.get(name)
    return row


def feedback_row(event: FeedbackRecord) -> dict[str, Any]:
    row = record_fields(event)
    row["created_at"] = utc(event.created_at)
    return row


def request_from_row(row: Row[Any]) -> RequestRecord:
    m = row._mapping
    return RequestRecord(
        request_id=m["request_id"],
        created_at=utc(m["created_at"]),
        client=m["client"],
        user=m["user_id"],
        conversation_id=m["conversation_id"],
        scenario=m["scenario"],
        model=m["model"],
        backend=m["backend"],
        decision=m["decision"],
        status_code=m["status_code"],
        guardrails=list(m["guardrails"]),
        findings=dict(m["findings"]),
        risk_level=m["risk_level"],
        risk_domain=m["risk_domain"],
        scores=dict(m["scores"]),
        latency_ms=m["latency_ms"],
        tokens_input=m["tokens_input"],
        tokens_output=m["tokens_output"],
        tokens_estimated=bool(m["tokens_estimated"]),
        cost_eur=m["cost_eur"],
        prompt_text=m["prompt_text"],
        response_text=m["response_text"],
        error=m["error"],
        trace_id=m["trace_id"],
        ttft_ms=m["ttft_ms"],
        # Rows stored before these columns existed hold NULL.
        stage_ms=dict(m["stage_ms"] or {}),
        finding_spans=list(m["finding_spans"] or []),
        attack=dict(m["attack"] or {}),
    )


def entry_row(entry: AuditEntry) -> dict[str, Any]:
    row: dict[str, Any] = {
        "seq": entry.seq,
        "event_id": entry.event_id,
        "event_type": entry.event_type,
        "severity": entry.severity,
        "created_at": entry.created_at,
        "request_id": entry.request_id,
        "conversation_id": entry.conversation_id,
        "metadata": entry.metadata_json,
        "text_salt": entry.salt,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "writer_id": entry.writer_id,
        "writer_seq": entry.writer_seq,
    }
    for kind in TEXT_KINDS:
        row[f"text_{kind}"] = entry.texts.get(kind)
        row[f"digest_{kind}"] = entry.digests.get(kind)
    return row


def entry_from_row(row: Row[Any]) -> AuditEntry:
    m = row._mapping
    return AuditEntry(
        seq=int(m["seq"]),
        event_id=m["event_id"],
        event_type=m["event_type"],
        severity=m["severity"],
        created_at=utc(m["created_at"]),
        request_id=m["request_id"],
        conversation_id=m["conversation_id"],
        metadata_json=str(m["metadata"]),
        texts={k: m[f"text_{k}"] for k in TEXT_KINDS if m[f"text_{k}"] is not None},
        digests={k: m[f"digest_{k}"] for k in TEXT_KINDS if m[f"digest_{k}"] is not None},
        salt=m["text_salt"],
        prev_hash=m["prev_hash"],
        hash=m["hash"],
        writer_id=m["writer_id"],
        writer_seq=None if m["writer_seq"] is None else int(m["writer_seq"]),
    )
