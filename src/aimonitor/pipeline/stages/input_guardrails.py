"""Stage 4: the input guardrails decide on the analysed prompt: block it, or redact
personal data before the model sees it (in every analysed chat message)."""

from __future__ import annotations

from aimonitor.analysis import Analyzer, Redactor
from aimonitor.guardrails import GuardrailEngine
from aimonitor.pipeline.state import RequestState, Stop
from aimonitor.pipeline.storage_policy import TextPolicy
from aimonitor.types import Decision


class InputGuardrailStage:
    name = "input_guardrails"

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
        scan = state.input_scan
        assert scan is not None and state.risk is not None, "runs after input_analysis"
        verdict = self.engine.evaluate_input(
            state.prompt,
            scan,
            state.risk,
            client=state.client_name if state.client_name != "anonymous" else None,
            route=state.route,
        )
        state.triggers.extend(t for t in verdict.triggers if t.guardrail != "prompt_length")
        redacted = state.prompt
        if verdict.redact_findings:
            redacted = self.redactor.redact(
                state.prompt, verdict.redact_findings, state.conversation_id
            )
            types = {finding.type for finding in verdict.redact_findings}
            for message in state.messages:
                findings = tuple(f for f in self.analyzer.scan_pii(message.text) if f.type in types)
                if findings:
                    state.redacted_messages[message.index, message.part] = self.redactor.redact(
                        message.text, findings, state.conversation_id
                    )
        state.stored_prompt = self.text_policy.storable(
            state.prompt,
            scan.findings,
            state.conversation_id,
            redacted if verdict.redact_findings else None,
        )
        if verdict.blocked_by is not None:
            trigger = verdict.blocked_by
            return state.refuse(
                Decision.BLOCKED,
                Stop(403, trigger.reason, guardrail=trigger.guardrail, stage=trigger.stage),
            )
        state.model_prompt = redacted
        if redacted != state.prompt:
            state.decision = Decision.REDACTED
        return state
