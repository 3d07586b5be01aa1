"""Request bodies of the HTTP API, with the seed's field names."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from aimonitor.types import Scenario


def _not_blank(value: str) -> str:
    # The prompt is kept as sent (spaces included); only an all-blank one is refused.
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


NonBlank = Annotated[str, StringConstraints(min_length=1), AfterValidator(_not_blank)]
ShortId = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # No max_length here: an over-long prompt is a 413 decided by the prompt_length guardrail.
    prompt: NonBlank = Field(description="The user's prompt (must not be blank)")
    scenario: Scenario = Field(Scenario.A, description="Simulated scenario: A, B or C")
    user_id: ShortId | None = None
    conversation_id: ShortId | None = None
    context: str | list[str] | None = Field(
        None, description="Documents the answer should be grounded in (RAG)"
    )


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
