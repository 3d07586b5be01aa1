"""What every upstream of the gateway offers, whatever speaks behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class ChatResult:
    """A chat completion as the upstream sent it (unknown fields kept), and who sent it."""

    body: dict[str, Any]
    upstream: str
    provider: str
    latency_s: float


@runtime_checkable
class Upstream(Protocol):
    """`name` and `provider` are configured labels (bounded: usable as metric labels).
    Every method raises `GatewayError` when the upstream cannot answer."""

    name: str
    provider: str

    async def chat(self, body: dict[str, Any]) -> ChatResult: ...

    def stream_chat(self, body: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        """The parsed `data:` chunks of a streamed answer, up to `[DONE]`. Closing the
        iterator early (`aclose()`, or cancelling the task iterating it) closes the
        upstream request."""
        ...

    async def embeddings(self, body: dict[str, Any]) -> dict[str, Any]: ...

    async def list_models(self) -> list[dict[str, Any]]: ...

    async def aclose(self) -> None: ...
