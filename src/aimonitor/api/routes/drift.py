"""`GET /drift`: the drift score and what moved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aimonitor.api.access import ViewerDep
from aimonitor.api.deps import ServiceDep
from aimonitor.api.schemas import DriftResponse, error_responses

router = APIRouter(tags=["drift"])


@router.get(
    "/drift",
    summary="Semantic drift of inputs, explained (viewer or admin key)",
    responses=error_responses(401, 403),
)
async def drift(service: ServiceDep, _: ViewerDep) -> DriftResponse:
    explanation: dict[str, Any] = service.drift.explain()
    return DriftResponse.model_validate({**explanation, "score": service.drift.score})
