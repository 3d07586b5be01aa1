"""Stage 6: the model answers (through the adapter's `ModelCall`). An upstream failure
becomes a 502/504 answer, never an exception out of the pipeline."""

from __future__ import annotations

import time

from aimonitor.backends import UpstreamError
from aimonitor.pipeline.model_call import ModelCall
from aimonitor.pipeline.state import RequestState, Stop
from aimonitor.signals import PriceTable, estimate_tokens
from aimonitor.types import Decision, ModelAnswer


class ModelStage:
    name = "model"

    def __init__(self, call: ModelCall, prices: PriceTable) -> None:
        self.call = call
        self.prices = prices

    async def run(self, state: RequestState) -> RequestState:
        call = state.model_call or self.call
        state.backend, state.provider = call.backend, call.provider
        state.model = state.model or call.model
        state.model_label = self.prices.canonical_model(state.model)
        start = time.perf_counter()
        try:
            answer = await call(state)
        except UpstreamError as exc:
            state.model_seconds = time.perf_counter() - start
            return refuse_upstream(state, exc)
        state.model_seconds = time.perf_counter() - start
        account_answer(state, answer, self.prices)
        return state


def refuse_upstream(state: RequestState, exc: UpstreamError) -> RequestState:
    return state.refuse(Decision.ERROR, Stop(exc.status, str(exc), error=exc.kind, stage="model"))


def account_answer(state: RequestState, answer: ModelAnswer, prices: PriceTable) -> None:
    """The answer's text, model and tokens (the upstream's usage, else counted) and cost."""
    state.answer_raw = answer.text
    state.model = answer.model or state.model
    state.finish_reason = answer.finish_reason or state.finish_reason
    if answer.tokens_input is not None and answer.tokens_output is not None:
        state.tokens_input, state.tokens_output = answer.tokens_input, answer.tokens_output
        state.tokens_estimated = False
    else:
        state.tokens_input = estimate_tokens(state.model_prompt or state.prompt)
        state.tokens_output = estimate_tokens(answer.text)
    state.model_label = prices.canonical_model(state.model)
    state.cost_eur = prices.cost(state.model, state.tokens_input, state.tokens_output)
