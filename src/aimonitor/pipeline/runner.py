"""Runs a request through the stages, in order, then records it:

    for stage in stages:
        state = await stage.run(state)
        if state.stop: break
    await record.run(state)

A streamed answer runs the same stages in two parts around the stream
(`run_until_model`, then `finish_stream`), the output guardrails working on the
chunks in between (see `aimonitor.guardrails.streaming`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from aimonitor.pipeline.metering import Meter
from aimonitor.pipeline.stages import Stage
from aimonitor.pipeline.stages.record import RecordStage
from aimonitor.pipeline.state import RequestState, Stop
from aimonitor.telemetry.tracing import Tracing
from aimonitor.types import Decision

# GenAI semantic conventions: response attributes of the request's span.
TIME_TO_FIRST_TOKEN = "gen_ai.response.time_to_first_chunk"
FINISH_REASONS = "gen_ai.response.finish_reasons"

log = logging.getLogger("aimonitor.pipeline")


class Pipeline:
    def __init__(
        self,
        *,
        before_model: Sequence[Stage],
        model: Stage,
        after_model: Sequence[Stage],
        after_stream: Sequence[Stage],
        record: RecordStage,
        tracing: Tracing,
        meter: Meter,
    ) -> None:
        self.before_model = tuple(before_model)
        self.model = model
        self.after_model = tuple(after_model)
        self.after_stream = tuple(after_stream)
        self.record = record
        self.tracing = tracing
        self.meter = meter

    @property
    def stages(self) -> tuple[Stage, ...]:
        return (*self.before_model, self.model, *self.after_model)

    async def run(self, state: RequestState) -> RequestState:
        """Every stage, then the record. Never raises for an accepted request: a
        failure inside a stage is answered (500) and recorded like any outcome."""
        self._open(state)
        await self._stages(state, self.stages)
        return await self._close(state)

    async def run_until_model(self, state: RequestState) -> RequestState:
        """The stages before the model; when they stop the request, it is recorded."""
        self._open(state)
        await self._stages(state, self.before_model)
        if state.stop is not None:
            await self._close(state)
        return state

    async def finish_stream(self, state: RequestState) -> RequestState:
        """After a stream: the signals on the assembled answer (when it was served),
        then the record."""
        if state.stop is None and not state.cancelled:
            await self._stages(state, self.after_stream)
        return await self._close(state)

    def _open(self, state: RequestState) -> None:
        self.meter.request_started()
        span = self.tracing.start_request(
            provider=state.provider or "aimonitor",
            model=state.model_requested or state.model or "unknown",
            scenario=state.scenario.value,
            request_id=state.request_id,
            operation="chat",
        )
        state.extra["span"] = span
        state.trace_id = self.tracing.trace_id(span)

    async def _stages(self, state: RequestState, stages: Sequence[Stage]) -> None:
        span = state.extra["span"]
        with self.tracing.current(span):
            for stage in stages:
                start = time.perf_counter()
                try:
                    with self.tracing.stage(stage.name):
                        state = await stage.run(state)
                except Exception:
                    log.exception("stage failed", extra={"stage": stage.name})
                    state.refuse(Decision.ERROR, Stop(500, "internal error", error="internal"))
                state.stage_seconds[stage.name] = time.perf_counter() - start
                if state.stop is not None:
                    break

    async def _close(self, state: RequestState) -> RequestState:
        span = state.extra.pop("span")
        with self.tracing.current(span):
            for trigger in state.triggers:
                self.tracing.add_guardrail_event(
                    span, trigger.guardrail, trigger.action.value, trigger.reason, trigger.stage
                )
            if state.tokens_input or state.tokens_output:
                self.tracing.set_usage(span, state.tokens_input, state.tokens_output, state.model)
            if state.error:
                self.tracing.set_error(span, state.error)
            if state.time_to_first_token_s is not None:
                span.set_attribute(TIME_TO_FIRST_TOKEN, state.time_to_first_token_s)
            if state.finish_reason:
                span.set_attribute(FINISH_REASONS, [state.finish_reason])
            start = time.perf_counter()
            with self.tracing.stage(self.record.name):
                await self.record.run(state)
            state.stage_seconds[self.record.name] = time.perf_counter() - start
        span.end()
        return state
