"""Model backends: the built-in simulated model and any OpenAI-compatible upstream.

from aimonitor.backends import build_backend
backend = build_backend(settings)
answer = await backend.generate("Explique le monitoring IA", Scenario.A)
await backend.aclose()
"""

from __future__ import annotations

from aimonitor.backends.base import ModelBackend, UpstreamError
from aimonitor.backends.openai_compatible import OpenAICompatibleBackend
from aimonitor.backends.simulated import SimulatedBackend
from aimonitor.config import Settings

__all__ = [
    "ModelBackend",
    "OpenAICompatibleBackend",
    "SimulatedBackend",
    "UpstreamError",
    "build_backend",
]


def build_backend(settings: Settings) -> ModelBackend:
    """The backend chosen by `AIMONITOR_BACKEND`, configured from the settings."""
    if settings.backend == "openai":
        if not settings.upstream_url:
            raise ValueError("backend 'openai' needs AIMONITOR_UPSTREAM_URL")
        return OpenAICompatibleBackend(
            url=settings.upstream_url,
            api_key=settings.upstream_api_key,
            model=settings.upstream_model,
            timeout_s=settings.upstream_timeout_s,
            retries=settings.upstream_retries,
        )
    return SimulatedBackend(seed=settings.sim_seed, latency_scale=settings.sim_latency_scale)
