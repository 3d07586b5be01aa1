"""The data of one request as it goes through the pipeline, and small helpers."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Final

from aimonitor.types import (
    Decision,
    Finding,
    GuardrailTrigger,
    RiskAssessment,
    ScanResult,
    Scenario,
)


@dataclass(frozen=True, slots=True)
class PredictInput:
    prompt: str
    scenario: Scenario
    user_id: str | None = None
    conversation_id: str | None = None
    context: str | list[str] | None = None


@dataclass(frozen=True, slots=True)
class ClientInfo:
    api_key: str | None = None
    address: str | None = None


@dataclass(slots=True)
class PredictOutcome:
    """What happened to one request; `body` is the JSON answer."""

    status_code: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RequestState:
    """Everything gathered about a request while it goes through the stages."""

    request_id: str
    started: float
    scenario: Scenario
    client: str
    user: str | None
    conversation_id: str | None
    decision: Decision = Decision.SERVED
    status_code: int = 200
    triggers: list[GuardrailTrigger] = field(default_factory=list)
    input_scan: ScanResult | None = None
    output_scan: ScanResult | None = None
    risk: RiskAssessment | None = None
    findings_in: dict[str, int] = field(default_factory=dict)
    findings_out: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    model_prompt: str | None = None
    answer: str | None = None
    stored_prompt: str | None = None
    stored_response: str | None = None
    tokens_input: int = 0
    tokens_output: int = 0
    tokens_estimated: bool = True
    cost_eur: float = 0.0
    error: str | None = None
    model: str = ""


class StageTimer:
    """Times one stage into its histogram child, inside the stage's span. A class
    rather than a generator: it runs six times per request."""

    __slots__ = ("_histogram", "_span", "_start")

    def __init__(self, histogram: Any, span: AbstractContextManager[Any]) -> None:
        self._histogram = histogram
        self._span = span
        self._start = 0.0

    def __enter__(self) -> None:
        self._start = time.perf_counter()
        self._span.__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        try:
            self._histogram.observe(time.perf_counter() - self._start)
        finally:
            suppressed = self._span.__exit__(exc_type, exc, tb)
        return suppressed


def count_types(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.type] = counts.get(finding.type, 0) + 1
    return counts


class MetricChildren:
    """Metric children by (metric, label values). Every label set is closed, and
    prometheus_client's `labels()` validates and takes a lock on each call."""

    def __init__(self) -> None:
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}

    def __call__(self, metric: Any, *values: str) -> Any:
        key = (id(metric), values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child


class RecentRequests:
    """request_id -> scenario of recent requests, so that feedback can be checked and
    attributed without waiting for the asynchronous store write."""

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


_STATUS_LABELS: Final = {
    Decision.SERVED: "success",
    Decision.REDACTED: "success",
    Decision.BLOCKED: "blocked",
    Decision.RATE_LIMITED: "rate_limited",
    Decision.REJECTED: "rejected",
    Decision.ERROR: "error",
}


def status_label(decision: Decision) -> str:
    return _STATUS_LABELS[decision]


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
