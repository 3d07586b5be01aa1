"""Every metric write of the service, in one place.

The catalogue of metrics is `aimonitor.telemetry.metrics`; this module decides what a
finished request, a feedback, an audit writer event or a scrape adds to them. Nothing
else in the service calls `inc`, `observe` or `set`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from aimonitor.pipeline.state import RequestState, count_types, status_label
from aimonitor.rolling import RollingMean
from aimonitor.signals.compliance import RollingCompliance
from aimonitor.store import Event, event_severity, event_type
from aimonitor.telemetry.metrics import Metrics
from aimonitor.types import Action, Decision, GuardrailTrigger, Scenario

ATTACK_INJECTION_FAMILIES = frozenset(
    {
        "instruction_override",
        "role_manipulation",
        "system_prompt_extraction",
        "indirect_injection",
        "payload_splitting",
        # Families the learned tier names when it decides alone.
        "data_exfiltration",
        "obfuscation",
    }
)
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricChildren:
    """Metric children by (metric, label values): `labels()` validates and locks on
    every call, and every label set here is closed."""

    def __init__(self) -> None:
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}

    def __call__(self, metric: Any, *values: str) -> Any:
        key = (id(metric), values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child


class Meter:
    """Writes the metrics; holds the rolling summaries behind the summary gauges
    (each worker process keeps its own, see docs/telemetry.md)."""

    def __init__(self, metrics: Metrics, quality_threshold: float) -> None:
        self.metrics = metrics
        self.child = MetricChildren()
        self.quality_threshold = quality_threshold
        self.coherence = RollingMean(200)
        self.trust_by_scenario = {s: RollingMean(200) for s in Scenario}
        self.compliance = RollingCompliance(window=500)
        # True while audit records reach the store (for the compliance check).
        self.store_healthy = True
        self._seen: dict[int, int] = {}
        self.build_labels: dict[str, str] = {}

    def models_served(self, models: list[tuple[str, str]]) -> None:
        """Streaming series at zero for each configured (provider, model label), so that
        rates and quantiles over them exist before the first stream."""
        for provider, model in models:
            self.child(self.metrics.gen_ai_ttft, "chat", provider, model)
            self.child(self.metrics.gen_ai_tpot, "chat", provider, model)

    def built(self, version: str, backend: str) -> None:
        self.build_labels = {"version": version, "backend": backend}
        self.metrics.build_info.info(self.build_labels)

    # ------------------------------------------------------------------ requests
    def request_started(self) -> None:
        self.metrics.inflight.inc()

    def request_finished(self, state: RequestState, budget_remaining: float | None) -> None:
        m, child = self.metrics, self.child
        m.inflight.dec()
        scenario = state.scenario.value
        latency_s = state.latency_ms / 1000.0
        child(m.requests, scenario, status_label(state.decision)).inc()
        exemplar = {"trace_id": state.trace_id} if state.trace_id else None
        child(m.latency, scenario).observe(latency_s, exemplar=exemplar)
        if state.error:
            child(m.request_errors, scenario, state.error).inc()
        for stage, seconds in state.stage_seconds.items():
            child(m.stage_duration, stage).observe(seconds)
        for detector, seconds in state.detector_seconds.items():
            child(m.detector_duration, detector).observe(seconds)
        m.prompt_length.observe(len(state.prompt))
        for trigger in state.triggers:
            self._trigger(trigger)
        self._security(state)
        self._model(state)
        if budget_remaining is not None:
            m.budget_remaining.set(budget_remaining)
        if state.signals is not None:
            self._signals(state)
        self._slis(state)
        if state.conversation_id and state.status_code == 200:
            child(m.conversation_turns, scenario).inc()
            m.conversation_length.observe(len(state.history) + 1)
            if "conversation_age_s" in state.extra:
                m.conversation_duration.observe(state.extra["conversation_age_s"])

    def _trigger(self, trigger: GuardrailTrigger) -> None:
        m = self.metrics
        self.child(m.guardrail_triggers, trigger.guardrail, trigger.action.value).inc()
        if trigger.action is Action.BLOCK:
            self.child(m.guardrail_blocked, trigger.guardrail).inc()
            if trigger.guardrail == "pii_protection":
                m.pii_blocked_requests.inc()
            if trigger.guardrail == "rate_limiter":
                m.rate_limit_events.inc()

    def _security(self, state: RequestState) -> None:
        """Security metrics count what was seen, whatever the decision."""
        m, child = self.metrics, self.child
        if state.input_scan is not None:
            scan = state.input_scan
            m.prompt_security.observe(1.0 - scan.attack.score)
            for pii_type, count in count_types(scan.findings).items():
                child(m.pii_detected, pii_type, "input").inc(count)
            if scan.attack.detected:
                families = set(scan.attack.families)
                if "jailbreak" in families:
                    m.jailbreak_attempts.inc()
                if families & ATTACK_INJECTION_FAMILIES or not families:
                    m.injection_attempts.inc()
            for category in scan.toxicity.categories if scan.toxicity.detected else ():
                child(m.toxicity_events, "input", category).inc()
        if state.output_scan is not None:
            for pii_type, count in count_types(state.output_scan.findings).items():
                child(m.pii_detected, pii_type, "output").inc(count)
            toxicity = state.output_scan.toxicity
            for category in toxicity.categories if toxicity.detected else ():
                child(m.toxicity_events, "output", category).inc()
        if state.risk is not None:
            child(m.risky_responses, state.risk.level.value).inc()

    def _model(self, state: RequestState) -> None:
        m, child = self.metrics, self.child
        if state.model_seconds is None:
            return
        outcome = state.error or "ok"
        model = state.model_label
        child(m.model_duration, state.backend, outcome).observe(state.model_seconds)
        if state.error:
            child(m.upstream_errors, state.backend, state.error).inc()
        child(m.gen_ai_duration, "chat", state.provider, model, state.error or "").observe(
            state.model_seconds
        )
        if state.time_to_first_token_s is not None:
            child(m.gen_ai_ttft, "chat", state.provider, model).observe(state.time_to_first_token_s)
            if state.tokens_output > 1:
                per_token = (state.model_seconds - state.time_to_first_token_s) / (
                    state.tokens_output - 1
                )
                child(m.gen_ai_tpot, "chat", state.provider, model).observe(max(0.0, per_token))
        if not (state.tokens_input or state.tokens_output):
            return
        estimated = "true" if state.tokens_estimated else "false"
        child(m.tokens_input, model, estimated).inc(state.tokens_input)
        child(m.tokens_output, model, estimated).inc(state.tokens_output)
        child(m.cost, model).inc(state.cost_eur)
        for token_type, count in (("input", state.tokens_input), ("output", state.tokens_output)):
            child(m.gen_ai_tokens, "chat", state.provider, model, token_type).observe(count)

    def _signals(self, state: RequestState) -> None:
        m, child, signals = self.metrics, self.child, state.signals
        assert signals is not None
        scenario = state.scenario.value
        quality, drift, trust, compliance = (
            signals.quality,
            signals.drift,
            signals.trust,
            signals.compliance,
        )
        child(m.quality, scenario).observe(quality.score)
        m.coherence.set(self.coherence.add(quality.coherence))
        if quality.refusal:
            m.refusals.inc()
        for source in signals.hallucination.sources:
            child(m.hallucinations, scenario, source).inc()
        if drift.ready:
            m.drift_score.set(drift.score)
            for dimension, value in drift.dimensions.items():
                child(m.drift_dimension, dimension).set(value)
        if drift.episode_started:
            child(m.drift_alerts, drift.episode_started).inc()
        m.trust_score.observe(trust.score)
        child(m.trust_index, scenario).set(self.trust_by_scenario[state.scenario].add(trust.score))
        self.compliance.add(compliance.score)
        m.compliance_score.set(self.compliance.value)
        for check, passed in compliance.checks.items():
            if passed is not None:
                child(m.compliance_checks, check, "pass" if passed else "fail").inc()
        quality_ok = quality.score >= self.quality_threshold
        (m.sli_quality_success if quality_ok else m.sli_quality_violations).inc()

    def _slis(self, state: RequestState) -> None:
        m = self.metrics
        if sli_available(state) is not None:
            available = state.status_code < 500
            (m.sli_availability_success if available else m.sli_availability_violations).inc()
        if state.status_code == 200:
            fast = state.latency_ms / 1000.0 <= self.metrics.latency_threshold_s
            (m.sli_latency_success if fast else m.sli_latency_violations).inc()

    # ------------------------------------------------------------------ HTTP
    def http_request(self, method: str, path: str, status: int, seconds: float) -> None:
        # Methods are a closed set: anything a client invents is counted as OTHER.
        label = method if method in HTTP_METHODS else "OTHER"
        self.child(self.metrics.http_duration, label, path, f"{status // 100}xx").observe(seconds)

    # ------------------------------------------------------------------ feedback
    def feedback(self, rating: int, category: str, scenario: str, satisfaction: float) -> None:
        m = self.metrics
        m.feedback.labels(str(rating), category).inc()
        m.feedback_rating.observe(rating)
        m.satisfaction.set(satisfaction)
        if category == "hallucination":
            m.hallucinations.labels(scenario, "user_feedback").inc()

    # ------------------------------------------------------------------ guardrails
    def guardrails_configured(self, enabled: Mapping[str, bool]) -> None:
        for name, on in enabled.items():
            self.metrics.guardrail_enabled.labels(name).set(1 if on else 0)

    def guardrail_changed(self, name: str) -> None:
        self.metrics.guardrail_config_changes.labels(name).inc()

    def budget_configured(self, total_eur: float) -> None:
        self.metrics.budget_total.set(total_eur)
        self.metrics.budget_remaining.set(total_eur)

    # ------------------------------------------------------------------ store
    def store_up(self, up: bool) -> None:
        self.metrics.store_up.set(1 if up else 0)

    def on_write_failure(self) -> None:
        self.store_healthy = False
        self.metrics.audit_write_failures.inc()
        self.metrics.store_up.set(0)

    def on_replayed(self, n: int) -> None:
        self.metrics.audit_replayed.inc(n)

    def on_written(self, events: Sequence[Event]) -> None:
        self.on_written_counts(
            Counter((event_type(event), event_severity(event)) for event in events)
        )

    def on_written_counts(self, counts: Mapping[tuple[str, str], int]) -> None:
        self.store_healthy = True
        self.metrics.store_up.set(1)
        for (kind, severity), n in counts.items():
            self.metrics.audit_events.labels(kind, severity).inc(n)

    def queue_depth(self, n: int) -> None:
        self.metrics.audit_queue_depth.set(n)

    def erased(self) -> None:
        self.metrics.audit_events.labels("erasure", "warning").inc()

    def retention_purged(self) -> None:
        self.metrics.audit_events.labels("retention_purge", "info").inc()

    # ------------------------------------------------------------------ scrape
    def burn_rates(self, rates: Mapping[str, float]) -> None:
        for slo_name, rate in rates.items():
            self.metrics.burn_rate.labels(slo_name).set(rate)

    def conversations_active(self, n: int) -> None:
        self.metrics.active_conversations.set(n)

    def failures_seen(self, otlp: int, rate_limit_storage: int, log_records: int) -> None:
        """Carry failure totals kept by components into their counters."""
        m = self.metrics
        for counter, current in (
            (m.exporter_failures.labels("otlp"), otlp),
            (m.rate_limit_storage_errors, rate_limit_storage),
            (m.log_records_dropped, log_records),
        ):
            seen = self._seen.get(id(counter), 0)
            if current > seen:
                counter.inc(current - seen)
                self._seen[id(counter)] = current


def sli_available(state: RequestState) -> bool | None:
    """Availability counts requests that reached the model; None for the others."""
    if state.decision in (Decision.SERVED, Decision.REDACTED, Decision.ERROR) or (
        state.decision is Decision.BLOCKED and state.output_scan is not None
    ):
        return state.status_code < 500
    return None
