"""The last stage of a request: metrics, the audit record, the log line, and the
rolling summaries (trust, coherence, compliance) behind the gauges.

Every outcome — served, blocked, rate-limited, rejected or failed — goes through
`Emitter.finish` exactly once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from aimonitor.backends import ModelBackend
from aimonitor.config import Settings
from aimonitor.conversations import ConversationTracker
from aimonitor.pipeline.request import (
    MetricChildren,
    PredictInput,
    RecentRequests,
    RequestState,
    status_label,
    trigger_dict,
)
from aimonitor.rolling import RollingMean
from aimonitor.signals import DailyBudget, SloTracker
from aimonitor.signals.compliance import RollingCompliance
from aimonitor.store import AuditWriter, RequestRecord
from aimonitor.telemetry.logging import RequestLogger
from aimonitor.telemetry.metrics import Metrics
from aimonitor.telemetry.tracing import Tracing
from aimonitor.types import Decision, Scenario

ATTACK_INJECTION_FAMILIES = frozenset(
    {
        "instruction_override",
        "role_manipulation",
        "system_prompt_extraction",
        "indirect_injection",
        "payload_splitting",
    }
)


class Emitter:
    def __init__(
        self,
        *,
        settings: Settings,
        metrics: Metrics,
        child: MetricChildren,
        backend: ModelBackend,
        model_label: str,
        writer: AuditWriter,
        request_logger: RequestLogger,
        tracing: Tracing,
        budget: DailyBudget,
        slo: SloTracker,
        conversations: ConversationTracker,
        recent: RecentRequests,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.child = child
        self.backend = backend
        self.model_label = model_label
        self.writer = writer
        self.request_logger = request_logger
        self.tracing = tracing
        self.budget = budget
        self.slo = slo
        self.conversations = conversations
        self.recent = recent
        self.coherence = RollingMean(200)
        self.trust_by_scenario = {s: RollingMean(200) for s in Scenario}
        self.compliance = RollingCompliance(window=500)

    def observe_signals(
        self,
        state: RequestState,
        quality: Any,
        hallucination: Any,
        drift: Any,
        trust: Any,
        compliance: Any,
    ) -> None:
        m = self.metrics
        scenario = state.scenario.value
        self.child(m.quality, scenario).observe(quality.score)
        m.coherence.set(self.coherence.add(quality.coherence))
        if quality.refusal:
            m.refusals.inc()
        for source in hallucination.sources:
            self.child(m.hallucinations, scenario, source).inc()
        if drift.ready:
            m.drift_score.set(drift.score)
            for dimension, value in drift.dimensions.items():
                self.child(m.drift_dimension, dimension).set(value)
        if drift.episode_started:
            self.child(m.drift_alerts, drift.episode_started).inc()
        m.trust_score.observe(trust.score)
        self.child(m.trust_index, scenario).set(
            self.trust_by_scenario[state.scenario].add(trust.score)
        )
        self.compliance.add(compliance.score)
        m.compliance_score.set(self.compliance.value)
        for check, passed in compliance.checks.items():
            if passed is not None:
                self.child(m.compliance_checks, check, "pass" if passed else "fail").inc()
        quality_ok = quality.score >= self.settings.slo_quality_threshold
        (m.sli_quality_success if quality_ok else m.sli_quality_violations).inc()
        state.scores["quality_ok"] = 1.0 if quality_ok else 0.0

    def finish(self, request: PredictInput, state: RequestState) -> float:
        """Meters, audits and logs a finished request; returns its latency in ms."""
        start = time.perf_counter()
        m = self.metrics
        scenario = state.scenario.value
        latency_s = start - state.started
        latency_ms = round(latency_s * 1000.0, 3)
        trace_id = self.tracing.current_trace_id()
        status = status_label(state.decision)
        self.child(m.requests, scenario, status).inc()
        exemplar = {"trace_id": trace_id} if trace_id else None
        self.child(m.latency, scenario).observe(latency_s, exemplar=exemplar)
        if state.error:
            self.child(m.request_errors, scenario, state.error).inc()

        # Security metrics count what was seen, whatever the decision.
        if state.input_scan is not None:
            scan = state.input_scan
            m.prompt_security.observe(1.0 - scan.attack.score)
            for pii_type, count in state.findings_in.items():
                self.child(m.pii_detected, pii_type, "input").inc(count)
            if scan.attack.detected:
                families = set(scan.attack.families)
                if "jailbreak" in families:
                    m.jailbreak_attempts.inc()
                if families & ATTACK_INJECTION_FAMILIES or not families:
                    m.injection_attempts.inc()
            if scan.toxicity.detected:
                for category in scan.toxicity.categories:
                    self.child(m.toxicity_events, "input", category).inc()
        if state.output_scan is not None:
            for pii_type, count in state.findings_out.items():
                self.child(m.pii_detected, pii_type, "output").inc(count)
            if state.output_scan.toxicity.detected:
                for category in state.output_scan.toxicity.categories:
                    self.child(m.toxicity_events, "output", category).inc()
        if state.risk is not None:
            self.child(m.risky_responses, state.risk.level.value).inc()

        # Tokens and cost, when the model was called.
        if state.tokens_input or state.tokens_output:
            estimated = "true" if state.tokens_estimated else "false"
            self.child(m.tokens_input, self.model_label, estimated).inc(state.tokens_input)
            self.child(m.tokens_output, self.model_label, estimated).inc(state.tokens_output)
            self.child(m.cost, self.model_label).inc(state.cost_eur)
            for token_type, count in (
                ("input", state.tokens_input),
                ("output", state.tokens_output),
            ):
                self.child(
                    m.gen_ai_tokens, "chat", self.backend.provider, self.model_label, token_type
                ).observe(count)
            remaining = self.budget.add(state.cost_eur, datetime.now(UTC))
            if remaining is not None:
                m.budget_remaining.set(remaining)

        # SLIs: availability over requests that reached the model; latency over answers.
        available: bool | None = None
        if state.decision in (Decision.SERVED, Decision.REDACTED, Decision.ERROR) or (
            state.decision is Decision.BLOCKED and state.output_scan is not None
        ):
            available = state.status_code < 500
            (m.sli_availability_success if available else m.sli_availability_violations).inc()
        latency_for_sli: float | None = None
        if state.status_code == 200:
            latency_for_sli = latency_s
            fast = latency_s <= self.settings.slo_latency_threshold_s
            (m.sli_latency_success if fast else m.sli_latency_violations).inc()
        quality = state.scores.get("quality") if state.status_code == 200 else None
        if available is not None:  # burn rates are computed at scrape (Service)
            self.slo.record(time.monotonic(), available, latency_for_sli, quality)

        # Conversation bookkeeping (redacted texts only).
        if request.conversation_id and state.status_code == 200:
            turn = self.conversations.add_turn(
                request.conversation_id, state.model_prompt or "", state.answer or ""
            )
            self.child(m.conversation_turns, scenario).inc()
            m.conversation_length.observe(turn.turn_index)
            m.conversation_duration.observe(turn.age_s)

        self.recent.add(state.request_id, scenario)
        record = RequestRecord(
            request_id=state.request_id,
            created_at=datetime.now(UTC),
            client=state.client,
            user=state.user,
            conversation_id=request.conversation_id,
            scenario=scenario,
            model=state.model,
            backend=self.backend.name,
            decision=state.decision.value,
            status_code=state.status_code,
            guardrails=[trigger_dict(t) for t in state.triggers],
            findings={"input": state.findings_in, "output": state.findings_out},
            # Rate-limited and over-long requests are refused before classification.
            risk_level=state.risk.level.value if state.risk else "unassessed",
            risk_domain=state.risk.domain if state.risk else None,
            scores=dict(state.scores),
            latency_ms=latency_ms,
            tokens_input=state.tokens_input,
            tokens_output=state.tokens_output,
            tokens_estimated=state.tokens_estimated,
            cost_eur=state.cost_eur,
            prompt_text=state.stored_prompt,
            response_text=state.stored_response,
            error=state.error,
        )
        self.writer.submit(record)

        self.request_logger.log(
            request_id=state.request_id,
            trace_id=trace_id,
            scenario=scenario,
            status=status,
            status_code=state.status_code,
            latency_ms=latency_ms,
            decision=state.decision.value,
            guardrails=[t.guardrail for t in state.triggers],
            risk_level=state.risk.level.value if state.risk else None,
            model=state.model,
            client=state.client,
            prompt=request.prompt,
            response=state.answer,
        )
        self.child(m.stage_duration, "emit").observe(time.perf_counter() - start)
        return latency_ms
