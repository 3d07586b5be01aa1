"""`GET` and `DELETE /conversations/{id}`."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from aimonitor.api.access import RecordReaderDep
from aimonitor.api.deps import AdminDep, ServiceDep
from aimonitor.api.schemas import (
    Conversation,
    ConversationDeleted,
    ConversationErased,
    ConversationTurn,
    error_responses,
)
from aimonitor.console import queries
from aimonitor.guardrails import conversation_key

router = APIRouter(prefix="/conversations", tags=["conversations"])


@router.get(
    "/{conversation_id}",
    summary="The turns of a conversation, in order (viewer or admin key, or the client key "
    "that wrote it)",
    response_model=Conversation,
    responses={
        **error_responses(401, 403, described={404: "Unknown conversation (or another client's)"}),
        410: {"model": ConversationErased, "description": "Every turn was erased"},
    },
)
async def get_conversation(
    conversation_id: str, service: ServiceDep, principal: RecordReaderDep
) -> Conversation | JSONResponse:
    stored_id = conversation_key(conversation_id, service.secret)
    await run_in_threadpool(service.writer.flush)
    turns = await run_in_threadpool(service.store.conversation, stored_id)
    engine = queries.engine_of(service.store)
    erased_at = None
    if engine is not None:
        erased_at = await run_in_threadpool(queries.last_erasure, engine, stored_id)
        if turns and not principal.may_read_records_of(
            await run_in_threadpool(queries.conversation_clients, engine, stored_id)
        ):
            # Another client's conversation is answered as unknown: no hint it exists.
            raise HTTPException(404, f"unknown conversation {conversation_id!r}")
    if erased_at is not None:
        # Turns taken after the erasure keep their text: the conversation may go on.
        turns = [turn for turn in turns if turn.created_at > erased_at]
        if not turns:
            erased = ConversationErased(
                status="erased", conversation_id=conversation_id, erased_at=erased_at.isoformat()
            )
            return JSONResponse(erased.model_dump(), status_code=410)
    if not turns:
        raise HTTPException(404, f"unknown conversation {conversation_id!r}")
    return Conversation(
        conversation_id=conversation_id,
        turns=[
            ConversationTurn(
                turn=turn.turn_index + 1,
                request_id=turn.request_id,
                created_at=turn.created_at.isoformat(),
                scenario=turn.scenario,
                decision=turn.decision,
                prompt=turn.prompt_text,
                response=turn.response_text,
            )
            for turn in turns
        ],
    )


@router.delete(
    "/{conversation_id}",
    summary="Erase a conversation (right to erasure, admin)",
    responses=error_responses(401, 403, described={404: "Unknown conversation"}),
)
async def delete_conversation(
    conversation_id: str, service: ServiceDep, actor: AdminDep
) -> ConversationDeleted:
    stored_id = conversation_key(conversation_id, service.secret)
    await run_in_threadpool(service.writer.flush)
    erased = await run_in_threadpool(service.store.erase_conversation, stored_id, actor)
    if erased == 0:
        raise HTTPException(404, f"unknown conversation {conversation_id!r}")
    service.conversations.forget(stored_id)
    service.meter.erased()
    return ConversationDeleted(
        status="erased", conversation_id=conversation_id, turns_erased=erased
    )
