"""The stages of a request, in order. Each is a small object with a `name` and one
method, `run(state) -> state`; `aimonitor.pipeline.runner` runs them in a loop."""

from __future__ import annotations

from typing import Protocol

from aimonitor.pipeline.state import RequestState


class Stage(Protocol):
    name: str

    async def run(self, state: RequestState) -> RequestState: ...
