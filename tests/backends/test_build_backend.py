from __future__ import annotations

import asyncio

from aimonitor.backends import (
    ModelBackend,
    OpenAICompatibleBackend,
    SimulatedBackend,
    build_backend,
)
from aimonitor.config import Settings


def test_default_settings_build_the_simulated_backend() -> None:
    backend = build_backend(Settings(sim_seed=9, sim_latency_scale=0.5))
    assert isinstance(backend, SimulatedBackend)
    assert isinstance(backend, ModelBackend)
    assert (backend.seed, backend.latency_scale) == (9, 0.5)


def test_openai_settings_build_the_upstream_backend() -> None:
    settings = Settings(
        backend="openai",
        upstream_url="http://127.0.0.1:9/v1",
        upstream_api_key="sk-secret",
        upstream_model="gpt-test",
        upstream_timeout_s=3.0,
        upstream_retries=2,
    )
    backend = build_backend(settings)
    assert isinstance(backend, OpenAICompatibleBackend)
    assert isinstance(backend, ModelBackend)
    assert backend.endpoint == "http://127.0.0.1:9/v1/chat/completions"
    assert (backend.name, backend.provider, backend.model) == ("openai", "openai", "gpt-test")
    assert (backend.timeout_s, backend.retries) == (3.0, 2)
    asyncio.run(backend.aclose())
