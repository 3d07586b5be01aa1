"""Request bodies of the HTTP API, with the seed's field names."""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Len
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from aimonitor.types import Scenario


def _not_blank(value: str) -> str:
    # The prompt is kept as sent (spaces included); only an all-blank one is refused.
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


NonBlank = Annotated[str, StringConstraints(min_length=1), AfterValidator(_not_blank)]
ShortId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
# Documents are read by the quality and hallucination signals on the event loop: their
# size is bounded like the prompt's.
MAX_CONTEXT_CHARS = 100_000
MAX_CONTEXT_DOCUMENTS = 64
ContextText = Annotated[str, StringConstraints(max_length=MAX_CONTEXT_CHARS)]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # No max_length here: an over-long prompt is a 413 decided by the prompt_length guardrail.
    prompt: NonBlank = Field(description="The user's prompt (must not be blank)")
    scenario: Scenario = Field(Scenario.A, description="Simulated scenario: A, B or C")
    user_id: ShortId | None = None
    conversation_id: ShortId | None = None
    context: (
        ContextText | Annotated[list[ContextText], Len(max_length=MAX_CONTEXT_DOCUMENTS)] | None
    ) = Field(
        None,
        description=(
            f"Documents the answer should be grounded in (RAG): at most "
            f"{MAX_CONTEXT_DOCUMENTS} documents and {MAX_CONTEXT_CHARS} characters in all"
        ),
    )

    @field_validator("context")
    @classmethod
    def _context_size(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and sum(len(item) for item in value) > MAX_CONTEXT_CHARS:
            raise ValueError(f"context holds more than {MAX_CONTEXT_CHARS} characters in all")
        return value


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    rating: int = Field(ge=1, le=5, strict=True)
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None
    category: Annotated[str, StringConstraints(max_length=64)] | None = None


class GuardrailUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    guardrail_name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    enabled: bool | None = None
    threshold: float | None = None
    action: str | None = None


# --------------------------------------------------------------------- answers
class AttackVerdict(BaseModel):
    score: float
    detected: bool
    families: list[str]


class ToxicityVerdict(BaseModel):
    score: float
    detected: bool
    categories: list[str]


class SecuritySummary(BaseModel):
    pii: dict[str, int] = Field(description="Personal data found in the prompt, by type")
    pii_output: dict[str, int] = Field(description="Personal data found in the answer, by type")
    redacted: bool = Field(description="True when the model saw a redacted prompt")
    score: float
    attack: AttackVerdict
    toxicity: ToxicityVerdict


class GuardrailDecision(BaseModel):
    guardrail: str
    action: str
    stage: str
    reason: str


class RiskSummary(BaseModel):
    level: str
    domain: str | None
    rule: str | None


class HallucinationSummary(BaseModel):
    detected: bool
    sources: list[str]
    unsupported_ratio: float | None
    claims: list[Any]


class ComplianceSummary(BaseModel):
    score: float
    checks: dict[str, bool | None]


class PredictResponse(BaseModel):
    """A served answer with everything measured about it."""

    request_id: str = Field(description="The audit record's id (use it for /feedback)")
    response: str
    scenario: str
    model: str
    latency_ms: float
    tokens_input: int
    tokens_output: int
    tokens_estimated: bool
    cost_eur: float
    conversation_id: str | None
    decision: str = Field(description="served or redacted")
    security: SecuritySummary
    guardrails: list[GuardrailDecision]
    risk_level: str
    risk: RiskSummary
    transparency: str | None = Field(description="The AI Act Art. 50 notice, when owed")
    quality_score: float
    coherence_score: float
    quality: dict[str, float]
    hallucination: HallucinationSummary
    trust_index: float
    trust: dict[str, float]
    drift_score: float
    compliance: ComplianceSummary


class BlockedResponse(BaseModel):
    blocked: bool = True
    guardrail: str
    reason: str
    stage: str
    request_id: str
    risk_level: str | None


class RefusedResponse(BaseModel):
    """A request refused before the model (413, 429) or failed upstream (502, 504)."""

    detail: str
    request_id: str
    guardrail: str | None = None
    error: str | None = None
    retry_after_s: int | None = None


class ErrorResponse(BaseModel):
    detail: str


class ValidationErrorItem(BaseModel):
    field: str
    message: str


class ValidationErrorResponse(BaseModel):
    detail: str
    errors: list[ValidationErrorItem]
