"""Stage 8: what the answer is worth: quality, hallucination, input drift, security,
compliance and the trust index that combines them."""

from __future__ import annotations

from collections.abc import Callable

from aimonitor.analysis import Redactor
from aimonitor.pipeline.state import RequestState, Signals, reveals
from aimonitor.rolling import RollingMean
from aimonitor.signals import DriftDetector, compute_trust, detect_hallucination, security_score
from aimonitor.signals.compliance import (
    ComplianceInput,
    compliance_score,
    high_risk,
    transparency_required,
)
from aimonitor.signals.embedding import Embedder, HashingEmbedder
from aimonitor.signals.quality import quality_inputs, score_quality


class SignalsStage:
    name = "signals"

    def __init__(
        self,
        redactor: Redactor,
        embedder: Embedder,
        drift: DriftDetector,
        satisfaction: RollingMean,
        audit_healthy: Callable[[], bool],
        transparency_notice: str | None,
    ) -> None:
        self.redactor = redactor
        self.embedder = embedder
        self.drift = drift
        self.satisfaction = satisfaction
        self.audit_healthy = audit_healthy
        self.transparency_notice = transparency_notice

    async def run(self, state: RequestState) -> RequestState:
        scan, out_scan, risk = state.input_scan, state.output_scan, state.risk
        assert scan is not None and out_scan is not None and risk is not None
        answer = state.answer or ""
        # Relevance is judged against what the model saw (the redacted prompt).
        seen = state.model_prompt or state.prompt
        inputs = quality_inputs(seen, answer, state.context)
        # Drift keeps excerpts and terms of what it watched (served by /drift and the
        # console): never raw personal data, even when the guardrail only warned.
        watched = seen
        if reveals(seen, scan.findings):
            watched = self.redactor.redact(seen, scan.findings, state.conversation_id)
        if watched is not seen:
            quality = score_quality(inputs, answer, self.embedder.embed_many(inputs.texts))
            drift = self.drift.observe(watched)
        elif self.drift.embedder is self.embedder and isinstance(self.embedder, HashingEmbedder):
            # One embedding call for quality's texts and the drift prompt: rows of a
            # hashing embedding do not depend on the other texts of the call.
            vectors = self.embedder.embed_many([*inputs.texts, seen])
            quality = score_quality(inputs, answer, vectors)
            drift = self.drift.observe(
                seen, vectors[-1], inputs.prompt_words, inputs.prompt_language
            )
        else:
            quality = score_quality(inputs, answer, self.embedder.embed_many(inputs.texts))
            drift = self.drift.observe(
                seen, tokens=inputs.prompt_words, language=inputs.prompt_language
            )
        hallucination = detect_hallucination(state.prompt, answer, state.context)
        security = security_score(scan.attack.score, scan.toxicity.score, len(scan.findings))
        needs_notice = transparency_required(risk)
        audited = self.audit_healthy()
        compliance = compliance_score(
            ComplianceInput(
                pii_found_input=bool(scan.findings),
                pii_redacted_before_model=not reveals(state.model_prompt, scan.findings),
                pii_redacted_before_storage=not (
                    reveals(state.stored_prompt, scan.findings)
                    or reveals(state.stored_response, out_scan.findings)
                ),
                # A leak is personal data in the answer that reached the user unredacted.
                pii_leaked_in_answer=bool(out_scan.findings) and answer == state.answer_raw,
                transparency_required=needs_notice,
                transparency_given=self.transparency_notice is not None,
                high_risk=high_risk(risk),
                high_risk_logged=audited,
                audit_written=audited,
            )
        )
        # Feedback on this answer cannot exist yet: the term is recent users' satisfaction.
        trust = compute_trust(
            quality.score,
            security,
            compliance.score,
            drift.score if drift.ready else 0.0,
            self.satisfaction.value,
        )
        state.scores.update(
            {
                "security": round(security, 4),
                "quality": round(quality.score, 4),
                "coherence": round(quality.coherence, 4),
                "hallucination": 1.0 if hallucination.detected else 0.0,
                "trust": round(trust.score, 4),
                "compliance": round(compliance.score, 4),
                "drift": round(drift.score, 4),
            }
        )
        state.signals = Signals(
            quality=quality,
            hallucination=hallucination,
            drift=drift,
            trust=trust,
            compliance=compliance,
            security=security,
            transparency_notice=self.transparency_notice if needs_notice else None,
        )
        return state
