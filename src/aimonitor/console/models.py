"""Typed answers of the console's JSON endpoints (they document the OpenAPI page)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Window = Literal["1h", "24h"]
WINDOW_MINUTES: dict[str, int] = {"1h": 60, "24h": 24 * 60}


class Login(BaseModel):
    key: str = Field(min_length=1, max_length=512)


class Session(BaseModel):
    role: Literal["admin", "viewer", "client"] | None
    csrf_token: str | None = Field(
        None, description="send as X-CSRF-Token with every change made through the session"
    )
    expires_at: int | None = Field(None, description="Unix time")


class Series(BaseModel):
    """Values per minute, aligned with `t` (Unix time of each minute); null = no data."""

    t: list[int]
    values: dict[str, list[float | None]]


class Budget(BaseModel):
    """The daily budget as the service enforces it (AIMONITOR_DAILY_BUDGET_EUR)."""

    daily_eur: float | None
    spent_today_eur: float = Field(description="spent today (UTC), as the budget guard counts it")
    remaining_eur: float | None


class Overview(BaseModel):
    window: Window
    requests: int
    errors: int
    blocked: int
    error_rate: float | None
    cost_eur: float
    tokens: int
    trust: float | None = Field(description="mean trust score over the window")
    compliance: float | None = Field(description="mean compliance score over the window")
    drift_score: float
    budget: Budget
    series: Series


class Count(BaseModel):
    name: str
    count: int


class TriggerCount(BaseModel):
    guardrail: str
    action: str
    count: int


class RequestSummary(BaseModel):
    request_id: str
    created_at: str
    client: str = Field(description="pseudonym of the client")
    conversation_id: str | None
    scenario: str
    decision: str
    status_code: int
    latency_ms: float
    cost_eur: float
    risk_level: str
    guardrails: list[str]
    reason: str | None = Field(None, description="the first guardrail's reason")


class BlockedRequest(RequestSummary):
    attack_score: float | None
    toxicity_score: float | None
    prompt: str | None = Field(description="as stored: redacted, cut to 200 characters")


class Security(BaseModel):
    window: Window
    triggers: list[TriggerCount]
    personal_data: list[Count]
    attack_families: list[Count] = Field(
        description="families the attack detector named, on the requests the injection "
        "guardrail flagged"
    )
    attack_rules: list[Count] = Field(description="the detector's rules that matched, likewise")
    rate_limited_clients: list[Count]
    latest_blocked: list[BlockedRequest]
    series: Series


class Quality(BaseModel):
    window: Window
    quality: float | None
    coherence: float | None
    hallucination_rate: float | None
    drift: dict[str, object] = Field(description="what GET /drift serves")
    series: Series


class BurnRate(BaseModel):
    """Windows up to 1 d are read from the per-minute series, 3 d and 30 d from the
    hourly SLI counts (whole hours, this one included)."""

    window: str
    rate: float | None
    threshold: float = Field(description="burn rate at which the alert rules fire")
    requests: int


class SloStatus(BaseModel):
    name: str
    objective: float
    good: int
    bad: int
    sli: float | None = Field(description="good / total over the last 24 h")
    budget_remaining: float | None = Field(
        description="share of the error budget left over the last 24 h (1 = untouched)"
    )
    budget_remaining_30d: float | None = Field(
        description="share of the error budget left over the last 30 days (hourly counts)"
    )
    burn_rates: list[BurnRate]
    process_burn_rate: float = Field(description="this process's own burn rate over 1 h")


class Slos(BaseModel):
    slos: list[SloStatus]
    series: Series = Field(description="burn rate per minute over the last hour")
    hourly: Series = Field(
        description="burn rate per hour over the last 30 days (Unix time of each hour)"
    )


class RequestPage(BaseModel):
    items: list[RequestSummary]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page")


class Trigger(BaseModel):
    guardrail: str
    action: str
    stage: str | None
    reason: str


class FindingSpan(BaseModel):
    """Where a piece of personal data was: never the value."""

    type: str
    stage: Literal["input", "output"] = Field(description="in the prompt or in the answer")
    start: int = Field(description="offset of its first character in the text as analysed")
    end: int = Field(description="offset just past its last character")


class Attack(BaseModel):
    families: list[str]
    rules: list[str]


class Feedback(BaseModel):
    rating: int
    category: str | None
    created_at: str


class RequestDetail(BaseModel):
    request_id: str
    created_at: str
    client: str
    user: str | None = Field(description="pseudonym of the user")
    conversation_id: str | None
    scenario: str
    model: str
    backend: str
    decision: str
    status_code: int
    risk_level: str
    risk_domain: str | None
    prompt: str | None = Field(description="as stored: redacted by default")
    response: str | None
    content_erased_at: str | None
    findings: dict[str, dict[str, int]]
    finding_spans: list[FindingSpan]
    attack: Attack | None = Field(description="what the attack detector named, if anything")
    guardrails: list[Trigger]
    scores: dict[str, float | None]
    latency_ms: float
    ttft_ms: float | None = Field(description="time to first token (streamed answers)")
    stage_ms: dict[str, float] = Field(description="wall time of each pipeline stage")
    trace_id: str | None = Field(description="the OpenTelemetry trace of the request")
    tokens_input: int
    tokens_output: int
    tokens_estimated: bool
    cost_eur: float
    error: str | None
    feedback: list[Feedback]


class Verification(BaseModel):
    ok: bool
    checked: int
    first_broken: str | None
    reason: str | None
    verified_at: str


class ErasureEntry(BaseModel):
    seq: int
    event_type: str
    created_at: str
    conversation_id: str | None
    details: dict[str, object]


class Audit(BaseModel):
    head_seq: int
    head_at: str | None
    last_verification: Verification | None
    erasures: list[ErasureEntry]


class GuardrailView(BaseModel):
    name: str
    enabled: bool
    threshold: float
    action: str
    description: str
    threshold_meaning: str
    allowed_actions: list[str]


class GuardrailChange(BaseModel):
    model_config = {"extra": "forbid"}

    enabled: bool | None = None
    threshold: float | None = None
    action: str | None = Field(None, max_length=32)


class ClientKeyView(BaseModel):
    name: str
    key_prefix: str = Field(description="the token's first characters, to recognise it")
    rpm: int
    daily_budget_eur: float | None
    allowed_models: list[str] | None
    created_at: str
    revoked_at: str | None


class Admin(BaseModel):
    guardrails: list[GuardrailView]
    client_keys: list[ClientKeyView] | None = Field(
        description="the application keys, when the service has a key store"
    )
    retention_days: int
    audit_store_text: str
    redaction_mode: str
    viewer_key_set: bool
    admin_key_set: bool


class DriftReferenceSet(BaseModel):
    status: Literal["reference set"]
    reference_size: int = Field(description="stored prompts the new reference was built from")
