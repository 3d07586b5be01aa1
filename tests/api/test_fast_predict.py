from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from aimonitor.api.fast_predict import FastPredictMiddleware

PROMPT = {"prompt": "Explique le monitoring IA et les SLO", "scenario": "A"}


class RecordingApp:
    """Stands for FastAPI behind the middleware: records what it was handed."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        self.bodies.append(message.get("body", b""))
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b"inner"})


def _scope(content_type: bytes | None = b"application/json", path: str = "/predict") -> Scope:
    headers = [(b"content-type", content_type)] if content_type else []
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "root_path": "",
        "headers": headers,
        "query_string": b"",
        "client": ("127.0.0.1", 5000),
    }


def _call(
    middleware: FastPredictMiddleware, scope: Scope, messages: list[Message]
) -> list[Message]:
    sent: list[Message] = []
    pending = list(messages)

    async def receive() -> Message:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    return sent


@pytest.fixture
def middleware(client: TestClient) -> tuple[FastPredictMiddleware, RecordingApp]:
    inner = RecordingApp()
    service = client.app.state.service  # type: ignore[attr-defined]
    return FastPredictMiddleware(inner, service=service, route=None), inner


def test_a_valid_body_is_answered_without_the_router(
    middleware: tuple[FastPredictMiddleware, RecordingApp],
) -> None:
    fast, inner = middleware
    body = json.dumps(PROMPT).encode()
    sent = _call(fast, _scope(), [{"type": "http.request", "body": body}])
    assert inner.bodies == []
    assert sent[0]["status"] == 200
    headers = dict(sent[0]["headers"])
    assert headers[b"content-type"] == b"application/json"
    assert int(headers[b"content-length"]) == len(sent[1]["body"])
    assert json.loads(sent[1]["body"])["scenario"] == "A"


def test_a_body_in_chunks_is_joined(middleware: tuple[FastPredictMiddleware, RecordingApp]) -> None:
    fast, inner = middleware
    body = json.dumps(PROMPT).encode()
    chunks: list[Message] = [
        {"type": "http.request", "body": body[:10], "more_body": True},
        {"type": "http.request", "body": body[10:], "more_body": False},
    ]
    sent = _call(fast, _scope(), chunks)
    assert inner.bodies == [] and sent[0]["status"] == 200


@pytest.mark.parametrize(
    "body",
    [b"", b"{not json", b'{"prompt": "hi", "scenario": "Z"}', b'{"prompt": "hi", "x": 1}'],
)
def test_anything_else_goes_to_the_router_with_its_body(
    middleware: tuple[FastPredictMiddleware, RecordingApp], body: bytes
) -> None:
    fast, inner = middleware
    sent = _call(fast, _scope(), [{"type": "http.request", "body": body}])
    assert inner.bodies == [body]
    assert sent[0]["status"] == 418


@pytest.mark.parametrize(
    ("scope", "why"),
    [
        (_scope(content_type=None), "no content type"),
        (_scope(content_type=b"text/plain"), "not JSON"),
        (_scope(path="/predictions"), "another path"),
        ({**_scope(), "method": "GET"}, "another method"),
        ({**_scope(), "root_path": "/api"}, "mounted under a prefix"),
    ],
)
def test_other_requests_are_not_touched(
    middleware: tuple[FastPredictMiddleware, RecordingApp], scope: Scope, why: str
) -> None:
    fast, inner = middleware
    body = json.dumps(PROMPT).encode()
    sent = _call(fast, scope, [{"type": "http.request", "body": body}])
    assert inner.bodies == [body], why
    assert sent[0]["status"] == 418


def test_a_client_gone_mid_body_gets_nothing(
    middleware: tuple[FastPredictMiddleware, RecordingApp],
) -> None:
    fast, inner = middleware
    sent = _call(fast, _scope(), [{"type": "http.request", "body": b'{"pro', "more_body": True}])
    assert sent == [] and inner.bodies == []


def _shape(value: Any) -> Any:
    """The keys and value types of a JSON answer (the simulated answers vary per call)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    return type(value).__name__


def test_both_paths_give_the_same_answer(client: TestClient) -> None:
    fast = client.post("/predict", json=PROMPT)
    # A JSON media type FastAPI accepts but the fast path leaves to the router.
    routed = client.post(
        "/predict",
        content=json.dumps(PROMPT),
        headers={"content-type": "application/vnd.aimonitor+json"},
    )
    assert fast.status_code == routed.status_code == 200
    assert fast.headers["content-type"] == routed.headers["content-type"]
    assert _shape(fast.json()) == _shape(routed.json())
    assert fast.json()["decision"] == routed.json()["decision"] == "served"


def test_guardrail_answers_keep_their_headers(make_settings: Any) -> None:
    from aimonitor.api import create_app

    with TestClient(create_app(make_settings(rate_limit_per_minute=1))) as limited:
        assert limited.post("/predict", json=PROMPT).status_code == 200
        refused = limited.post("/predict", json=PROMPT)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1


def test_fast_answers_are_timed_under_the_route_label(client: TestClient) -> None:
    assert client.post("/predict", json=PROMPT).status_code == 200
    metrics = client.get("/metrics").text
    line = (
        'ai_http_request_duration_seconds_count{method="POST",route="/predict",status_class="2xx"}'
    )
    assert f"{line} 1.0" in metrics
