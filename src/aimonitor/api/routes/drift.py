"""`GET /drift`: the drift score and what moved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aimonitor.api.deps import ServiceDep

router = APIRouter(tags=["drift"])


@router.get("/drift", summary="Semantic drift of inputs, explained")
async def drift(service: ServiceDep) -> dict[str, Any]:
    explanation: dict[str, Any] = service.drift.explain()
    return {"score": service.drift.score, **explanation}
