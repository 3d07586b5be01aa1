"""`GET` and `DELETE /conversations/{id}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from aimonitor.api.deps import AdminDep, ServiceDep

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.get("/{conversation_id}", summary="The turns of a conversation, in order")
async def get_conversation(conversation_id: str, service: ServiceDep) -> dict[str, Any]:
    await run_in_threadpool(service.writer.flush)
    turns = await run_in_threadpool(service.store.conversation, conversation_id)
    if not turns:
        raise HTTPException(404, f"unknown conversation {conversation_id!r}")
    return {
        "conversation_id": conversation_id,
        "turns": [
            {
                "turn": turn.turn_index + 1,
                "request_id": turn.request_id,
                "created_at": turn.created_at.isoformat(),
                "scenario": turn.scenario,
                "decision": turn.decision,
                "prompt": turn.prompt_text,
                "response": turn.response_text,
            }
            for turn in turns
        ],
    }


@router.delete("/{conversation_id}", summary="Erase a conversation (right to erasure)")
async def delete_conversation(
    conversation_id: str, service: ServiceDep, actor: AdminDep
) -> dict[str, Any]:
    await run_in_threadpool(service.writer.flush)
    erased = await run_in_threadpool(service.store.erase_conversation, conversation_id, actor)
    if erased == 0:
        raise HTTPException(404, f"unknown conversation {conversation_id!r}")
    service.conversations.forget(conversation_id)
    service.metrics.audit_events.labels("erasure", "warning").inc()
    return {"status": "erased", "conversation_id": conversation_id, "turns_erased": erased}
