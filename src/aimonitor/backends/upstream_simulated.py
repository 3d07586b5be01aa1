"""The built-in simulated model as a gateway upstream (model `aimonitor-simulated`), so the
gateway answers with no key and no network: `make run`, demos, tests.

The answer is the simulated backend's (scenario A, deterministic for a seed and a call
order); a streamed answer is the same text cut into word-sized deltas. Embeddings come
from the hashing embedder. Usage is estimated with the service's token estimator.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from aimonitor.backends.base import UpstreamError
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.backends.simulated import SimulatedBackend
from aimonitor.backends.upstream_types import ChatResult
from aimonitor.signals.embedding import HashingEmbedder
from aimonitor.signals.tokens import estimate_tokens
from aimonitor.types import Scenario

SIMULATED_MODEL = "aimonitor-simulated"
EMBEDDING_MODEL = "aimonitor-simulated-embedding"
EMBEDDING_DIMENSIONS = 256
CREATED = 1_700_000_000  # fixed: the simulated model's answers are reproducible
MAX_EMBEDDING_INPUTS = 2048


class SimulatedUpstream:
    name = "simulated"
    provider = "aimonitor.simulated"

    def __init__(self, backend: SimulatedBackend, model: str = SIMULATED_MODEL) -> None:
        self.backend = backend
        self.model = model
        self._calls = 0
        self._embedder: HashingEmbedder | None = None

    async def chat(self, body: dict[str, Any]) -> ChatResult:
        started = time.perf_counter()
        text = await self._answer(body)
        message = {"role": "assistant", "content": text}
        answer = self._envelope("chat.completion", body) | {
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": _usage(body, text),
        }
        return ChatResult(answer, self.name, self.provider, time.perf_counter() - started)

    async def stream_chat(self, body: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        text = await self._answer(body)
        envelope = self._envelope("chat.completion.chunk", body)
        yield envelope | {"choices": [_choice({"role": "assistant", "content": ""})]}
        for piece in deltas(text):
            await asyncio.sleep(0)  # a stream, not one burst: let the consumer run
            yield envelope | {"choices": [_choice({"content": piece})]}
        yield envelope | {"choices": [_choice({}, "stop")]}
        options = body.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage"):
            yield envelope | {"choices": [], "usage": _usage(body, text)}

    async def embeddings(self, body: dict[str, Any]) -> dict[str, Any]:
        raw = body.get("input")
        texts = [raw] if isinstance(raw, str) else raw
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise GatewayError(400, "input must be a string or a list of strings", param="input")
        if not texts or len(texts) > MAX_EMBEDDING_INPUTS:
            raise GatewayError(
                400, f"input must hold 1 to {MAX_EMBEDDING_INPUTS} texts", param="input"
            )
        if self._embedder is None:
            self._embedder = HashingEmbedder(dim=EMBEDDING_DIMENSIONS)
        vectors = self._embedder.embed_many(texts)
        tokens = sum(estimate_tokens(text) for text in texts)
        return {
            "object": "list",
            "data": [
                {"object": "embedding", "index": i, "embedding": [float(x) for x in vector]}
                for i, vector in enumerate(vectors)
            ],
            "model": EMBEDDING_MODEL,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }

    async def list_models(self) -> list[dict[str, Any]]:
        return [
            {"id": self.model, "object": "model", "created": CREATED, "owned_by": "aimonitor"},
            {"id": EMBEDDING_MODEL, "object": "model", "created": CREATED, "owned_by": "aimonitor"},
        ]

    async def aclose(self) -> None:
        await self.backend.aclose()

    async def _answer(self, body: dict[str, Any]) -> str:
        prompt, context, history = conversation(body.get("messages"))
        try:
            answer = await self.backend.generate(
                prompt, Scenario.A, context=context, history=history
            )
        except UpstreamError as exc:
            raise GatewayError(exc.status, exc.message, exc.kind, code=exc.kind) from None
        return answer.text

    def _envelope(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        self._calls += 1
        requested = body.get("model")
        return {
            "id": f"chatcmpl-sim-{self._calls}",
            "object": kind,
            "created": CREATED,
            "model": requested if isinstance(requested, str) else self.model,
        }


def deltas(text: str) -> list[str]:
    """Word-sized pieces (each word with the space before it), in order."""
    pieces: list[str] = []
    start = 0
    for index in range(1, len(text)):
        if text[index] == " ":
            pieces.append(text[start:index])
            start = index
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def conversation(messages: Any) -> tuple[str, str | None, list[tuple[str, str]]]:
    """(last user text, system text, earlier (user, assistant) pairs) of chat messages."""
    if not isinstance(messages, list):
        return "", None, []
    system: list[str] = []
    turns: list[tuple[str, str]] = []
    pending_user: str | None = None
    for message in messages:
        if not isinstance(message, dict):
            continue
        role, text = message.get("role"), message_text(message.get("content"))
        if role in ("system", "developer"):
            system.append(text)
        elif role == "user":
            pending_user = text
        elif role == "assistant" and pending_user is not None:
            turns.append((pending_user, text))
            pending_user = None
    context = "\n".join(part for part in system if part) or None
    return pending_user or "", context, turns


def message_text(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def _choice(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"index": 0, "delta": delta, "finish_reason": finish}


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt, context, history = conversation(body.get("messages"))
    prompt_text = " ".join([context or "", *(u + " " + a for u, a in history), prompt])
    prompt_tokens, completion_tokens = estimate_tokens(prompt_text), estimate_tokens(text)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }
