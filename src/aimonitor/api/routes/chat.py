"""`POST /v1/chat/completions`: the OpenAI-compatible gateway.

The second adapter over the pipeline's stages: the client's request is analysed and
guarded (every user and tool message), forwarded to the upstream that serves its model,
and its answer guarded, measured and recorded — streamed or not.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from aimonitor.api.gateway.clients import GatewayClient, gateway_client, routed_upstream
from aimonitor.api.gateway.errors import OpenAIError, refused
from aimonitor.api.gateway.request import ChatRequest, parse_chat, read_json, upstream_body
from aimonitor.api.gateway.stream import ChatStream, close_iterator
from aimonitor.api.schemas import OpenAIErrorResponse
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.guardrails import client_key
from aimonitor.guardrails.streaming import StreamPolicy, ToolCallGuard
from aimonitor.pipeline import RequestState
from aimonitor.pipeline.model_call import UpstreamChatCall, as_upstream_error
from aimonitor.pipeline.stages.model import refuse_upstream
from aimonitor.service import Service

router = APIRouter(tags=["gateway"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": OpenAIErrorResponse, "description": description}
    for status, description in (
        (400, "Invalid request (OpenAI error shape)"),
        (401, "Missing or unknown client key"),
        (403, "Blocked by a guardrail (the code names it), or a model the key may not use"),
        (404, "No upstream serves this model"),
        (413, "Prompt or body too long"),
        (429, "Rate limit or budget reached (see Retry-After)"),
        (502, "Upstream error"),
        (503, "The audit record could not be written (retry later)"),
        (504, "Upstream timeout"),
    )
}


@router.post(
    "/v1/chat/completions",
    summary="OpenAI-compatible chat completions, guarded and monitored",
    responses=_ERRORS,
)
async def chat_completions(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        client = await gateway_client(request, service)
        chat = parse_chat(await read_json(request))
        upstream = routed_upstream(service, chat.model, client)
    except OpenAIError as exc:
        return exc.response()
    state = chat_state(service, chat, client, request)
    state.model_call = UpstreamChatCall(
        upstream, lambda s: upstream_body(chat, s.redacted_messages)
    )
    if chat.stream:
        return await _stream(service, chat, state)
    state = await service.pipeline.run(state)
    if state.stop is not None:
        return refused(state)
    return JSONResponse(
        answered_body(service, state), headers={"x-aimonitor-request-id": state.request_id}
    )


def chat_state(
    service: Service, chat: ChatRequest, client: GatewayClient, request: Request
) -> RequestState:
    return RequestState(
        route="chat",
        prompt=chat.prompt,
        messages=chat.texts,
        client=client.pseudonym,
        client_name=client.name,
        rate_limit_per_minute=client.key.rpm if client.key else None,
        daily_budget_eur=client.key.daily_budget_eur if client.key else None,
        user=client_key(chat.user, None, None, service.secret) if chat.user else None,
        model_requested=chat.model,
        model=chat.model,
    )


def answered_body(service: Service, state: RequestState) -> dict[str, Any]:
    """The upstream's answer, its texts as the output guardrails left them."""
    body: dict[str, Any] = dict(state.extra["upstream_body"])
    choices = [dict(c) for c in body.get("choices") or () if isinstance(c, dict)]
    for choice in choices:
        message = choice.get("message")
        if not isinstance(message, dict):
            continue
        message = choice["message"] = dict(message)
        if isinstance(message.get("content"), str):
            message["content"] = (
                state.answer if len(choices) == 1 else _guarded(service, message["content"])
            )
        if isinstance(message.get("tool_calls"), list):
            message["tool_calls"] = _guarded_tool_calls(service, message["tool_calls"])
    body["choices"] = choices
    return body


def _guarded(service: Service, text: str) -> str:
    verdict = service.engine.evaluate_output(text, service.analyzer.scan(text, attacks=False))
    if not verdict.redact_findings:
        return text
    return service.redactor.redact(text, verdict.redact_findings)


def _guarded_tool_calls(service: Service, calls: list[Any]) -> list[Any]:
    guard = ToolCallGuard(
        service.analyzer, service.redactor, StreamPolicy.from_guardrails(service.engine)
    )
    guard.feed([{**call, "index": i} for i, call in enumerate(calls) if isinstance(call, dict)])
    step = guard.finish()
    return calls if step.stop is not None else step.tool_calls


async def _stream(service: Service, chat: ChatRequest, state: RequestState) -> Response:
    pipeline = service.pipeline
    state = await pipeline.run_until_model(state)
    if state.stop is not None:
        return refused(state)
    call = state.model_call
    assert isinstance(call, UpstreamChatCall)
    state.backend, state.provider = call.backend, call.provider
    body = dict(upstream_body(chat, state.redacted_messages))
    # Usage is asked for whatever the client asked: tokens and cost are measured.
    body["stream_options"] = {**(chat.body.get("stream_options") or {}), "include_usage": True}
    model_start = time.perf_counter()
    chunks = call.upstream.stream_chat(body)
    try:
        first = await anext(chunks)
    except StopAsyncIteration:
        first = {}
    except GatewayError as exc:
        await close_iterator(chunks)
        state.model_seconds = time.perf_counter() - model_start
        refuse_upstream(state, as_upstream_error(state, exc))
        await pipeline.finish_stream(state)
        return refused(state)
    stream = ChatStream(
        state=state,
        pipeline=pipeline,
        analyzer=service.analyzer,
        redactor=service.redactor,
        policy=StreamPolicy.from_guardrails(service.engine),
        text_policy=service.text_policy,
        prices=service.prices,
        chunks=chunks,
        first=first,
        include_usage=chat.include_usage,
        model_start=model_start,
    )
    return StreamingResponse(
        stream.events(),
        media_type="text/event-stream",
        headers={"x-aimonitor-request-id": state.request_id, "cache-control": "no-cache"},
    )
