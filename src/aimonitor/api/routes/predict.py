"""`POST /predict`: one prompt through the monitored pipeline."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from aimonitor.api.deps import client_address, presented_key
from aimonitor.api.schemas import PredictRequest
from aimonitor.pipeline import ClientInfo, PredictInput
from aimonitor.service import Service

router = APIRouter(tags=["predict"])

# JSONResponse's settings in one encoder built once: json.dumps with options builds a
# new encoder on every call. Same bytes.
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


class _PredictResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return _ENCODER.encode(content).encode("utf-8")


@router.post(
    "/predict",
    summary="Answer a prompt, with every analysis, guardrail and signal applied",
    responses={
        403: {"description": "Blocked by a guardrail"},
        413: {"description": "Prompt too long"},
        422: {"description": "Invalid body"},
        429: {"description": "Rate limited (see Retry-After)"},
        502: {"description": "Upstream model error"},
        504: {"description": "Upstream model timeout"},
    },
)
async def predict(body: PredictRequest, request: Request) -> JSONResponse:
    # The service straight from the app state rather than a dependency: the hottest
    # route skips FastAPI's per-request dependency resolution.
    service: Service = request.app.state.service
    outcome = await service.pipeline.predict(
        PredictInput(
            prompt=body.prompt,
            scenario=body.scenario,
            user_id=body.user_id,
            conversation_id=body.conversation_id,
            context=body.context,
        ),
        ClientInfo(api_key=presented_key(request), address=client_address(request, service)),
    )
    return _PredictResponse(outcome.body, status_code=outcome.status_code, headers=outcome.headers)
