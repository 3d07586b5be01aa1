"""Server-sent events as the OpenAI streaming API writes them, and odd ones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aimonitor.backends import sse
from aimonitor.backends.gateway_error import GatewayError


async def _lines(*lines: bytes) -> AsyncIterator[bytes]:
    for line in lines:
        yield line


def _events(*lines: bytes) -> list[bytes]:
    async def collect() -> list[bytes]:
        return [data async for data in sse.sse_data(_lines(*lines))]

    return asyncio.run(collect())


def test_events_comments_and_line_ends() -> None:
    events = _events(
        b": keep-alive\n",
        b'data: {"a": 1}\r\n',
        b"\r\n",
        b"event: message\n",
        b"id: 7\n",
        b'data:{"b": 2}\n',
        b"\n",
        b"data: first\n",
        b"data: second\n",
        b"\n",
        b"data: [DONE]",  # no blank line before the end of the body
    )
    assert events == [b'{"a": 1}', b'{"b": 2}', b"first\nsecond", b"[DONE]"]


def test_an_endless_event_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sse, "MAX_EVENT_BYTES", 10)
    with pytest.raises(ValueError, match="larger than"):
        _events(b"data: 0123456789abcdef\n")


def test_gateway_error_shape() -> None:
    error = GatewayError(429, "slow down", "rate_limit_error", code="rate", retry_after_s=1.6)
    assert error.body() == {
        "error": {"message": "slow down", "type": "rate_limit_error", "code": "rate", "param": None}
    }
    assert error.headers() == {"Retry-After": "2"}
    assert GatewayError(502, "x" * 2000).message == "x" * 500
    with pytest.raises(ValueError):
        GatewayError(200, "not an error")
