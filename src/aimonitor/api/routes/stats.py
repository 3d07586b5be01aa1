"""`GET /stats`: totals computed from the store."""

from __future__ import annotations

import math
import time
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from aimonitor.api.access import ViewerDep
from aimonitor.api.deps import ServiceDep
from aimonitor.api.schemas import StatsResponse, error_responses

router = APIRouter(tags=["stats"])


@router.get(
    "/stats",
    summary="Totals, latency percentiles, cost and signals from the store (viewer or admin key)",
    responses=error_responses(401, 403),
)
async def stats(service: ServiceDep, _: ViewerDep) -> StatsResponse:
    # Records are written asynchronously: flush so the answer includes every request so far.
    await run_in_threadpool(service.writer.flush)
    totals: dict[str, Any] = await run_in_threadpool(service.store.stats)
    totals["live"] = {
        "drift_score": service.drift.score,
        "burn_rates": service.slo.burn_rates(time.monotonic()),
        "compliance_score": _finite(service.meter.compliance.value),
        "active_conversations": service.conversations.active_count(),
        "audit_queue_depth": service.writer.queue_depth,
    }
    return StatsResponse.model_validate(totals)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
