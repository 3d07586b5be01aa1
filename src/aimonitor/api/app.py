"""The app factory: `create_app(settings)` builds a FastAPI app around a `Service`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from aimonitor import __version__
from aimonitor.api.gateway.errors import GATEWAY_PREFIX, http_error_body
from aimonitor.api.middleware import BodySizeLimitMiddleware, HttpMetricsMiddleware
from aimonitor.api.openapi import contract_schema
from aimonitor.api.routes import (
    chat,
    conversations,
    drift,
    feedback,
    guardrails,
    info,
    keys,
    openai_models,
    predict,
    stats,
)
from aimonitor.config import Settings, load_settings
from aimonitor.console import api as console
from aimonitor.service import Service
from aimonitor.telemetry import multiprocess

log = logging.getLogger("aimonitor.api")

# Room for a maximal prompt in UTF-8 (4 bytes a character) plus a RAG context.
CONTEXT_ALLOWANCE_BYTES = 1_000_000


def create_app(
    settings: Settings | None = None, *, service: Service | None = None, **overrides: Any
) -> FastAPI:
    """Build the app. `overrides` (backend=, store=, metrics=, tracing=) go to `Service`."""
    settings = settings or load_settings()
    service = service or Service(settings, **overrides)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        multiprocess.forget_dead_workers()
        service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(
        title="aimonitor",
        version=__version__,
        description="Observability, security and compliance for AI applications.",
        lifespan=lifespan,
    )
    app.openapi = lambda: contract_schema(app)  # type: ignore[method-assign]
    app.state.service = service
    app.state.client_keys = service.client_keys.store
    for module in (
        predict,
        chat,
        openai_models,
        keys,
        info,
        feedback,
        conversations,
        stats,
        guardrails,
        drift,
    ):
        app.include_router(module.router)
    app.include_router(console.router)
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_prompt_chars * 4 + CONTEXT_ALLOWANCE_BYTES,
    )
    # Added last, so outermost: bodies refused for their size are still counted.
    app.add_middleware(HttpMetricsMiddleware, meter=service.meter)
    return app


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        # The offending input is not echoed back: it may be a prompt full of personal data.
        errors.append({"field": location or "body", "message": error.get("msg", "invalid")})
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
    return JSONResponse({"detail": summary, "errors": errors}, status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """FastAPI's answer, but in the OpenAI shape on the gateway's routes (a chunked body
    over the size cap is refused while the route reads it)."""
    if not request.url.path.startswith(GATEWAY_PREFIX):
        return await http_exception_handler(request, exc)
    body = http_error_body(request.url.path, exc.status_code, str(exc.detail))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return JSONResponse({"detail": "internal error"}, status_code=500)
