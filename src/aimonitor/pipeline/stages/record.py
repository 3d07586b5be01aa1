"""The last stage, run for every request whatever happened before: the audit record
(in the writer's journal before the answer leaves), the budget, the SLO windows, the
metrics and the log line."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from aimonitor.conversations import ConversationTracker
from aimonitor.guardrails import RateLimiter
from aimonitor.pipeline.metering import Meter, sli_available
from aimonitor.pipeline.state import (
    RecentRequests,
    RequestState,
    Stop,
    attack_names,
    count_types,
    finding_spans,
    status_label,
    trigger_dict,
)
from aimonitor.signals import SloTracker
from aimonitor.store import AuditWriter, RequestRecord, StoreUnavailable
from aimonitor.telemetry.logging import RequestLogger
from aimonitor.types import Decision

log = logging.getLogger("aimonitor.pipeline")


class RecordStage:
    name = "record"

    def __init__(
        self,
        writer: AuditWriter,
        meter: Meter,
        request_logger: RequestLogger,
        limiter: RateLimiter,
        daily_budget_eur: float | None,
        slo: SloTracker,
        conversations: ConversationTracker,
        recent: RecentRequests,
    ) -> None:
        self.writer = writer
        self.meter = meter
        self.request_logger = request_logger
        self.limiter = limiter
        self.daily_budget_eur = daily_budget_eur
        self.slo = slo
        self.conversations = conversations
        self.recent = recent

    async def run(self, state: RequestState) -> RequestState:
        state.latency_ms = round((time.perf_counter() - state.started) * 1000.0, 3)
        remaining = None
        if state.cost_eur:
            # Spending is counted where limits are, so that every worker sees all of it.
            now = datetime.now(UTC)
            spent = self.limiter.spend("all", state.cost_eur, now)
            if state.daily_budget_eur is not None:
                self.limiter.spend(state.client, state.cost_eur, now)
            if self.daily_budget_eur is not None:
                remaining = self.daily_budget_eur - spent
        available = sli_available(state)
        if available is not None:  # burn rates are computed at scrape
            ok = state.status_code == 200
            self.slo.record(
                time.monotonic(),
                available,
                state.latency_ms / 1000.0 if ok else None,
                state.scores.get("quality") if ok else None,
            )
        if state.conversation_id and state.status_code == 200:
            turn = self.conversations.add_turn(state.conversation_id)
            state.extra["conversation_age_s"] = turn.age_s
            self.meter.conversations_active(self.conversations.active_count())
        self.recent.add(state.request_id, state.scenario.value)
        try:
            self.writer.submit(to_record(state))
        except StoreUnavailable:
            # No record, no answer: the client is told, the outcome still counted.
            log.exception("the audit journal cannot be written; the answer is withheld")
            state.refuse(
                Decision.ERROR,
                Stop(503, "the audit record could not be written; retry later", error="journal"),
            )
        self.meter.request_finished(state, remaining)
        self.request_logger.log(
            request_id=state.request_id,
            trace_id=state.trace_id,
            scenario=state.scenario.value,
            status=status_label(state.decision),
            status_code=state.status_code,
            latency_ms=state.latency_ms,
            decision=state.decision.value,
            guardrails=[t.guardrail for t in state.triggers],
            risk_level=state.risk.level.value if state.risk else None,
            model=state.model,
            client=state.client,
            route=state.route,
            prompt=state.prompt,
            response=state.answer,
        )
        return state


def to_record(state: RequestState) -> RequestRecord:
    scan_in, scan_out = state.input_scan, state.output_scan
    return RequestRecord(
        request_id=state.request_id,
        created_at=datetime.now(UTC),
        client=state.client,
        user=state.user,
        conversation_id=state.conversation_id,
        scenario=state.scenario.value,
        model=state.model,
        backend=state.backend,
        decision=state.decision.value,
        status_code=state.status_code,
        guardrails=[trigger_dict(t) for t in state.triggers],
        findings={
            "input": count_types(scan_in.findings) if scan_in else {},
            "output": count_types(scan_out.findings) if scan_out else {},
        },
        # Rate-limited and over-long requests are refused before classification.
        risk_level=state.risk.level.value if state.risk else "unassessed",
        risk_domain=state.risk.domain if state.risk else None,
        scores=dict(state.scores),
        latency_ms=state.latency_ms,
        tokens_input=state.tokens_input,
        tokens_output=state.tokens_output,
        tokens_estimated=state.tokens_estimated,
        cost_eur=state.cost_eur,
        prompt_text=state.stored_prompt,
        response_text=state.stored_response,
        error=state.error,
        trace_id=state.trace_id,
        ttft_ms=(
            None
            if state.time_to_first_token_s is None
            else round(state.time_to_first_token_s * 1000.0, 3)
        ),
        stage_ms=stage_ms(state),
        finding_spans=[
            *finding_spans(scan_in.findings if scan_in else (), "input"),
            *finding_spans(scan_out.findings if scan_out else (), "output"),
        ],
        attack=attack_names(scan_in.attack) if scan_in else {},
    )


def stage_ms(state: RequestState) -> dict[str, float]:
    """Each stage's wall time in milliseconds. A stream calls its model outside the
    stages (the gateway relays it): its time is the model's, to the last chunk."""
    seconds = dict(state.stage_seconds)
    if "model" not in seconds and state.model_seconds is not None:
        seconds["model"] = state.model_seconds
    return {name: round(value * 1000.0, 3) for name, value in seconds.items()}
