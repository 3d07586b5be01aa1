"""What every model backend offers the pipeline, and how it fails.

Exceptions::

    UpstreamError            the model could not answer; carries the HTTP status to return
        kind="upstream_error"    -> 502 (refused, crashed, malformed answer, unreachable)
        kind="upstream_timeout"  -> 504 (no answer in time)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from aimonitor.types import ModelAnswer, Scenario

UpstreamErrorKind = Literal["upstream_error", "upstream_timeout"]

_STATUS_BY_KIND: dict[str, int] = {"upstream_error": 502, "upstream_timeout": 504}


class UpstreamError(Exception):
    """The model backend failed. `kind` is a closed set (usable as a metric label);
    `status` is the HTTP status the service answers with; `message` never holds
    prompt text or credentials."""

    def __init__(self, kind: UpstreamErrorKind, status: int | None = None, message: str = ""):
        if kind not in _STATUS_BY_KIND:
            raise ValueError(f"unknown upstream error kind: {kind!r}")
        self.kind: str = kind
        self.status: int = status if status is not None else _STATUS_BY_KIND[kind]
        self.message: str = message or kind.replace("_", " ")
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"UpstreamError(kind={self.kind!r}, status={self.status}, message={self.message!r})"


@runtime_checkable
class ModelBackend(Protocol):
    """A chat model. `name` is a closed set ("simulated" | "openai"), used as a
    metric label; `provider` is the OpenTelemetry `gen_ai.provider.name`."""

    name: str
    provider: str
    model: str

    async def generate(
        self,
        prompt: str,
        scenario: Scenario,
        *,
        context: str | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> ModelAnswer:
        """Answer `prompt`. `history` holds earlier (user, assistant) turns of the
        conversation, oldest first; `context` is reference text to ground the answer.
        Raises `UpstreamError` when the model cannot answer."""
        ...

    async def aclose(self) -> None:
        """Release connections; the backend is not used afterwards."""
        ...
