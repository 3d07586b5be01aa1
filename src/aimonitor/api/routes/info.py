"""`GET /`, `GET /health` and `GET /metrics`."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.openmetrics.exposition import CONTENT_TYPE_LATEST as OPENMETRICS_TYPE
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

from aimonitor import __version__
from aimonitor.api.deps import ServiceDep
from aimonitor.api.schemas import HealthResponse, ServiceInfo
from aimonitor.telemetry import multiprocess

router = APIRouter(tags=["service"])


@router.get("/", summary="Service information")
async def root(service: ServiceDep, request: Request) -> ServiceInfo:
    return ServiceInfo(
        name="aimonitor",
        service=service.settings.otel_service_name,
        version=__version__,
        backend=service.backend.name,
        model=service.backend.model,
        endpoints=sorted(request.app.openapi()["paths"]),
        docs="/docs",
    )


@router.get(
    "/health",
    summary="Liveness and store check",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse, "description": "The store does not answer"}},
)
async def health(service: ServiceDep) -> JSONResponse:
    store_ok = await run_in_threadpool(service.store.health)
    service.meter.store_up(store_ok)
    body = HealthResponse.model_validate(
        {
            "status": "ok" if store_ok else "degraded",
            "version": __version__,
            "backend": service.backend.name,
            "worker_pid": os.getpid(),
            "checks": {
                "store": "up" if store_ok else "down",
                "audit_queue_depth": service.writer.queue_depth,
            },
        }
    )
    return JSONResponse(body.model_dump(), status_code=200 if store_ok else 503)


_EXPOSITION = {"schema": {"type": "string"}}


@router.get(
    "/metrics",
    summary="Prometheus exposition",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text format; OpenMetrics when the Accept header asks",
            "content": {"text/plain": _EXPOSITION, "application/openmetrics-text": _EXPOSITION},
        }
    },
)
async def metrics(service: ServiceDep, request: Request) -> Response:
    service.sync_scrape_metrics()
    if multiprocess.enabled():
        # Every worker's values; exemplars do not exist in this mode.
        return Response(
            generate_latest(multiprocess.collect_registry(service.meter.build_labels)),
            media_type=CONTENT_TYPE_LATEST,
        )
    # Exemplars (trace ids on latency buckets) exist only in the OpenMetrics format.
    if "application/openmetrics-text" in request.headers.get("accept", ""):
        exposition = generate_openmetrics(service.metrics.registry)  # type: ignore[no-untyped-call]
        return Response(exposition, media_type=OPENMETRICS_TYPE)
    return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)
