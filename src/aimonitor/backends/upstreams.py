"""The gateway's upstreams, chosen by model name.

    registry = build_registry(settings)
    upstream = registry.resolve(body["model"])   # None: no upstream serves that model
    result = await upstream.chat(body)   # or: async for chunk in upstream.stream_chat(body)
    await registry.aclose()

Where the upstreams come from, in this order of precedence for a model name:
1. `AIMONITOR_UPSTREAMS_FILE` (see `upstream_config`);
2. the one-upstream shortcut `AIMONITOR_BACKEND=openai` + `AIMONITOR_UPSTREAM_URL`
   (`_API_KEY`, `_MODEL`, `_TIMEOUT_S`, `_RETRIES`): upstream `default`, serving
   `AIMONITOR_UPSTREAM_MODEL` and any model name no other upstream claims;
3. the simulated model, always there as `aimonitor-simulated`
   (`AIMONITOR_GATEWAY_SIMULATED_MODEL`).
Exact names win over globs; among globs, the first configured wins.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aimonitor.backends.gateway_error import GatewayError
from aimonitor.backends.simulated import SimulatedBackend
from aimonitor.backends.upstream_config import UpstreamConfig, load_upstreams_file
from aimonitor.backends.upstream_http import HttpUpstream
from aimonitor.backends.upstream_simulated import EMBEDDING_MODEL, SimulatedUpstream
from aimonitor.backends.upstream_types import ChatResult, Upstream
from aimonitor.config import Settings

__all__ = [
    "ChatResult",
    "GatewayError",
    "ModelEntry",
    "Upstream",
    "UpstreamRegistry",
    "build_registry",
    "shortcut_config",
]

SHORTCUT_NAME = "default"


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """A model name the gateway serves, and the upstream that serves it."""

    id: str
    upstream: str
    provider: str

    def to_openai(self) -> dict[str, Any]:
        return {"id": self.id, "object": "model", "created": 0, "owned_by": self.upstream}


@dataclass(frozen=True, slots=True)
class _Route:
    patterns: tuple[str, ...]
    upstream: Upstream


class UpstreamRegistry:
    def __init__(self, routes: Sequence[tuple[Sequence[str], Upstream]]) -> None:
        self._routes = [_Route(tuple(patterns), upstream) for patterns, upstream in routes]
        self._exact: dict[str, Upstream] = {}
        for route in self._routes:
            for pattern in route.patterns:
                if not _is_glob(pattern):
                    self._exact.setdefault(pattern, route.upstream)
        self._globs = [
            (pattern, route.upstream)
            for route in self._routes
            for pattern in route.patterns
            if _is_glob(pattern)
        ]
        self._cache: dict[str, Upstream | None] = {}

    @property
    def upstreams(self) -> list[Upstream]:
        return [route.upstream for route in self._routes]

    def resolve(self, model: str) -> Upstream | None:
        if model in self._exact:
            return self._exact[model]
        if model in self._cache:
            return self._cache[model]
        found = next(
            (upstream for pattern, upstream in self._globs if fnmatch.fnmatchcase(model, pattern)),
            None,
        )
        if len(self._cache) < 4096:  # model names come from clients: keep it bounded
            self._cache[model] = found
        return found

    def models(self) -> list[ModelEntry]:
        """The configured model names (globs are not listed), in configuration order."""
        return [
            ModelEntry(name, upstream.name, upstream.provider)
            for name, upstream in self._exact.items()
        ]

    async def upstream_models(self) -> list[ModelEntry]:
        """What the upstreams themselves list (for `GET /v1/models`), keeping the names
        this registry routes to them; an upstream that cannot answer contributes its
        configured names instead."""
        listed: dict[str, ModelEntry] = {entry.id: entry for entry in self.models()}
        answers = await asyncio.gather(
            *(route.upstream.list_models() for route in self._routes), return_exceptions=True
        )
        for route, answer in zip(self._routes, answers, strict=True):
            if isinstance(answer, BaseException):
                if not isinstance(answer, GatewayError):
                    raise answer
                continue
            for item in answer:
                model_id = item["id"]
                if model_id not in listed and self.resolve(model_id) is route.upstream:
                    listed[model_id] = ModelEntry(
                        model_id, route.upstream.name, route.upstream.provider
                    )
        return list(listed.values())

    async def aclose(self) -> None:
        await asyncio.gather(*(route.upstream.aclose() for route in self._routes))


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def shortcut_config(settings: Settings) -> UpstreamConfig | None:
    """Today's one-upstream settings as an upstream (None unless `AIMONITOR_BACKEND=openai`)."""
    if settings.backend != "openai" or not settings.upstream_url:
        return None
    return UpstreamConfig(
        name=SHORTCUT_NAME,
        base_url=settings.upstream_url,
        api_key=settings.upstream_api_key,
        provider="openai",
        models=(settings.upstream_model, "*"),
        timeout_s=settings.upstream_timeout_s,
        max_retries=settings.upstream_retries,
    )


def build_registry(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> UpstreamRegistry:
    """The registry the settings describe; raises `ConfigError` for a bad upstreams file."""
    environ = os.environ if environ is None else environ
    configs: list[UpstreamConfig] = []
    if settings.upstreams_file is not None:
        configs.extend(load_upstreams_file(settings.upstreams_file, environ))
    shortcut = shortcut_config(settings)
    if shortcut is not None:
        configs.append(shortcut)
    routes: list[tuple[Sequence[str], Upstream]] = []
    simulated = SimulatedUpstream(
        SimulatedBackend(seed=settings.sim_seed, latency_scale=settings.sim_latency_scale),
        model=settings.gateway_simulated_model,
    )
    # The simulated model's exact names come first, so a catch-all glob never hides them.
    routes.append(((settings.gateway_simulated_model, EMBEDDING_MODEL), simulated))
    for config in configs:
        routes.append((config.models, HttpUpstream(config, config.resolved_api_key(environ))))
    return UpstreamRegistry(routes)
