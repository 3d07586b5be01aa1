"""A streamed chat answer, guarded while it streams.

Each content delta goes through a `StreamGuard`: personal data and secrets are redacted
inside the stream (only the tail that could still become a finding is held back), and
toxic output stops the stream with `finish_reason: "content_filter"` before the offending
text is sent. Tool calls are released whole, once checked. The record is written before
the final `[DONE]`; a client that goes away cancels the upstream request and the request
is recorded as `cancelled`, with the tokens used so far.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import orjson

from aimonitor.analysis import Analyzer, Redactor
from aimonitor.api.gateway.errors import error_body
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.guardrails.streaming import StreamGuard, StreamPolicy, ToolCallGuard
from aimonitor.pipeline import Pipeline, RequestState, Stop
from aimonitor.pipeline.stages.model import account_answer
from aimonitor.pipeline.storage_policy import TextPolicy
from aimonitor.signals import PriceTable
from aimonitor.types import Action, Decision, GuardrailTrigger, ModelAnswer

DONE = b"data: [DONE]\n\n"


async def close_iterator(iterator: AsyncIterator[Any]) -> None:
    """Closes an upstream stream early: its request is cancelled."""
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


def sse(data: dict[str, Any]) -> bytes:
    return b"data: " + orjson.dumps(data) + b"\n\n"


class ChatStream:
    """One streamed answer: `events()` is the body of the SSE response."""

    def __init__(
        self,
        *,
        state: RequestState,
        pipeline: Pipeline,
        analyzer: Analyzer,
        redactor: Redactor,
        policy: StreamPolicy,
        text_policy: TextPolicy,
        prices: PriceTable,
        chunks: AsyncIterator[dict[str, Any]],
        first: dict[str, Any],
        include_usage: bool,
        model_start: float,
    ) -> None:
        self.state = state
        self.pipeline = pipeline
        self.analyzer = analyzer
        self.redactor = redactor
        self.policy = policy
        self.text_policy = text_policy
        self.prices = prices
        self.chunks = chunks
        self.first = first
        self.include_usage = include_usage
        self.model_start = model_start
        self.guards: dict[int, StreamGuard] = {}
        self.tools: dict[int, ToolCallGuard] = {}
        self.raw: dict[int, list[str]] = {}
        self.sent: dict[int, list[str]] = {}
        self.finished: set[int] = set()
        self.usage: dict[str, Any] | None = None
        self.template: dict[str, Any] = {}
        self.stopped: GuardrailTrigger | None = None

    # ------------------------------------------------------------------ choices
    def _guard(self, index: int) -> StreamGuard:
        guard = self.guards.get(index)
        if guard is None:
            guard = self.guards[index] = StreamGuard(
                self.analyzer,
                self.redactor,
                self.policy,
                conversation_id=self.state.conversation_id,
            )
            self.tools[index] = ToolCallGuard(self.analyzer, self.redactor, self.policy)
            self.raw[index], self.sent[index] = [], []
        return guard

    def _chunk(self, choices: list[dict[str, Any]], usage: Any = None) -> bytes:
        body = {**self.template, "choices": choices}
        if usage is not None:
            body["usage"] = usage
        return sse(body)

    def _content(self, index: int, text: str) -> bytes | None:
        if not text:
            return None
        if self.state.time_to_first_token_s is None:
            self.state.time_to_first_token_s = time.perf_counter() - self.model_start
        self.sent[index].append(text)
        return self._chunk([{"index": index, "delta": {"content": text}, "finish_reason": None}])

    def _close_choice(self, index: int, finish_reason: str | None) -> list[bytes]:
        """The held tail and the tool calls of one choice, then its finish chunk."""
        out: list[bytes] = []
        step = self.guards[index].finish()
        if step.stop is not None:
            return self._stop(step.stop)
        released = self._content(index, step.release)
        if released:
            out.append(released)
        tools = self.tools[index]
        if tools.pending:
            calls = tools.finish()
            if calls.stop is not None:
                return out + self._stop(calls.stop)
            delta = {"tool_calls": calls.tool_calls}
            out.append(self._chunk([{"index": index, "delta": delta, "finish_reason": None}]))
        self.finished.add(index)
        out.append(self._chunk([{"index": index, "delta": {}, "finish_reason": finish_reason}]))
        return out

    def _stop(self, trigger: GuardrailTrigger) -> list[bytes]:
        """A guardrail stopped the answer: every open choice ends with content_filter."""
        self.stopped = trigger
        self.state.triggers.append(trigger)
        self.state.decision = Decision.BLOCKED
        self.state.finish_reason = "content_filter"
        out = []
        for index in sorted(self.guards):
            if index not in self.finished:
                self.finished.add(index)
                out.append(
                    self._chunk([{"index": index, "delta": {}, "finish_reason": "content_filter"}])
                )
        return out

    def _on_chunk(self, chunk: dict[str, Any]) -> list[bytes]:
        if not self.template:
            self.template = {
                key: value for key, value in chunk.items() if key not in ("choices", "usage")
            }
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        out: list[bytes] = []
        for choice in chunk.get("choices") or ():
            index = choice.get("index", 0)
            if not isinstance(index, int) or index in self.finished:
                continue
            guard = self._guard(index)
            delta = choice.get("delta") or {}
            if "role" in delta:
                out.append(
                    self._chunk(
                        [{"index": index, "delta": {"role": delta["role"]}, "finish_reason": None}]
                    )
                )
            content = delta.get("content")
            if isinstance(content, str) and content:
                self.raw[index].append(content)
                step = guard.feed(content)
                released = self._content(index, step.release)
                if released:
                    out.append(released)
                if step.stop is not None:
                    return out + self._stop(step.stop)
            if isinstance(delta.get("tool_calls"), list):
                try:
                    self.tools[index].feed(delta["tool_calls"])
                except ValueError as exc:  # arguments past their bound
                    stop = GuardrailTrigger("tool_calls", Action.BLOCK, str(exc), stage="output")
                    return out + self._stop(stop)
            if choice.get("finish_reason"):
                self.state.finish_reason = choice["finish_reason"]
                out.extend(self._close_choice(index, choice["finish_reason"]))
                if self.stopped:
                    return out
        return out

    # ------------------------------------------------------------------ the stream
    async def events(self) -> AsyncIterator[bytes]:
        completed = False
        try:
            for event in self._on_chunk(self.first):
                yield event
            if self.stopped is None:
                async for chunk in self.chunks:
                    for event in self._on_chunk(chunk):
                        yield event
                    if self.stopped is not None:
                        break
            for index in sorted(self.guards):
                if index not in self.finished and self.stopped is None:
                    for event in self._close_choice(index, "stop"):
                        yield event
            completed = True
        except GatewayError as exc:
            # Cut mid-stream: the client gets the error as the last event.
            self.state.extra["upstream_error"] = exc
            yield sse(exc.body())
        finally:
            await close_iterator(self.chunks)
            if not completed and "upstream_error" not in self.state.extra:
                self.state.cancelled = True
                self.state.decision = Decision.CANCELLED
            with anyio.CancelScope(shield=True):
                await self._record()
        if completed and self.state.error == "journal":
            # The stream cannot be taken back, but its end is not confirmed either.
            yield sse(error_body(503, "the audit record could not be written", "journal"))
        elif completed:
            if self.include_usage and self.usage is not None:
                yield self._chunk([], usage=self.usage)
            yield DONE

    async def _record(self) -> None:
        state = self.state
        raw = "\n\n".join("".join(self.raw[i]) for i in sorted(self.raw))
        sent = "\n\n".join("".join(self.sent[i]) for i in sorted(self.sent))
        state.model_seconds = time.perf_counter() - self.model_start
        usage = self.usage or {}
        account_answer(
            state,
            ModelAnswer(
                text=raw,
                model=str(self.template.get("model") or state.model),
                tokens_input=usage.get("prompt_tokens"),
                tokens_output=usage.get("completion_tokens"),
                finish_reason=state.finish_reason,
            ),
            self.prices,
        )
        error = state.extra.get("upstream_error")
        if isinstance(error, GatewayError):
            state.decision = Decision.ERROR
            kind = "upstream_timeout" if error.status == 504 else "upstream_error"
            state.stop = Stop(error.status, error.message, error=kind, stage="model")
        scan = self.analyzer.scan(raw, attacks=False)
        state.output_scan = scan
        state.answer = sent
        redacted = sent if any(guard.findings for guard in self.guards.values()) else None
        state.stored_response = self.text_policy.storable(
            raw, scan.findings, state.conversation_id, redacted
        )
        await self.pipeline.finish_stream(state)
