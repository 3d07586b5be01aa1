"""Request and response bodies of the HTTP API (the seed's field names): what the
OpenAPI page declares, and what the routes answer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from annotated_types import Len
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

# The console's views of a guardrail and a key are the admin API's too.
from aimonitor.console.models import ClientKeyView, GuardrailView
from aimonitor.types import SCENARIO_ALIASES, Scenario


def _not_blank(value: str) -> str:
    # The prompt is kept as sent (spaces included); only an all-blank one is refused.
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


def _scenario(value: object) -> object:
    return Scenario.parse(value) if isinstance(value, str) else value


# Any case is accepted; the schema lists the canonical names and the seed's aliases.
ScenarioName = Annotated[
    Scenario,
    BeforeValidator(_scenario),
    WithJsonSchema(
        {
            "type": "string",
            "enum": [*Scenario.__members__, *SCENARIO_ALIASES],
            "description": "A, B or C, or a seed alias (docs/scenarios.md)",
        }
    ),
]
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
    scenario: ScenarioName = Field(
        Scenario.A, description="Simulated scenario: A, B or C, or a seed name (docs/scenarios.md)"
    )
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
    explanation: str = Field(description="Why this level, from the rule's text (docs/ai-act.md)")


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
    """422: what is wrong with the request, field by field."""

    detail: str
    errors: list[ValidationErrorItem]


def invalid(message: str, *location: str) -> RequestValidationError:
    """A 422 found by a route's own check, answered like the schema's (`location` as
    FastAPI writes it: `"query", "since"`; none for the whole body)."""
    return RequestValidationError([{"loc": location, "msg": message, "type": "value_error"}])


# ------------------------------------------------------------- other routes' answers
class ServiceInfo(BaseModel):
    name: str
    service: str
    version: str
    backend: str
    model: str
    endpoints: list[str]
    docs: str


class HealthChecks(BaseModel):
    store: Literal["up", "down"]
    audit_queue_depth: int


class HealthResponse(BaseModel):
    """200 when the store answers, else 503 with the same body."""

    status: Literal["ok", "degraded"]
    version: str
    backend: str
    worker_pid: int
    checks: HealthChecks


class FeedbackRecorded(BaseModel):
    status: Literal["recorded"]
    request_id: str
    rating: int


class GuardrailList(BaseModel):
    guardrails: list[GuardrailView]


class GuardrailUpdated(BaseModel):
    status: Literal["updated"]
    guardrail: GuardrailView


class ConversationTurn(BaseModel):
    turn: int = Field(description="1 for the first turn")
    request_id: str
    created_at: str
    scenario: str
    decision: str
    prompt: str | None = Field(description="as stored: redacted by default")
    response: str | None


class Conversation(BaseModel):
    conversation_id: str
    turns: list[ConversationTurn]


class ConversationErased(BaseModel):
    """410: every turn was erased (turns taken after the erasure are served)."""

    status: Literal["erased"]
    conversation_id: str
    erased_at: str


class ConversationDeleted(BaseModel):
    status: Literal["erased"]
    conversation_id: str
    turns_erased: int


class MovedTerm(BaseModel):
    term: str
    reference_share: float
    window_share: float
    shift: float


class DriftResponse(BaseModel):
    """The drift score and what moved (docs/signals.md); the reference's details appear
    once a reference exists, the window's once it holds prompts."""

    model_config = ConfigDict(extra="allow")

    score: float
    ready: bool
    dimensions: dict[str, float]
    episode: str | None
    episodes: int
    reference_size: int
    reference_pending: int
    window_fill: int
    window_size: int
    false_alarm_rate: float | None
    requests_per_false_alarm: int | None
    calibration: dict[str, dict[str, float | None]] | None = None
    typical_reference: list[str] | None = None
    languages: dict[str, dict[str, float]] | None = None
    terms: list[MovedTerm] | None = None
    typical_window: list[str] | None = None


class LatencySummary(BaseModel):
    mean: float | None
    p50: float | None
    p95: float | None
    p99: float | None


class TokenTotals(BaseModel):
    input: int
    output: int


class FeedbackTotals(BaseModel):
    count: int
    mean_rating: float | None


class LiveSignals(BaseModel):
    """This worker's own view (not summed across workers)."""

    drift_score: float
    burn_rates: dict[str, float]
    compliance_score: float | None
    active_conversations: int
    audit_queue_depth: int


class StatsResponse(BaseModel):
    total_requests: int
    by_scenario: dict[str, int]
    by_status: dict[str, int]
    by_scenario_status: dict[str, dict[str, int]]
    by_decision: dict[str, int]
    errors: int
    blocked: int
    rate_limited: int
    latency_ms: LatencySummary
    tokens: TokenTotals
    cost_eur: float
    scores: dict[str, float | None]
    hallucination_rate: float | None
    feedback: FeedbackTotals
    live: LiveSignals


class ClientKeyCreated(BaseModel):
    key: ClientKeyView
    token: str = Field(description="the client's key: shown in this answer only")
    note: str


class ClientKeyList(BaseModel):
    keys: list[ClientKeyView]


class ClientKeyRevoked(BaseModel):
    status: Literal["revoked"]
    key: ClientKeyView


class OpenAIErrorDetail(BaseModel):
    message: str
    type: str
    code: str | None
    param: str | None


class OpenAIErrorResponse(BaseModel):
    """The gateway's errors, in the shape the OpenAI SDKs read."""

    error: OpenAIErrorDetail


_ERROR_DESCRIPTIONS = {
    400: "Invalid request",
    401: "No key: send X-API-Key or Authorization: Bearer",
    403: "Invalid key, or access not enabled (no key configured)",
    404: "Not found",
    409: "Conflict",
    413: "Request body too long",
    429: "Rate limited (see Retry-After)",
}


def error_responses(
    *statuses: int, described: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route answering `{"detail": ...}` with these statuses, and
    with those of `described` (status: the route's own description)."""
    descriptions = {status: _ERROR_DESCRIPTIONS.get(status, "Error") for status in statuses}
    descriptions.update(described or {})
    return {
        status: {"model": ErrorResponse, "description": description}
        for status, description in sorted(descriptions.items())
    }
