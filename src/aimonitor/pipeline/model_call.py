"""How the model stage reaches a model. Each adapter brings its own call: `/predict`
asks the configured backend for an answer to one prompt; the chat gateway forwards the
client's request to the upstream that serves its model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

from aimonitor.backends import ModelBackend, UpstreamError
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.backends.upstream_types import Upstream
from aimonitor.pipeline.state import RequestState
from aimonitor.types import ModelAnswer


class ModelCall(Protocol):
    backend: str  # closed set, a metric label
    provider: str  # OpenTelemetry gen_ai.provider.name
    model: str

    async def __call__(self, state: RequestState) -> ModelAnswer:
        """The model's answer; raises `UpstreamError` when it cannot answer."""
        ...


class BackendCall:
    """One prompt to a `ModelBackend`, with the conversation's earlier turns."""

    def __init__(self, backend: ModelBackend) -> None:
        self._backend = backend
        self.backend = backend.name
        self.provider = backend.provider
        self.model = backend.model

    async def __call__(self, state: RequestState) -> ModelAnswer:
        return await self._backend.generate(
            state.model_prompt or state.prompt,
            state.scenario,
            context=state.context,
            history=state.history,
        )


class UpstreamChatCall:
    """The client's chat request, its analysed texts redacted where the guardrails said
    so, to the upstream that serves its model."""

    def __init__(self, upstream: Upstream, body_for: Callable[[RequestState], dict[str, Any]]):
        self.upstream = upstream
        self._body_for = body_for
        self.backend = upstream.name
        self.provider = upstream.provider
        self.model = ""

    async def __call__(self, state: RequestState) -> ModelAnswer:
        try:
            result = await self.upstream.chat(self._body_for(state))
        except GatewayError as exc:
            raise as_upstream_error(state, exc) from None
        body = result.body
        state.extra["upstream_body"] = body
        choices = [c for c in body.get("choices") or () if isinstance(c, dict)]
        texts = [_content(choice) for choice in choices]
        raw_usage = body.get("usage")
        usage: dict[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
        return ModelAnswer(
            text="\n\n".join(texts),
            model=str(body.get("model") or state.model_requested or ""),
            tokens_input=usage.get("prompt_tokens"),
            tokens_output=usage.get("completion_tokens"),
            finish_reason=choices[0].get("finish_reason") if choices else None,
        )


def as_upstream_error(state: RequestState, exc: GatewayError) -> UpstreamError:
    """The pipeline's view of an upstream failure; the adapter answers with the
    upstream's own error (kept in the state)."""
    state.extra["upstream_error"] = exc
    kind: Literal["upstream_error", "upstream_timeout"] = (
        "upstream_timeout" if exc.status == 504 else "upstream_error"
    )
    return UpstreamError(kind, status=exc.status, message=exc.message)


def _content(choice: dict[str, Any]) -> str:
    message = choice.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    return content if isinstance(content, str) else ""
