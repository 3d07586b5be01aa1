"""`GET /v1/models` and `POST /v1/embeddings` of the OpenAI-compatible gateway.

Embedding inputs go through the input stages (personal data and secrets redacted or
blocked, as the guardrails say) before the upstream sees them, and are recorded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from aimonitor.api.gateway.clients import gateway_client, routed_upstream
from aimonitor.api.gateway.errors import OpenAIError, refused
from aimonitor.api.gateway.request import read_json
from aimonitor.api.routes.chat import _ERRORS
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.backends.upstream_types import Upstream
from aimonitor.pipeline import Message, RequestState
from aimonitor.pipeline.model_call import as_upstream_error
from aimonitor.service import Service
from aimonitor.types import ModelAnswer

router = APIRouter(tags=["gateway"])
MAX_INPUTS = 2048


@router.get(
    "/v1/models",
    summary="The models the gateway serves (OpenAI shape)",
    responses={status: _ERRORS[status] for status in (401, 403)},
)
async def list_models(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        await gateway_client(request, service)
    except OpenAIError as exc:
        return exc.response()
    entries = await service.upstreams.upstream_models()
    return JSONResponse({"object": "list", "data": [entry.to_openai() for entry in entries]})


class EmbeddingsCall:
    def __init__(self, upstream: Upstream, body: dict[str, Any]) -> None:
        self.upstream = upstream
        self.body = body
        self.backend = upstream.name
        self.provider = upstream.provider
        self.model = ""

    async def __call__(self, state: RequestState) -> ModelAnswer:
        body = dict(self.body)
        inputs = body["input"]
        if state.redacted_messages:
            if isinstance(inputs, str):
                body["input"] = state.redacted_messages.get((0, None), inputs)
            else:
                body["input"] = [
                    state.redacted_messages.get((i, None), item) for i, item in enumerate(inputs)
                ]
        try:
            answer = await self.upstream.embeddings(body)
        except GatewayError as exc:
            raise as_upstream_error(state, exc) from None
        state.extra["upstream_body"] = answer
        raw_usage = answer.get("usage")
        usage: dict[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
        return ModelAnswer(
            text="",
            model=str(answer.get("model") or state.model_requested or ""),
            tokens_input=usage.get("prompt_tokens"),
            tokens_output=0 if usage.get("prompt_tokens") is not None else None,
        )


@router.post(
    "/v1/embeddings",
    summary="Embeddings, with the input guardrails applied",
    responses=_ERRORS,
)
async def embeddings(request: Request) -> Response:
    service: Service = request.app.state.service
    try:
        client = await gateway_client(request, service)
        body = await read_json(request)
        model, texts = _embedding_inputs(body)
        upstream = routed_upstream(service, model, client)
    except OpenAIError as exc:
        return exc.response()
    state = RequestState(
        route="embeddings",
        prompt="\n\n".join(message.text for message in texts),
        messages=texts,
        client=client.pseudonym,
        client_name=client.name,
        model_requested=model,
        model=model,
        model_call=EmbeddingsCall(upstream, body),
    )
    state = await service.embeddings_pipeline.run(state)
    if state.stop is not None:
        return refused(state)
    return JSONResponse(
        state.extra["upstream_body"], headers={"x-aimonitor-request-id": state.request_id}
    )


def _embedding_inputs(body: Any) -> tuple[str, list[Message]]:
    if not isinstance(body, dict):
        raise OpenAIError(400, "the body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise OpenAIError(400, "model must be a non-empty string", param="model")
    inputs = body.get("input")
    if isinstance(inputs, str):
        return model, [Message("user", inputs, 0)]
    if not isinstance(inputs, list) or not inputs or len(inputs) > MAX_INPUTS:
        raise OpenAIError(
            400, f"input must be a string or an array of 1 to {MAX_INPUTS} items", param="input"
        )
    # Token arrays carry no text to analyse; strings are analysed one by one.
    return model, [
        Message("user", item, i) for i, item in enumerate(inputs) if isinstance(item, str)
    ]
