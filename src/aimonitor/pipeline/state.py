"""What travels through the stages: one `RequestState` per request.

An adapter (`/predict`, `/v1/chat/completions`) fills in what the client sent; each
stage reads what the earlier ones left and adds its part; the last stage records it.
A stage that answers the request early sets `state.stop` (status code and body); the
runner then skips to the record stage.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from aimonitor.types import (
    AttackResult,
    Decision,
    Finding,
    GuardrailTrigger,
    RiskAssessment,
    ScanResult,
    Scenario,
)

if TYPE_CHECKING:
    from aimonitor.pipeline.model_call import ModelCall


@dataclass(frozen=True, slots=True)
class Message:
    """One text of a chat request that the analyses judge: a message's content, or one
    text part of it. `index` is the message's position in the request's list, `part`
    the part's position in its content array (None for a plain string content)."""

    role: str
    text: str
    index: int
    part: int | None = None


@dataclass(slots=True)
class Stop:
    """An early answer: the request is refused or failed before it was served."""

    status_code: int
    reason: str
    guardrail: str | None = None
    error: str | None = None  # upstream error kind, for 5xx
    retry_after_s: int | None = None
    stage: str | None = None


@dataclass(slots=True)
class Signals:
    """What the signals stage measured on a served answer."""

    quality: Any
    hallucination: Any
    drift: Any
    trust: Any
    compliance: Any
    security: float
    transparency_notice: str | None


@dataclass(slots=True)
class RequestState:
    """Everything gathered about one request while it goes through the stages."""

    route: str  # "predict" or "chat": guardrail policy may differ per route
    prompt: str  # the text the input analyses judge (the user's prompt, or the chat's turns)
    scenario: Scenario = Scenario.A
    client: str = ""  # pseudonym of the client (key name, or keyed hash of the address)
    client_name: str = "anonymous"  # bounded label: a client key's name, or "anonymous"
    rate_limit_per_minute: int | None = None  # the client key's own limit, if it has one
    daily_budget_eur: float | None = None  # the client key's own budget, if it has one
    user: str | None = None  # pseudonym of the end user
    conversation_id: str | None = None  # already pseudonymised when client-chosen
    context: str | None = None  # documents the answer should be grounded in
    messages: list[Message] = field(default_factory=list)  # chat: texts to analyse
    model_requested: str | None = None
    model_call: ModelCall | None = None  # when the adapter chose the model per request
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started: float = field(default_factory=time.perf_counter)

    decision: Decision = Decision.SERVED
    stop: Stop | None = None
    triggers: list[GuardrailTrigger] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    detector_seconds: dict[str, float] = field(default_factory=dict)

    input_scan: ScanResult | None = None
    risk: RiskAssessment | None = None
    model_prompt: str | None = None  # what the model was sent (redacted when needed)
    # chat: (message index, part index) -> the redacted text the model is sent
    redacted_messages: dict[tuple[int, int | None], str] = field(default_factory=dict)
    stored_prompt: str | None = None
    history: tuple[tuple[str, str], ...] = ()

    backend: str = ""
    provider: str = ""
    model: str = ""
    model_label: str = ""  # the model's price-table name: a bounded metric label
    model_seconds: float | None = None
    answer_raw: str | None = None  # the model's text, before output guardrails
    answer: str | None = None  # what the client receives
    finish_reason: str | None = None
    output_scan: ScanResult | None = None
    stored_response: str | None = None
    time_to_first_token_s: float | None = None
    cancelled: bool = False

    tokens_input: int = 0
    tokens_output: int = 0
    tokens_estimated: bool = True
    cost_eur: float = 0.0
    scores: dict[str, float | None] = field(default_factory=dict)
    signals: Signals | None = None
    latency_ms: float = 0.0
    trace_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # adapter-specific (e.g. upstream JSON)

    @property
    def status_code(self) -> int:
        return self.stop.status_code if self.stop else 200

    @property
    def error(self) -> str | None:
        return self.stop.error if self.stop else None

    def refuse(self, decision: Decision, stop: Stop) -> RequestState:
        self.decision = decision
        self.stop = stop
        return self


_STATUS_LABELS: Final = {
    Decision.SERVED: "success",
    Decision.REDACTED: "success",
    Decision.BLOCKED: "blocked",
    Decision.RATE_LIMITED: "rate_limited",
    Decision.REJECTED: "rejected",
    Decision.ERROR: "error",
    Decision.CANCELLED: "cancelled",
}


def status_label(decision: Decision) -> str:
    return _STATUS_LABELS[decision]


def count_types(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.type] = counts.get(finding.type, 0) + 1
    return counts


def finding_spans(findings: tuple[Finding, ...], stage: str) -> list[dict[str, Any]]:
    """Where each finding is: type and offsets, never the value."""
    return [{"type": f.type, "stage": stage, "start": f.start, "end": f.end} for f in findings]


def attack_names(attack: AttackResult) -> dict[str, list[str]]:
    """The families and rules the attack detector named (empty when it named none)."""
    if not attack.families and not attack.rules:
        return {}
    return {"families": list(attack.families), "rules": list(attack.rules)}


def trigger_dict(trigger: GuardrailTrigger) -> dict[str, str]:
    return {
        "guardrail": trigger.guardrail,
        "action": trigger.action.value,
        "stage": trigger.stage,
        "reason": trigger.reason,
    }


def reveals(text: str | None, findings: tuple[Finding, ...]) -> bool:
    """True when `text` still carries the raw value of any finding."""
    return bool(text) and any(f.text and f.text in text for f in findings)  # type: ignore[operator]


def join_context(context: str | list[str] | None) -> str | None:
    if context is None or isinstance(context, str):
        return context
    return "\n\n".join(context)


class RecentRequests:
    """request_id -> scenario of recent requests, so that feedback can be checked and
    attributed before the record reaches the database."""

    def __init__(self, max_items: int = 200_000) -> None:
        self._items: dict[str, str] = {}
        self._max = max_items

    def add(self, request_id: str, scenario: str) -> None:
        if len(self._items) >= self._max:
            # Drop the oldest half; dicts keep insertion order.
            for key in list(self._items)[: self._max // 2]:
                del self._items[key]
        self._items[request_id] = scenario

    def get(self, request_id: str) -> str | None:
        return self._items.get(request_id)
