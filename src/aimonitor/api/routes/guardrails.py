"""`GET /guardrails` and `PUT /guardrails/config`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from aimonitor.api.deps import AdminDep, ServiceDep
from aimonitor.api.schemas import GuardrailUpdate
from aimonitor.guardrails import InvalidGuardrailConfigError, UnknownGuardrailError

router = APIRouter(prefix="/guardrails", tags=["guardrails"])


@router.get("", summary="Every guardrail with its configuration")
async def list_guardrails(service: ServiceDep) -> dict[str, Any]:
    configs = service.engine.configs()
    return {"guardrails": [config.to_dict() for config in configs.values()]}


@router.put("/config", summary="Change a guardrail (admin)")
async def update_guardrail(
    body: GuardrailUpdate, service: ServiceDep, actor: AdminDep
) -> dict[str, Any]:
    try:
        updated = await run_in_threadpool(
            service.update_guardrail,
            body.guardrail_name,
            body.enabled,
            body.threshold,
            body.action,
            actor,
        )
    except UnknownGuardrailError as exc:
        raise HTTPException(404, str(exc)) from exc
    except InvalidGuardrailConfigError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"status": "updated", "guardrail": updated.to_dict()}
