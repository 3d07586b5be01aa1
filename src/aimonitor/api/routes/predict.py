"""`POST /predict`: the seed's endpoint, one prompt through the monitored pipeline.

An adapter over the pipeline: it builds a `RequestState` from the body, runs every
stage, and renders the state as the answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from aimonitor.api.deps import client_address
from aimonitor.api.schemas import (
    BlockedResponse,
    ErrorResponse,
    PredictRequest,
    PredictResponse,
    RefusedResponse,
    ValidationErrorResponse,
)
from aimonitor.guardrails import client_key, conversation_key
from aimonitor.pipeline import RequestState
from aimonitor.pipeline.state import count_types, join_context, trigger_dict
from aimonitor.service import Service

router = APIRouter(tags=["predict"])


@router.post(
    "/predict",
    summary="Answer a prompt, with every analysis, guardrail and signal applied",
    response_model=PredictResponse,
    responses={
        403: {"model": BlockedResponse, "description": "Blocked by a guardrail"},
        413: {
            # A body over the cap is refused before it is read: no request id then.
            "model": RefusedResponse | ErrorResponse,
            "description": "Prompt or body too long",
        },
        422: {"model": ValidationErrorResponse, "description": "Invalid body"},
        429: {"model": RefusedResponse, "description": "Rate limited (see Retry-After)"},
        500: {"model": RefusedResponse, "description": "Internal error (recorded)"},
        502: {"model": RefusedResponse, "description": "Upstream model error"},
        503: {"model": RefusedResponse, "description": "The audit record could not be written"},
        504: {"model": RefusedResponse, "description": "Upstream model timeout"},
    },
)
async def predict(body: PredictRequest, request: Request) -> JSONResponse:
    service: Service = request.app.state.service
    state = await service.pipeline.run(predict_state(service, body, request))
    headers = {}
    if state.stop and state.stop.retry_after_s:
        headers["Retry-After"] = str(state.stop.retry_after_s)
    return JSONResponse(predict_body(state), status_code=state.status_code, headers=headers)


def predict_state(service: Service, body: PredictRequest, request: Request) -> RequestState:
    secret = service.secret
    return RequestState(
        route="predict",
        prompt=body.prompt,
        scenario=body.scenario,
        # Limits key on who the client is, never on a field the client chooses.
        client=client_key(None, None, client_address(request, service), secret),
        user=client_key(body.user_id, None, None, secret) if body.user_id else None,
        conversation_id=(
            conversation_key(body.conversation_id, secret) if body.conversation_id else None
        ),
        context=join_context(body.context),
        extra={"client_conversation_id": body.conversation_id},
    )


def predict_body(state: RequestState) -> dict[str, Any]:
    stop = state.stop
    if stop is not None and stop.status_code == 403:
        return {
            "blocked": True,
            "guardrail": stop.guardrail,
            "reason": stop.reason,
            "stage": stop.stage or "input",
            "request_id": state.request_id,
            "risk_level": state.risk.level.value if state.risk else None,
        }
    if stop is not None:
        refused: dict[str, Any] = {"detail": stop.reason, "request_id": state.request_id}
        if stop.guardrail:
            refused["guardrail"] = stop.guardrail
        if stop.error:
            refused["error"] = stop.error
        if stop.retry_after_s:
            refused["retry_after_s"] = stop.retry_after_s
        return refused
    return served_body(state)


def served_body(state: RequestState) -> dict[str, Any]:
    signals, scan, out_scan, risk = state.signals, state.input_scan, state.output_scan, state.risk
    assert signals is not None and scan is not None and out_scan is not None and risk is not None
    quality, hallucination, trust = signals.quality, signals.hallucination, signals.trust
    return {
        "request_id": state.request_id,
        "response": state.answer or "",
        "scenario": state.scenario.value,
        "model": state.model,
        "latency_ms": state.latency_ms,
        "tokens_input": state.tokens_input,
        "tokens_output": state.tokens_output,
        "tokens_estimated": state.tokens_estimated,
        "cost_eur": round(state.cost_eur, 8),
        "conversation_id": state.extra.get("client_conversation_id"),
        "decision": state.decision.value,
        "security": {
            "pii": count_types(scan.findings),
            "pii_output": count_types(out_scan.findings),
            "redacted": state.model_prompt != state.prompt,
            "score": round(signals.security, 4),
            "attack": {
                "score": round(scan.attack.score, 4),
                "detected": scan.attack.detected,
                "families": list(scan.attack.families),
            },
            "toxicity": {
                "score": round(scan.toxicity.score, 4),
                "detected": scan.toxicity.detected,
                "categories": list(scan.toxicity.categories),
            },
        },
        "guardrails": [trigger_dict(t) for t in state.triggers],
        "risk_level": risk.level.value,
        "risk": risk.to_dict(),
        "transparency": signals.transparency_notice,
        "quality_score": round(quality.score, 4),
        "coherence_score": round(quality.coherence, 4),
        "quality": {k: round(v, 4) for k, v in quality.components.items()},
        "hallucination": {
            "detected": hallucination.detected,
            "sources": list(hallucination.sources),
            "unsupported_ratio": hallucination.unsupported_ratio,
            "claims": list(hallucination.claims),
        },
        "trust_index": round(trust.score, 4),
        "trust": {k: round(v, 4) for k, v in trust.terms.items()},
        "drift_score": round(signals.drift.score, 4),
        "compliance": {
            "score": round(signals.compliance.score, 4),
            "checks": signals.compliance.checks,
        },
    }
