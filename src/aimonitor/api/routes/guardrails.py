"""`GET /guardrails` and `PUT /guardrails/config`."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from aimonitor.api.deps import AdminDep, ServiceDep
from aimonitor.api.schemas import (
    GuardrailList,
    GuardrailUpdate,
    GuardrailUpdated,
    error_responses,
    invalid,
)
from aimonitor.console.models import GuardrailView
from aimonitor.guardrails import InvalidGuardrailConfigError, UnknownGuardrailError

router = APIRouter(prefix="/guardrails", tags=["guardrails"])


@router.get("", summary="Every guardrail with its configuration")
async def list_guardrails(service: ServiceDep) -> GuardrailList:
    configs = service.engine.configs()
    return GuardrailList(
        guardrails=[GuardrailView(**config.to_dict()) for config in configs.values()]
    )


@router.put(
    "/config",
    summary="Change a guardrail (admin)",
    responses=error_responses(401, 403, 413, described={404: "Unknown guardrail"}),
)
async def update_guardrail(
    body: GuardrailUpdate, service: ServiceDep, actor: AdminDep
) -> GuardrailUpdated:
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
        raise invalid(str(exc)) from exc
    return GuardrailUpdated(status="updated", guardrail=GuardrailView(**updated.to_dict()))
