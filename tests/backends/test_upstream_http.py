"""HttpUpstream against the fake OpenAI-compatible upstream, over loopback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from typing import Any, TypeVar

import pytest

from aimonitor.backends.fake_upstream import PII_TEXT, TOOL_CALL, FakeUpstream
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.backends.upstream_config import UpstreamConfig
from aimonitor.backends.upstream_http import HttpUpstream
from support.servers import free_port

T = TypeVar("T")
API_KEY = "sk-upstream-secret-0123456789"


def _upstream(url: str, **overrides: Any) -> HttpUpstream:
    fields: dict[str, Any] = {"name": "fake", "base_url": url, "models": ("*",)}
    fields["timeout_s"] = overrides.pop("timeout_s", 5)
    fields["max_retries"] = overrides.pop("max_retries", 1)
    return HttpUpstream(UpstreamConfig(**fields, **overrides), API_KEY)


def _run(upstream: HttpUpstream, call: Callable[[HttpUpstream], Awaitable[T]]) -> T:
    async def run() -> T:
        try:
            return await call(upstream)
        finally:
            await upstream.aclose()

    return asyncio.run(run())


def _body(model: str = "fake-1", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}


async def _collect(upstream: HttpUpstream, body: dict[str, Any]) -> list[dict[str, Any]]:
    return [chunk async for chunk in upstream.stream_chat(body)]


def _failure(
    upstream: HttpUpstream, call: Callable[[HttpUpstream], Awaitable[Any]]
) -> GatewayError:
    with pytest.raises(GatewayError) as info:
        _run(upstream, call)
    return info.value


def _text(chunks: list[dict[str, Any]]) -> str:
    return "".join(
        c["choices"][0]["delta"].get("content") or "" for c in chunks if c.get("choices")
    )


def test_chat_passes_unknown_fields_both_ways(fake_upstream: FakeUpstream) -> None:
    body = _body(temperature=0.2, seed=7, vendor_extension={"a": 1}, stream=False)
    result = _run(_upstream(fake_upstream.url + "/v1"), lambda u: u.chat(body))
    assert result.body["system_fingerprint"] == "fp_fake"  # unknown to us, kept
    assert result.body["usage"]["completion_tokens"] > 0
    assert result.upstream == "fake" and result.latency_s > 0
    [received] = fake_upstream.received
    assert received.path == "/v1/chat/completions"
    assert received.body["vendor_extension"] == {"a": 1} and received.body["seed"] == 7
    assert "stream" not in received.body
    assert received.headers["authorization"] == f"Bearer {API_KEY}"


def test_stream_yields_parsed_chunks_and_asks_for_usage(fake_upstream: FakeUpstream) -> None:
    chunks = _run(_upstream(fake_upstream.url), lambda u: _collect(u, _body("fake-pii")))
    assert _text(chunks) == PII_TEXT
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0
    sent = fake_upstream.received[0].body
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}


def test_stream_usage_can_be_turned_off(fake_upstream: FakeUpstream) -> None:
    upstream = _upstream(fake_upstream.url, stream_usage=False)
    chunks = _run(upstream, lambda u: _collect(u, _body()))
    assert "stream_options" not in fake_upstream.received[0].body
    assert all("usage" not in chunk for chunk in chunks)


def test_streamed_tool_call_arguments_arrive_in_pieces(fake_upstream: FakeUpstream) -> None:
    chunks = _run(_upstream(fake_upstream.url), lambda u: _collect(u, _body("fake-tools")))
    pieces = [
        call["function"].get("arguments", "")
        for chunk in chunks
        if chunk.get("choices")
        for call in chunk["choices"][0]["delta"].get("tool_calls", [])
    ]
    assert len(pieces) > 2 and "".join(pieces) == TOOL_CALL["arguments"]


def test_server_error_is_retried_then_502(fake_upstream: FakeUpstream) -> None:
    error = _failure(
        _upstream(fake_upstream.url, max_retries=2), lambda u: u.chat(_body("fake-error500"))
    )
    assert error.status == 502 and error.body()["error"]["type"] == "upstream_error"
    assert len(fake_upstream.received) == 3


def test_flaky_upstream_succeeds_on_retry(fake_upstream: FakeUpstream) -> None:
    result = _run(_upstream(fake_upstream.url), lambda u: u.chat(_body("fake-flaky")))
    assert result.body["choices"][0]["finish_reason"] == "stop"
    assert len(fake_upstream.received) == 2


def test_stream_is_retried_before_its_first_byte(fake_upstream: FakeUpstream) -> None:
    chunks = _run(_upstream(fake_upstream.url), lambda u: _collect(u, _body("fake-flaky")))
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert len(fake_upstream.received) == 2


def test_client_error_passes_through_with_its_message(fake_upstream: FakeUpstream) -> None:
    error = _failure(
        _upstream(fake_upstream.url, max_retries=3), lambda u: u.chat(_body("fake-badrequest"))
    )
    assert error.status == 400
    assert error.message == "messages: at least one message is required"
    assert error.param == "messages" and error.type == "invalid_request_error"
    assert len(fake_upstream.received) == 1


def test_rate_limit_is_retried_then_passed_through_with_retry_after(
    fake_upstream: FakeUpstream,
) -> None:
    error = _failure(
        _upstream(fake_upstream.url, max_retries=1), lambda u: u.chat(_body("fake-ratelimit"))
    )
    assert error.status == 429 and error.headers() == {"Retry-After": "0"}
    assert len(fake_upstream.received) == 2


def test_slow_answer_is_504_without_retry(fake_upstream: FakeUpstream) -> None:
    upstream = _upstream(fake_upstream.url, timeout_s=0.3, max_retries=2)
    error = _failure(upstream, lambda u: u.chat(_body("fake-slow")))
    assert error.status == 504 and error.type == "upstream_timeout"
    assert len(fake_upstream.received) == 1


def test_silent_stream_is_504(fake_upstream: FakeUpstream) -> None:
    upstream = _upstream(fake_upstream.url, timeout_s=0.3, max_retries=2)
    error = _failure(upstream, lambda u: _collect(u, _body("fake-slow")))
    assert error.status == 504


def test_mid_stream_disconnect_is_502_and_never_retried(fake_upstream: FakeUpstream) -> None:
    received: list[dict[str, Any]] = []

    async def consume(upstream: HttpUpstream) -> None:
        async for chunk in upstream.stream_chat(_body("fake-disconnect")):
            received.append(chunk)

    error = _failure(_upstream(fake_upstream.url, max_retries=3), consume)
    assert error.status == 502 and "cut" in error.message
    assert len(received) == 3  # what came before the cut was delivered
    assert len(fake_upstream.received) == 1


def test_unreachable_upstream_is_502_after_retries() -> None:
    upstream = _upstream(f"http://127.0.0.1:{free_port()}", max_retries=1)
    error = _failure(upstream, lambda u: u.chat(_body()))
    assert error.status == 502 and "unreachable" in error.message


def test_closing_the_stream_early_closes_the_upstream_request(fake_upstream: FakeUpstream) -> None:
    async def read_two(upstream: HttpUpstream) -> None:
        body = _body("fake-slow-stream")
        async with aclosing(upstream.stream_chat(body)) as chunks:
            async for index, _ in _enumerate(chunks):
                if index == 1:
                    break

    upstream = _upstream(fake_upstream.url)
    _run(upstream, read_two)
    deadline = time.monotonic() + 10
    while fake_upstream.streams_cut_by_client == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake_upstream.streams_cut_by_client == 1


def test_cancelling_the_consumer_task_closes_the_upstream_request(
    fake_upstream: FakeUpstream,
) -> None:
    async def cancel_mid_stream(upstream: HttpUpstream) -> None:
        started = asyncio.Event()

        async def consume() -> None:
            async for _ in upstream.stream_chat(_body("fake-slow-stream")):
                started.set()

        task = asyncio.create_task(consume())
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    _run(_upstream(fake_upstream.url), cancel_mid_stream)
    deadline = time.monotonic() + 10
    while fake_upstream.streams_cut_by_client == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert fake_upstream.streams_cut_by_client == 1


async def _enumerate(chunks: Any) -> Any:
    index = 0
    async for chunk in chunks:
        yield index, chunk
        index += 1


def test_embeddings_and_models(fake_upstream: FakeUpstream) -> None:
    async def both(upstream: HttpUpstream) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        vectors = await upstream.embeddings({"model": "fake-embed", "input": ["a", "b"]})
        return vectors, await upstream.list_models()

    vectors, models = _run(_upstream(fake_upstream.url), both)
    assert [item["index"] for item in vectors["data"]] == [0, 1]
    assert "fake-1" in {model["id"] for model in models}
    assert fake_upstream.received[0].path == "/v1/embeddings"


def test_malformed_answer_is_502(fake_upstream: FakeUpstream) -> None:
    from aimonitor.backends.fake_upstream import Reply

    fake_upstream.reply(Reply(200, b"not json"))
    error = _failure(_upstream(fake_upstream.url), lambda u: u.chat(_body()))
    assert error.status == 502 and "malformed" in error.message


def test_repr_hides_the_key(fake_upstream: FakeUpstream) -> None:
    assert API_KEY not in repr(_upstream(fake_upstream.url))


def test_paced_stream_sends_word_sized_deltas(fake_upstream: FakeUpstream) -> None:
    from aimonitor.backends.fake_upstream import DEFAULT_TEXT

    upstream = _upstream(fake_upstream.url)
    chunks = _run(upstream, lambda u: _collect(u, _body("fake-paced")))
    pieces = [c["choices"][0]["delta"].get("content") for c in chunks if c.get("choices")]
    words = [piece for piece in pieces if piece]
    assert "".join(words) == DEFAULT_TEXT and words[:3] == ["Monitoring", " an", " AI"]
