"""How the model stage reaches a model. Each adapter brings its own call: `/predict`
asks the configured backend for an answer to one prompt; the chat gateway forwards the
client's request to the upstream that serves its model."""

from __future__ import annotations

from typing import Protocol

from aimonitor.backends import ModelBackend
from aimonitor.pipeline.state import RequestState
from aimonitor.types import ModelAnswer


class ModelCall(Protocol):
    backend: str  # closed set, a metric label
    provider: str  # OpenTelemetry gen_ai.provider.name
    model: str

    async def __call__(self, state: RequestState) -> ModelAnswer:
        """The model's answer; raises `UpstreamError` when it cannot answer."""
        ...


class BackendCall:
    """One prompt to a `ModelBackend`, with the conversation's earlier turns."""

    def __init__(self, backend: ModelBackend) -> None:
        self._backend = backend
        self.backend = backend.name
        self.provider = backend.provider
        self.model = backend.model

    async def __call__(self, state: RequestState) -> ModelAnswer:
        return await self._backend.generate(
            state.model_prompt or state.prompt,
            state.scenario,
            context=state.context,
            history=state.history,
        )
