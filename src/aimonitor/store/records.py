"""What the store keeps: the records the pipeline hands over, and what reads return.

Records are plain frozen dataclasses. They cross a disk boundary (the journal, read back
by the writer thread or by another process after a crash), so each one round-trips
through JSON with `event_to_json` / `event_from_json`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any


def utc(value: datetime) -> datetime:
    """An aware UTC datetime. Naive values are taken as UTC: that is what SQLite gives back."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_event_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestRecord:
    """One request as the pipeline saw it: served, blocked, rate-limited or failed.

    `prompt_text` / `response_text` are already redacted (or None) according to
    AIMONITOR_AUDIT_STORE_TEXT: the store writes whatever it is given.
    """

    request_id: str
    created_at: datetime
    client: str  # pseudonymised
    scenario: str
    model: str
    backend: str
    decision: str  # an aimonitor.types.Decision value
    status_code: int
    risk_level: str
    latency_ms: float
    tokens_input: int
    tokens_output: int
    cost_eur: float
    user: str | None = None  # pseudonymised
    conversation_id: str | None = None
    guardrails: list[dict[str, str]] = field(default_factory=list)
    findings: dict[str, dict[str, int]] = field(default_factory=dict)
    risk_domain: str | None = None
    scores: dict[str, float | None] = field(default_factory=dict)
    tokens_estimated: bool = False
    prompt_text: str | None = None
    response_text: str | None = None
    error: str | None = None
    # The OpenTelemetry trace of the request; None when tracing is off.
    trace_id: str | None = None
    # Time to the first streamed token (gateway streams only).
    ttft_ms: float | None = None
    # Wall time of each pipeline stage, up to (not including) the record itself.
    stage_ms: dict[str, float] = field(default_factory=dict)
    # Where personal data was found: {"type", "stage" ("input" | "output"), "start",
    # "end"}, offsets in the text as analysed. Never the value itself.
    finding_spans: list[dict[str, Any]] = field(default_factory=list)
    # The prompt-attack detector's verdict: {"families": [...], "rules": [...]}, names
    # from the rule set and the learned model's label set (never prompt text).
    attack: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackRecord:
    """A user's rating of one answer. `event_id` makes replays idempotent."""

    request_id: str
    rating: int  # 1..5
    created_at: datetime
    comment: str | None = None
    category: str | None = None
    event_id: str = field(default_factory=new_event_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigChangeRecord:
    """Who changed which guardrail from what to what."""

    event_id: str
    created_at: datetime
    actor: str  # pseudonymised
    guardrail: str
    before: dict[str, Any]
    after: dict[str, Any]


Event = RequestRecord | FeedbackRecord | ConfigChangeRecord


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a conversation, as `GET /conversations/{id}` shows it."""

    request_id: str
    turn_index: int
    created_at: datetime
    prompt_text: str | None
    response_text: str | None
    scenario: str
    decision: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of walking the audit chain. `first_broken` is an event id, `seq:N` when
    the broken place is a record removed from the chain, or `<writer>#N` when a writer's
    record N never reached it (`missing` counts those)."""

    ok: bool
    checked: int
    first_broken: str | None = None
    reason: str | None = None
    missing: int = 0


# --- audit labels ------------------------------------------------------------

_WARNING_DECISIONS = frozenset({"blocked", "rate_limited", "error", "rejected"})


def event_type(event: Event) -> str:
    """The audit event type (`ai_audit_events_total{type}`)."""
    if isinstance(event, RequestRecord):
        return "request"
    if isinstance(event, FeedbackRecord):
        return "feedback"
    return "config_change"


def event_id_of(event: Event) -> str:
    """The id that makes a write idempotent: the request id for requests."""
    if isinstance(event, RequestRecord):
        return event.request_id
    return event.event_id


def event_severity(event: Event) -> str:
    """`info`, `warning` or `critical` (`ai_audit_events_total{severity}`)."""
    if isinstance(event, RequestRecord):
        if event.risk_level == "unacceptable":
            return "critical"
        return "warning" if event.decision in _WARNING_DECISIONS else "info"
    if isinstance(event, ConfigChangeRecord):
        return "warning"
    return "info"


# --- dicts and the JSON round trip (journal) --------------------------------------------

_KINDS: dict[str, type[RequestRecord] | type[FeedbackRecord] | type[ConfigChangeRecord]] = {
    "request": RequestRecord,
    "feedback": FeedbackRecord,
    "config_change": ConfigChangeRecord,
}


def record_fields(event: Event) -> dict[str, Any]:
    """The record as a dict, field by field (values as they are, not copied). The audit
    metadata, the table rows and the JSON lines are all built from this."""
    return {f.name: getattr(event, f.name) for f in fields(event)}


def event_to_json(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": event_type(event)}
    data.update(record_fields(event))
    data["created_at"] = utc(event.created_at).isoformat()
    return data


def event_from_json(data: dict[str, Any]) -> Event:
    """Inverse of `event_to_json`; raises ValueError on anything it does not recognise."""
    kind = data.get("kind")
    cls = _KINDS.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    known = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in known}
    values["created_at"] = utc(datetime.fromisoformat(values["created_at"]))
    try:
        return cls(**values)
    except TypeError as exc:
        raise ValueError(f"bad {kind} event: {exc}") from exc
