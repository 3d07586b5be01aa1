"""An OpenAI-compatible upstream over HTTP (OpenAI, vLLM, Ollama, LiteLLM, Azure-style
proxies...), with pooled keep-alive connections.

aiohttp rather than httpx: it costs the event loop much less CPU per request
(benchmarks/bench_http_client.py).

Retries (`max_retries`, exponential backoff from 0.1 s, at most 2 s, or the upstream's
`Retry-After` when it is shorter than that cap): connection failures, 429 and 5xx. A
request whose answer did not come in time is not retried (the model may be working on
it), and a stream is never retried once its first byte arrived.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from aimonitor.backends.gateway_error import GatewayError, upstream_failure, upstream_timeout
from aimonitor.backends.sse import sse_data
from aimonitor.backends.upstream_config import UpstreamConfig
from aimonitor.backends.upstream_types import ChatResult
from aimonitor.backends.urls import chat_completions_url

logger = logging.getLogger(__name__)

BACKOFF_BASE_S = 0.1
BACKOFF_MAX_S = 2.0
CONNECT_TIMEOUT_MAX_S = 5.0
POOL_SIZE = 256  # connections kept per upstream
DONE = b"[DONE]"


class HttpUpstream:
    def __init__(self, config: UpstreamConfig, api_key: str | None) -> None:
        self.name = config.name
        self.provider = config.provider
        self.config = config
        self.base_url = chat_completions_url(config.base_url).removesuffix("/chat/completions")
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        connect = min(config.timeout_s, CONNECT_TIMEOUT_MAX_S)
        self._timeout = aiohttp.ClientTimeout(total=config.timeout_s, connect=connect)
        # A stream may last longer than `timeout_s`; what must not exceed it is the
        # silence between two reads.
        self._stream_timeout = aiohttp.ClientTimeout(
            total=None, connect=connect, sock_read=config.timeout_s
        )
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:  # never show the headers (API key)
        return f"HttpUpstream(name={self.name!r}, base_url={self.base_url!r})"

    def _http(self) -> aiohttp.ClientSession:
        # Built on first use, inside the event loop that uses it.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                connector=aiohttp.TCPConnector(limit=POOL_SIZE, keepalive_timeout=30),
                json_serialize=lambda value: orjson.dumps(value).decode(),
                auto_decompress=True,
            )
        return self._session

    async def chat(self, body: dict[str, Any]) -> ChatResult:
        started = time.perf_counter()
        payload = dict(body)
        payload.pop("stream", None)
        payload.pop("stream_options", None)
        answer = await self._call("POST", "/chat/completions", payload)
        return ChatResult(answer, self.name, self.provider, time.perf_counter() - started)

    async def embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._call("POST", "/embeddings", body)

    async def list_models(self) -> list[dict[str, Any]]:
        answer = await self._call("GET", "/models", None)
        data = answer.get("data")
        if not isinstance(data, list):
            raise upstream_failure("malformed upstream model list")
        return [item for item in data if isinstance(item, dict) and isinstance(item.get("id"), str)]

    async def stream_chat(self, body: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        payload = dict(body, stream=True)
        if self.config.stream_usage:
            options = body.get("stream_options")
            payload["stream_options"] = dict(
                options if isinstance(options, dict) else {}, include_usage=True
            )
        response = await self._send("POST", "/chat/completions", payload, stream=True)
        finished = False
        try:
            async for data in sse_data(response.content):
                if data == DONE:
                    finished = True
                    return
                chunk = _chunk(data)
                if _has_finish_reason(chunk):
                    finished = True  # a server that ends without [DONE] ended cleanly
                yield chunk
            if not finished:
                raise upstream_failure("upstream stream ended before its last chunk")
        except TimeoutError:
            raise upstream_timeout(
                f"upstream stream sent nothing for {self.config.timeout_s} s"
            ) from None
        except (aiohttp.ClientError, ValueError) as exc:
            raise upstream_failure(f"upstream stream cut: {type(exc).__name__}") from None
        finally:
            if finished:
                response.release()
            else:
                # Consumer gone or stream broken: drop the connection, so the upstream
                # stops generating (a released connection would have to drain it first).
                response.close()

    async def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> dict[str, Any]:
        response = await self._send(method, path, payload, stream=False)
        try:
            raw = await response.read()
        except TimeoutError:
            raise upstream_timeout(
                f"upstream gave no answer in {self.config.timeout_s} s"
            ) from None
        except aiohttp.ClientError as exc:
            raise upstream_failure(f"upstream transport error: {type(exc).__name__}") from None
        finally:
            response.release()
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise upstream_failure("malformed upstream answer: not JSON") from None
        if not isinstance(answer, dict):
            raise upstream_failure("malformed upstream answer: not a JSON object")
        return answer

    async def _send(
        self, method: str, path: str, payload: dict[str, Any] | None, *, stream: bool
    ) -> aiohttp.ClientResponse:
        """The upstream's response with a success status (its body not read yet), after
        the retries the configuration allows; raises `GatewayError` otherwise."""
        session = self._http()
        url = self.base_url + path
        data = orjson.dumps(payload) if payload is not None else None
        timeout = self._stream_timeout if stream else self._timeout
        attempt = 0
        while True:
            retry_after: float | None = None
            try:
                response = await session.request(method, url, data=data, timeout=timeout)
            except aiohttp.ConnectionTimeoutError:
                failure = upstream_timeout("upstream connect timeout")
            except TimeoutError:
                # The request may have reached the model: do not send it twice.
                raise upstream_timeout(
                    f"upstream gave no answer in {self.config.timeout_s} s"
                ) from None
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError):
                failure = upstream_failure("upstream unreachable")
            except aiohttp.ClientError as exc:
                raise upstream_failure(f"upstream transport error: {type(exc).__name__}") from None
            else:
                if response.status < 400:
                    return response
                failure = await _error_of(response)
                retry_after = failure.retry_after_s
                if not _retryable(response.status):
                    raise failure
            if attempt >= self.config.max_retries:
                raise failure
            delay = _backoff_s(attempt, retry_after)
            logger.warning(
                "upstream %s failed (%s), retry %d/%d in %.2f s",
                self.name,
                failure.message,
                attempt + 1,
                self.config.max_retries,
                delay,
            )
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


def _backoff_s(attempt: int, retry_after: float | None) -> float:
    delay = BACKOFF_BASE_S * float(2**attempt)
    if retry_after is not None:
        delay = retry_after
    return min(delay, BACKOFF_MAX_S)


def _retry_after(response: aiohttp.ClientResponse) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


async def _error_of(response: aiohttp.ClientResponse) -> GatewayError:
    """The error to raise for an upstream's 4xx/5xx: its 4xx passed through with its
    message, except 401/403 (the gateway's own upstream key is at fault, not the
    client's: 502); 5xx -> 502."""
    status = response.status
    try:
        raw = await response.read()
    except (aiohttp.ClientError, TimeoutError):
        raw = b""
    finally:
        response.release()
    error: dict[str, Any] = {}
    try:
        body = orjson.loads(raw)
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            error = body["error"]
    except orjson.JSONDecodeError:
        pass
    if status in (401, 403):
        return upstream_failure(f"upstream refused aimonitor's API key (HTTP {status})")
    if status >= 500:
        return upstream_failure(f"upstream answered HTTP {status}")
    message = error.get("message")
    kind = error.get("type")
    code = error.get("code")
    param = error.get("param")
    return GatewayError(
        status,
        message if isinstance(message, str) and message else f"upstream answered HTTP {status}",
        kind if isinstance(kind, str) and kind else "invalid_request_error",
        code=code if isinstance(code, str) else None,
        param=param if isinstance(param, str) else None,
        retry_after_s=_retry_after(response) if status == 429 else None,
    )


def _chunk(data: bytes) -> dict[str, Any]:
    chunk = orjson.loads(data)
    if not isinstance(chunk, dict):
        raise ValueError("stream chunk is not a JSON object")
    error = chunk.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        text = message if isinstance(message, str) else "error event"
        raise GatewayError(502, f"upstream stream failed: {text}", "upstream_error")
    return chunk


def _has_finish_reason(chunk: dict[str, Any]) -> bool:
    choices = chunk.get("choices")
    if not isinstance(choices, list):
        return False
    return any(isinstance(c, dict) and c.get("finish_reason") for c in choices)
