"""Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, LiteLLM...).

URL rule (see docs/scenarios.md, "OpenAI-compatible upstream"): trailing slashes and a
trailing `/chat/completions` are dropped; a URL with no path gets `/v1`; then
`/chat/completions` is appended. So `http://h:8000`, `http://h:8000/v1` and
`http://h:8000/v1/chat/completions` all post to `http://h:8000/v1/chat/completions`,
while `https://h/openai/v1beta` is kept as the base.

Failures: timeouts -> UpstreamError("upstream_timeout", 504); everything else (refusal,
non-2xx, unreachable, malformed body) -> UpstreamError("upstream_error", 502). Connect
errors, 429 and 5xx are retried `retries` times with a short backoff.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from aimonitor.backends.base import UpstreamError
from aimonitor.types import ModelAnswer, Scenario

logger = logging.getLogger(__name__)

CONTEXT_INSTRUCTION = "Use the following context to answer the user's question.\n\n"
BACKOFF_BASE_S = 0.1
BACKOFF_MAX_S = 2.0
CONNECT_TIMEOUT_MAX_S = 5.0


def chat_completions_url(base_url: str) -> str:
    """Apply the URL rule described in the module docstring."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("upstream URL must be an absolute http(s) URL")
    path = parts.path.rstrip("/").removesuffix("/chat/completions").rstrip("/")
    if not path:
        path = "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path + "/chat/completions", parts.query, ""))


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


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _backoff_s(attempt: int, response: httpx.Response | None) -> float:
    delay = BACKOFF_BASE_S * float(2**attempt)
    if response is not None:
        retry_after = response.headers.get("retry-after", "")
        if retry_after.replace(".", "", 1).isdigit():
            delay = max(delay, float(retry_after))
    return min(delay, BACKOFF_MAX_S)


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
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:  # never show the headers (API key)
        return f"OpenAICompatibleBackend(endpoint={self.endpoint!r}, model={self.model!r})"

    def _http(self) -> httpx.AsyncClient:
        # Built on first use, inside the event loop that will use it.
        if self._client is None:
            self._client = httpx.AsyncClient(
                headers=self._headers,
                timeout=httpx.Timeout(
                    self.timeout_s, connect=min(self.timeout_s, CONNECT_TIMEOUT_MAX_S)
                ),
                follow_redirects=False,
            )
        return self._client

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
        response = await self._post_with_retries(payload)
        latency_s = time.perf_counter() - started
        if not response.is_success:
            raise UpstreamError(
                "upstream_error", 502, f"upstream answered HTTP {response.status_code}"
            )
        try:
            text, model, tokens_in, tokens_out = _parse_answer(response.json(), self.model)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError too
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

    async def _post_with_retries(self, payload: dict[str, Any]) -> httpx.Response:
        client = self._http()
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = await client.post(self.endpoint, json=payload)
            except httpx.ConnectTimeout:
                failure = UpstreamError("upstream_timeout", 504, "upstream connect timeout")
            except httpx.TimeoutException:
                # The request may have reached the model: do not send it twice.
                raise UpstreamError(
                    "upstream_timeout", 504, f"upstream gave no answer in {self.timeout_s} s"
                ) from None
            except httpx.ConnectError:
                failure = UpstreamError("upstream_error", 502, "upstream unreachable")
            except httpx.HTTPError as exc:
                raise UpstreamError(
                    "upstream_error", 502, f"upstream transport error: {type(exc).__name__}"
                ) from None
            else:
                if not _retryable(response.status_code) or attempt >= self.retries:
                    return response
                failure = UpstreamError(
                    "upstream_error", 502, f"upstream answered HTTP {response.status_code}"
                )
                await response.aclose()
            if attempt >= self.retries:
                raise failure
            delay = _backoff_s(attempt, response)
            logger.warning(
                "upstream call failed (%s), retry %d/%d in %.2f s",
                failure.message,
                attempt + 1,
                self.retries,
                delay,
            )
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
