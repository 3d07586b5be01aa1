"""Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, LiteLLM...), as
the model backend of `/predict`.

The URL follows the rule of `backends/urls.py`. The call goes through the gateway's
`HttpUpstream` (pooled aiohttp connections, retries on connection errors, 429 and 5xx
with a short backoff, no retry after a timeout). Failures: timeouts ->
UpstreamError("upstream_timeout", 504); everything else (refusal, non-2xx, unreachable,
malformed body) -> UpstreamError("upstream_error", 502).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from aimonitor.backends.base import UpstreamError
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.backends.upstream_config import UpstreamConfig
from aimonitor.backends.upstream_http import HttpUpstream
from aimonitor.backends.urls import chat_completions_url
from aimonitor.types import ModelAnswer, Scenario

__all__ = ["OpenAICompatibleBackend", "build_messages", "chat_completions_url"]

CONTEXT_INSTRUCTION = "Use the following context to answer the user's question.\n\n"


def build_messages(
    prompt: str, context: str | None, history: Sequence[tuple[str, str]]
) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    if context:
        messages.append({"role": "system", "content": CONTEXT_INSTRUCTION + context})
    for user_turn, assistant_turn in history:
        messages.append({"role": "user", "content": user_turn})
        messages.append({"role": "assistant", "content": assistant_turn})
    messages.append({"role": "user", "content": prompt})
    return messages


def _parse_answer(body: Any, fallback_model: str) -> tuple[str, str, int | None, int | None]:
    """(text, model, prompt_tokens, completion_tokens); raises ValueError if malformed."""
    if not isinstance(body, dict):
        raise ValueError("body is not a JSON object")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ValueError("no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise ValueError("choice without message")
    content = message.get("content")
    if isinstance(content, list):  # content parts: keep the text ones
        content = "".join(
            part.get("text", "")
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    if not isinstance(content, str):
        raise ValueError("message without text content")
    model = body.get("model")
    usage = body.get("usage")
    prompt_tokens = completion_tokens = None
    if isinstance(usage, dict):
        prompt_tokens = _count(usage.get("prompt_tokens"))
        completion_tokens = _count(usage.get("completion_tokens"))
    resolved_model = model if isinstance(model, str) and model else fallback_model
    return content, resolved_model, prompt_tokens, completion_tokens


def _count(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class OpenAICompatibleBackend:
    """Calls `POST {base}/chat/completions`. The API key is sent as a bearer token and
    never logged or put in an error message."""

    name = "openai"
    provider = "openai"

    def __init__(
        self,
        url: str,
        api_key: str | None,
        model: str,
        timeout_s: float = 30.0,
        retries: int = 1,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be > 0")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.endpoint = chat_completions_url(url)
        self.model = model
        self.timeout_s = timeout_s
        self.retries = retries
        config = UpstreamConfig(
            name="default", base_url=url, models=(model,), timeout_s=timeout_s, max_retries=retries
        )
        self._upstream = HttpUpstream(config, api_key)

    def __repr__(self) -> str:  # never show the headers (API key)
        return f"OpenAICompatibleBackend(endpoint={self.endpoint!r}, model={self.model!r})"

    async def generate(
        self,
        prompt: str,
        scenario: Scenario,
        *,
        context: str | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> ModelAnswer:
        # The scenario only steers the simulated model; a real upstream ignores it.
        del scenario
        payload = {"model": self.model, "messages": build_messages(prompt, context, history)}
        started = time.perf_counter()
        try:
            result = await self._upstream.chat(payload)
        except GatewayError as exc:
            raise _backend_error(exc) from None
        latency_s = time.perf_counter() - started
        try:
            text, model, tokens_in, tokens_out = _parse_answer(result.body, self.model)
        except ValueError as exc:
            raise UpstreamError(
                "upstream_error", 502, f"malformed upstream answer: {type(exc).__name__}"
            ) from None
        return ModelAnswer(
            text=text,
            model=model,
            tokens_input=tokens_in,
            tokens_output=tokens_out,
            latency_s=latency_s,
        )

    async def aclose(self) -> None:
        await self._upstream.aclose()


def _backend_error(exc: GatewayError) -> UpstreamError:
    if exc.status == 504:
        return UpstreamError("upstream_timeout", 504, exc.message)
    if exc.status < 500:
        # /predict's clients did not write the upstream request: its 4xx is our failure.
        return UpstreamError("upstream_error", 502, f"upstream answered HTTP {exc.status}")
    return UpstreamError("upstream_error", 502, exc.message)
