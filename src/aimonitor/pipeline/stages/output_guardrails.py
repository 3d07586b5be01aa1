"""Stage 7: the detectors and the output guardrails on the model's answer: redact
personal data before the client sees it, or block the answer."""

from __future__ import annotations

from aimonitor.analysis import Analyzer, Redactor
from aimonitor.guardrails import GuardrailEngine
from aimonitor.pipeline.state import RequestState, Stop
from aimonitor.pipeline.storage_policy import TextPolicy
from aimonitor.types import Decision


class OutputGuardrailStage:
    name = "output_guardrails"

    def __init__(
        self,
        engine: GuardrailEngine,
        analyzer: Analyzer,
        redactor: Redactor,
        text_policy: TextPolicy,
    ) -> None:
        self.engine = engine
        self.analyzer = analyzer
        self.redactor = redactor
        self.text_policy = text_policy

    async def run(self, state: RequestState) -> RequestState:
        raw = state.answer_raw or ""
        scan = self.analyzer.scan(raw, attacks=False)
        state.output_scan = scan
        verdict = self.engine.evaluate_output(raw, scan)
        state.triggers.extend(verdict.triggers)
        answer = raw
        if verdict.redact_findings:
            answer = self.redactor.redact(raw, verdict.redact_findings, state.conversation_id)
        state.stored_response = self.text_policy.storable(
            raw, scan.findings, state.conversation_id, answer if verdict.redact_findings else None
        )
        if verdict.blocked_by is not None:
            trigger = verdict.blocked_by
            return state.refuse(
                Decision.BLOCKED,
                Stop(403, trigger.reason, guardrail=trigger.guardrail, stage=trigger.stage),
            )
        state.answer = answer
        return state
