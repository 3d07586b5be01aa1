"""`GET /drift`: the drift score and what moved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aimonitor.api.access import ViewerDep
from aimonitor.api.deps import ServiceDep

router = APIRouter(tags=["drift"])


@router.get(
    "/drift",
    summary="Semantic drift of inputs, explained (viewer or admin key)",
    responses={401: {"description": "no key"}, 403: {"description": "invalid key"}},
)
async def drift(service: ServiceDep, _: ViewerDep) -> dict[str, Any]:
    explanation: dict[str, Any] = service.drift.explain()
    return {"score": service.drift.score, **explanation}
