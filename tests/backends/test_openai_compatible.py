from __future__ import annotations

import asyncio
import logging

import pytest

from aimonitor.backends import OpenAICompatibleBackend, UpstreamError
from aimonitor.backends.fake_upstream import FakeUpstream, Reply, completion
from aimonitor.backends.openai_compatible import build_messages, chat_completions_url
from aimonitor.types import ModelAnswer, Scenario

API_KEY = "sk-test-do-not-log-0123456789"


def _generate(
    backend: OpenAICompatibleBackend, prompt: str = "Hello", **kwargs: object
) -> ModelAnswer:
    async def run() -> ModelAnswer:
        try:
            return await backend.generate(prompt, Scenario.A, **kwargs)  # type: ignore[arg-type]
        finally:
            await backend.aclose()

    return asyncio.run(run())


def _failure(backend: OpenAICompatibleBackend) -> UpstreamError:
    with pytest.raises(UpstreamError) as info:
        _generate(backend)
    return info.value


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://h:8000", "http://h:8000/v1/chat/completions"),
        ("http://h:8000/", "http://h:8000/v1/chat/completions"),
        ("http://h:8000/v1", "http://h:8000/v1/chat/completions"),
        ("http://h:8000/v1/", "http://h:8000/v1/chat/completions"),
        ("http://h:8000/v1/chat/completions", "http://h:8000/v1/chat/completions"),
        (
            "https://api.example.com/openai/v1beta",
            "https://api.example.com/openai/v1beta/chat/completions",
        ),
    ],
)
def test_chat_completions_url_rule(base: str, expected: str) -> None:
    assert chat_completions_url(base) == expected


@pytest.mark.parametrize("bad", ["localhost:8000", "ftp://h/v1", "/v1"])
def test_chat_completions_url_rejects_relative_or_other_schemes(bad: str) -> None:
    with pytest.raises(ValueError):
        chat_completions_url(bad)


def test_messages_put_context_first_then_history_then_prompt() -> None:
    messages = build_messages("And now?", "Paris is in France.", [("Where is Paris?", "France.")])
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[0]["content"].startswith("Use the following context")
    assert messages[0]["content"].endswith("Paris is in France.")
    assert messages[-1]["content"] == "And now?"


def test_success_with_usage(fake_upstream: FakeUpstream) -> None:
    usage = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    fake_upstream.reply(Reply(200, completion("Bonjour !", usage=usage, model="fake-2024")))
    backend = OpenAICompatibleBackend(fake_upstream.url + "/v1", API_KEY, "fake-1", timeout_s=5)

    answer = _generate(backend, "Salut", history=[("Hi", "Hello")], context="ctx")

    assert answer.text == "Bonjour !"
    assert answer.model == "fake-2024"
    assert (answer.tokens_input, answer.tokens_output) == (12, 5)
    assert answer.latency_s > 0
    [received] = fake_upstream.received
    assert received.path == "/v1/chat/completions"
    assert received.headers["authorization"] == f"Bearer {API_KEY}"
    assert received.body["model"] == "fake-1"
    assert [m["role"] for m in received.body["messages"]] == ["system", "user", "assistant", "user"]


def test_missing_usage_leaves_tokens_unknown(fake_upstream: FakeUpstream) -> None:
    fake_upstream.reply(Reply(200, completion("ok")))
    backend = OpenAICompatibleBackend(fake_upstream.url, None, "fake-1", timeout_s=5)

    answer = _generate(backend)

    assert answer.text == "ok"
    assert answer.tokens_input is None and answer.tokens_output is None
    assert "authorization" not in fake_upstream.received[0].headers


def test_content_parts_are_joined(fake_upstream: FakeUpstream) -> None:
    body = completion("unused")
    body["choices"][0]["message"]["content"] = [
        {"type": "text", "text": "Hello "},
        {"type": "text", "text": "world"},
    ]
    fake_upstream.reply(Reply(200, body))
    answer = _generate(OpenAICompatibleBackend(fake_upstream.url, None, "m", timeout_s=5))
    assert answer.text == "Hello world"


def test_server_error_maps_to_502_after_retries(fake_upstream: FakeUpstream) -> None:
    fake_upstream.reply(Reply(500, b'{"error": "boom"}'), Reply(500, b'{"error": "boom"}'))
    backend = OpenAICompatibleBackend(fake_upstream.url, API_KEY, "m", timeout_s=5, retries=1)

    error = _failure(backend)

    assert (error.kind, error.status) == ("upstream_error", 502)
    assert "500" in error.message
    assert len(fake_upstream.received) == 2  # first try + one retry


def test_client_error_is_not_retried(fake_upstream: FakeUpstream) -> None:
    fake_upstream.reply(Reply(401, b'{"error": "bad key"}'), Reply(200, completion("late")))
    backend = OpenAICompatibleBackend(fake_upstream.url, API_KEY, "m", timeout_s=5, retries=2)

    error = _failure(backend)

    assert (error.kind, error.status) == ("upstream_error", 502)
    assert len(fake_upstream.received) == 1


def test_slow_upstream_maps_to_504_without_retry(fake_upstream: FakeUpstream) -> None:
    fake_upstream.reply(
        Reply(200, completion("too late"), delay_s=2.0), Reply(200, completion("x"))
    )
    backend = OpenAICompatibleBackend(fake_upstream.url, API_KEY, "m", timeout_s=0.3, retries=2)

    error = _failure(backend)

    assert (error.kind, error.status) == ("upstream_timeout", 504)
    assert len(fake_upstream.received) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"[1, 2, 3]",
        b'{"choices": []}',
        b'{"choices": [{"message": {"role": "assistant", "content": null}}]}',
        b'{"object": "chat.completion"}',
    ],
)
def test_malformed_body_maps_to_502(fake_upstream: FakeUpstream, body: bytes) -> None:
    fake_upstream.reply(Reply(200, body))
    error = _failure(OpenAICompatibleBackend(fake_upstream.url, None, "m", timeout_s=5))
    assert (error.kind, error.status) == ("upstream_error", 502)
    assert "malformed" in error.message


def test_retry_on_503_then_success(
    fake_upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    fake_upstream.reply(Reply(503, b"{}"), Reply(200, completion("second time lucky")))
    backend = OpenAICompatibleBackend(fake_upstream.url, API_KEY, "m", timeout_s=5, retries=1)

    with caplog.at_level(logging.DEBUG):
        answer = _generate(backend)

    assert answer.text == "second time lucky"
    assert len(fake_upstream.received) == 2
    assert "retry 1/1" in caplog.text
    assert API_KEY not in caplog.text
    assert API_KEY not in repr(backend)


def test_retry_on_429_honours_small_retry_after(fake_upstream: FakeUpstream) -> None:
    fake_upstream.reply(
        Reply(429, b"{}", headers={"Retry-After": "0"}), Reply(200, completion("ok"))
    )
    answer = _generate(OpenAICompatibleBackend(fake_upstream.url, None, "m", timeout_s=5))
    assert answer.text == "ok"
    assert len(fake_upstream.received) == 2


def test_unreachable_upstream_maps_to_502() -> None:
    upstream = FakeUpstream()  # bound but never serving, then closed: nothing listens
    url = upstream.url
    upstream.stop()
    backend = OpenAICompatibleBackend(url, API_KEY, "m", timeout_s=2, retries=1)

    error = _failure(backend)

    assert (error.kind, error.status) == ("upstream_error", 502)
    assert error.message == "upstream unreachable"
    assert API_KEY not in str(error)
