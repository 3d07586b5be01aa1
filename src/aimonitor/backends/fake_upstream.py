"""A fake OpenAI-compatible upstream for tests, demos and benchmarks: a real HTTP/1.1
server on loopback (keep-alive, chunked SSE), in a thread, that records what it got.

Two ways to drive it:

- a script of canned replies, played in order (`reply(Reply(...))`), for exact bodies;
- with an empty script it acts as an OpenAI-compatible server: `POST /v1/chat/completions`
  (JSON, or SSE when `"stream": true`), `GET /v1/models`, `POST /v1/embeddings`. The
  behaviour of a chat request is chosen by its model name (`fake-pii`, `fake-toxic`...) or
  by the `X-Fake-Behaviour` header; see `BEHAVIOURS`. `X-Fake-Chunk-Chars` sets the size
  of the streamed deltas, `X-Fake-Delay-Ms` the pause before the answer (and between
  deltas for `slow-stream`).

    upstream = FakeUpstream()
    upstream.start()
    ... POST {upstream.url}/v1/chat/completions {"model": "fake-pii", "stream": true} ...
    upstream.stop()

Run alone for benchmarks: `python -m aimonitor.backends.fake_upstream --port 9000`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_TEXT = "Monitoring an AI system means watching its inputs, outputs, latency and cost."
PII_TEXT = (
    "Write to jean.dupont@example.com or call +33 6 12 34 56 78. "
    "The refund goes to IBAN FR76 3000 6000 0112 3456 7890 189, "
    "and the deploy key is sk-proj-abcdefghijklmnopqrstuvwxyz012345."
)
TOXIC_TEXT = "Here is my answer. You are a worthless idiot and I will kill you."
TOOL_CALL = {"name": "get_weather", "arguments": '{"city": "Paris", "unit": "celsius"}'}
EMBEDDING_DIMENSIONS = 8

# model suffix / X-Fake-Behaviour value -> what the fake does
BEHAVIOURS = {
    "echo": "answers DEFAULT_TEXT (also any model name not listed here)",
    "pii": "answers PII_TEXT (e-mail, phone, IBAN, API key); stream it in small deltas",
    "toxic": "answers TOXIC_TEXT",
    "tools": "answers with a tool call (its arguments streamed in pieces)",
    "error500": "HTTP 500 with an OpenAI error body",
    "badrequest": "HTTP 400 with an OpenAI error body",
    "ratelimit": "HTTP 429 with Retry-After: 0",
    "flaky": "HTTP 503 the first time a request body is seen, then answers",
    "slow": "waits X-Fake-Delay-Ms (default 2000) before answering",
    "slow-stream": "streams with X-Fake-Delay-Ms (default 50) between deltas",
    "paced": "streams word-sized deltas (as tokenizers cut text), X-Fake-Delay-Ms (50) apart",
    "disconnect": "streams a few deltas, then closes the connection without [DONE]",
}
MODELS = ["fake-1", *(f"fake-{name}" for name in BEHAVIOURS if name != "echo")]


@dataclass
class Reply:
    """One canned answer; `body` as raw bytes (to send malformed JSON) or a dict."""

    status: int = 200
    body: bytes | dict[str, Any] = b"{}"
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeUpstream:
    """Answers with the next scripted `Reply`, or as an OpenAI-compatible server when the
    script is empty (`openai=False` keeps the old rule: HTTP 500 once the script is empty)."""

    def __init__(self, port: int = 0, *, openai: bool = True) -> None:
        self.script: list[Reply] = []
        self.received: list[Received] = []
        self.openai = openai
        # Streams whose client went away before the end (cancellation tests read this).
        self.streams_cut_by_client = 0
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def reply(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def _record(self, received: Received) -> Reply | None:
        with self._lock:
            self.received.append(received)
            if self.script:
                return self.script.pop(0)
            if not self.openai:
                return Reply(500, b"script exhausted")
            return None

    def _first_time(self, body: dict[str, Any]) -> bool:
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self._lock:
            self._seen[key] += 1
            return self._seen[key] == 1

    def _cut_by_client(self) -> None:
        with self._lock:
            self.streams_cut_by_client += 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        upstream = self

        class Handler(_Handler):
            fake = upstream

        return Handler

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that drops its connection (load tools at the end of a run, cancelled
        # streams) is part of the game, not an error to print.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real upstreams
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    fake: FakeUpstream

    def do_GET(self) -> None:
        if self.fake._record(Received(self.path, self._headers(), {})) is None:
            if self.path.rstrip("/").endswith("/models"):
                data = [{"id": m, "object": "model", "owned_by": "fake"} for m in MODELS]
                self._json(200, {"object": "list", "data": data})
            else:
                self._json(404, error_body("not found", "invalid_request_error"))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._json(400, error_body("body is not JSON", "invalid_request_error"))
            return
        scripted = self.fake._record(Received(self.path, self._headers(), body))
        if scripted is not None:
            self._scripted(scripted)
        elif self.path.endswith("/chat/completions"):
            self._chat(body)
        elif self.path.endswith("/embeddings"):
            self._json(200, embeddings(body))
        else:
            self._json(404, error_body("not found", "invalid_request_error"))

    def _headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.headers.items()}

    def _scripted(self, reply: Reply) -> None:
        if reply.delay_s:
            time.sleep(reply.delay_s)
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
        self._send(reply.status, body, reply.headers)

    def _json(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(body).encode(), headers or {})

    def _send(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout tests)

    def _chat(self, body: dict[str, Any]) -> None:
        model = str(body.get("model", "fake-1"))
        behaviour = self.headers.get("x-fake-behaviour") or model.removeprefix("fake-")
        delay_ms = self.headers.get("x-fake-delay-ms")
        chunk_chars = max(1, int(self.headers.get("x-fake-chunk-chars", "4")))
        if behaviour == "error500":
            self._json(500, error_body("the fake upstream failed", "server_error"))
            return
        if behaviour == "badrequest":
            message = "messages: at least one message is required"
            self._json(400, error_body(message, "invalid_request_error", param="messages"))
            return
        if behaviour == "ratelimit":
            error = error_body("rate limit reached", "rate_limit_error")
            self._json(429, error, {"Retry-After": "0"})
            return
        if behaviour == "flaky" and self.fake._first_time(body):
            self._json(503, error_body("try again", "server_error"))
            return
        if behaviour == "slow":
            time.sleep(float(delay_ms or 2000) / 1000)
        text = {"pii": PII_TEXT, "toxic": TOXIC_TEXT}.get(behaviour, DEFAULT_TEXT)
        tools = behaviour == "tools"
        if not body.get("stream"):
            self._json(200, completion(text, usage(body, text), model, tool_call=tools))
            return
        paced = behaviour in ("slow-stream", "paced")
        pause_s = float(delay_ms or 50) / 1000 if paced else 0.0
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        events = stream_events(
            text, model, chunk_chars, tool_call=tools, words=behaviour == "paced"
        )
        if behaviour == "disconnect":
            events = _cut(events, 3)
        elif include_usage:
            events = _with_usage(events, model, usage(body, text))
        self._stream(events, pause_s, complete=behaviour != "disconnect")

    def _stream(self, events: Iterator[dict[str, Any]], pause_s: float, complete: bool) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for event in events:
                self._chunk(b"data: " + json.dumps(event).encode() + b"\n\n")
                if pause_s:
                    time.sleep(pause_s)
            if not complete:
                # Mid-stream failure: drop the connection without the terminating chunk.
                self.close_connection = True
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self.fake._cut_by_client()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def error_body(message: str, kind: str, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": param, "code": None}}


def usage(body: dict[str, Any], text: str) -> dict[str, int]:
    """Word counts stand in for tokens: stable, and enough for tests and benchmarks."""
    messages = body.get("messages")
    prompt = json.dumps(messages) if isinstance(messages, list) else ""
    prompt_tokens, completion_tokens = len(prompt.split()), len(text.split())
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def completion(
    text: str,
    usage: dict[str, int] | None = None,
    model: str = "fake-1",
    *,
    tool_call: bool = False,
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_call:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": "call_1", "type": "function", "function": dict(TOOL_CALL)}],
        }
    body: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_call else "stop",
            }
        ],
        "system_fingerprint": "fp_fake",
    }
    if usage is not None:
        body["usage"] = usage
    return body


def _chunk_event(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def stream_events(
    text: str,
    model: str = "fake-1",
    chunk_chars: int = 4,
    *,
    tool_call: bool = False,
    words: bool = False,
) -> Iterator[dict[str, Any]]:
    """The chunks of a streamed answer, `chunk_chars` characters of text per delta, or
    with `words` one word (with the space before it) per delta."""
    if tool_call:
        arguments = TOOL_CALL["arguments"]
        head = {"index": 0, "id": "call_1", "type": "function"}
        first = head | {"function": {"name": TOOL_CALL["name"], "arguments": ""}}
        yield _chunk_event(model, {"role": "assistant", "content": None, "tool_calls": [first]})
        for start in range(0, len(arguments), chunk_chars):
            piece = arguments[start : start + chunk_chars]
            yield _chunk_event(
                model, {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
            )
        yield _chunk_event(model, {}, "tool_calls")
        return
    yield _chunk_event(model, {"role": "assistant", "content": ""})
    if words:
        pieces = re.findall(r"\s*\S+", text)
    else:
        pieces = [text[i : i + chunk_chars] for i in range(0, len(text), chunk_chars)]
    for piece in pieces:
        yield _chunk_event(model, {"content": piece})
    yield _chunk_event(model, {}, "stop")


def _cut(events: Iterator[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    for index, event in enumerate(events):
        if index >= count:
            return
        yield event


def _with_usage(
    events: Iterator[dict[str, Any]], model: str, counts: dict[str, int]
) -> Iterator[dict[str, Any]]:
    yield from events
    last = _chunk_event(model, {})
    last["choices"] = []
    last["usage"] = counts
    yield last


def embeddings(body: dict[str, Any]) -> dict[str, Any]:
    """Deterministic vectors derived from a hash of each input."""
    inputs = body.get("input")
    texts = [inputs] if isinstance(inputs, str) else list(inputs or [])
    data = []
    for index, text in enumerate(texts):
        digest = hashlib.sha256(str(text).encode()).digest()
        vector = [round(byte / 255.0 - 0.5, 4) for byte in digest[:EMBEDDING_DIMENSIONS]]
        data.append({"object": "embedding", "index": index, "embedding": vector})
    tokens = sum(len(str(text).split()) for text in texts)
    return {
        "object": "list",
        "data": data,
        "model": str(body.get("model", "fake-embed")),
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake OpenAI-compatible upstream.")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    upstream = FakeUpstream(args.port)
    print(upstream.url, flush=True)
    try:
        upstream._server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        upstream._server.server_close()


if __name__ == "__main__":
    main()
