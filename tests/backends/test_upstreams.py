"""The registry of upstreams by model name, its configuration, the simulated upstream."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from aimonitor.backends.fake_upstream import FakeUpstream
from aimonitor.backends.gateway_error import GatewayError
from aimonitor.backends.simulated import SimulatedBackend
from aimonitor.backends.upstream_config import parse_upstreams
from aimonitor.backends.upstream_simulated import SimulatedUpstream, conversation, deltas
from aimonitor.backends.upstreams import UpstreamRegistry, build_registry
from aimonitor.config import ConfigError, Settings

FILE = """
upstreams:
  - name: openai
    base_url: https://api.openai.com/v1
    api_key_env: TEST_OPENAI_KEY
    models: [gpt-4o-mini, "gpt-4.1*"]
    timeout_s: 60
    max_retries: 2
  - name: local
    base_url: {local}
    provider: vllm
    models: ["llama3*", "gpt-4.1-nano"]
"""


def _settings(tmp_path: Path, local: str = "http://127.0.0.1:9/v1", **extra: Any) -> Settings:
    path = tmp_path / "upstreams.yaml"
    path.write_text(FILE.format(local=local), encoding="utf-8")
    return Settings(upstreams_file=path, data_dir=tmp_path, **extra)


ENV = {"TEST_OPENAI_KEY": "sk-x"}


def test_models_resolve_exact_first_then_globs_in_order(tmp_path: Path) -> None:
    registry = build_registry(_settings(tmp_path), ENV)
    name = lambda model: getattr(registry.resolve(model), "name", None)  # noqa: E731
    assert name("gpt-4o-mini") == "openai"
    assert name("gpt-4.1-mini") == "openai"  # glob of the first upstream
    assert name("gpt-4.1-nano") == "local"  # exact beats an earlier glob
    assert name("llama3.1:8b") == "local"
    assert name("aimonitor-simulated") == "simulated"
    assert name("claude-3") is None
    assert registry.resolve("llama3.1:8b") is registry.resolve("llama3.1:8b")
    providers = {entry.id: entry.provider for entry in registry.models()}
    assert providers["gpt-4.1-nano"] == "vllm" and "gpt-4.1*" not in providers


def test_shortcut_serves_its_model_and_every_unclaimed_name(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, backend="openai", upstream_url="http://127.0.0.1:9", upstream_model="m1"
    )
    registry = build_registry(settings, ENV)
    assert registry.resolve("m1").name == "default"  # type: ignore[union-attr]
    assert registry.resolve("anything").name == "default"  # type: ignore[union-attr]
    assert registry.resolve("gpt-4o-mini").name == "openai"  # type: ignore[union-attr]
    assert registry.resolve("aimonitor-simulated").name == "simulated"  # type: ignore[union-attr]


def test_only_the_simulated_model_without_configuration(tmp_path: Path) -> None:
    registry = build_registry(Settings(data_dir=tmp_path), {})
    assert [entry.id for entry in registry.models()] == [
        "aimonitor-simulated",
        "aimonitor-simulated-embedding",
    ]
    assert registry.resolve("gpt-4o-mini") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"upstreams": []}, "upstreams"),
        ({"upstreams": [{"name": "a", "base_url": "ftp://x", "models": ["m"]}]}, "base_url"),
        ({"upstreams": [{"name": "a", "base_url": "http://x", "models": []}]}, "models"),
        ({"upstreams": [{"name": "A b", "base_url": "http://x", "models": ["m"]}]}, "name"),
        ({"upstreams": [{"name": "a", "base_url": "http://x", "models": ["m"], "x": 1}]}, "x"),
        (
            {"upstreams": [{"name": "a", "base_url": "http://x", "models": ["m"]}] * 2},
            "unique",
        ),
        (
            {"upstreams": [{"name": "a", "base_url": "http://x", "models": ["m"],
                            "api_key_env": "NOT_SET_ANYWHERE"}]},
            "NOT_SET_ANYWHERE",
        ),
        (
            {"upstreams": [{"name": "a", "base_url": "http://x", "models": ["m"],
                            "api_key_env": "K", "api_key": "v"}]},
            "not both",
        ),
    ],
)  # fmt: skip
def test_bad_configuration_names_the_problem(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_upstreams(data, "upstreams.yaml", {"K": "v"})


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        build_registry(Settings(upstreams_file=tmp_path / "missing.yaml", data_dir=tmp_path))
    (tmp_path / "bad.yaml").write_text("upstreams: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        build_registry(Settings(upstreams_file=tmp_path / "bad.yaml", data_dir=tmp_path))


def test_api_key_comes_from_the_named_variable(tmp_path: Path, fake_upstream: FakeUpstream) -> None:
    registry = build_registry(_settings(tmp_path, local=fake_upstream.url), ENV)
    local = registry.resolve("llama3")
    assert local is not None

    async def run() -> None:
        try:
            await local.chat({"model": "llama3", "messages": []})
        finally:
            await registry.aclose()

    asyncio.run(run())
    assert "authorization" not in fake_upstream.received[0].headers
    openai = registry.resolve("gpt-4o-mini")
    assert openai is not None and "sk-x" not in repr(openai)


def test_upstream_models_lists_what_upstreams_serve(
    tmp_path: Path, fake_upstream: FakeUpstream
) -> None:
    path = tmp_path / "u.yaml"
    path.write_text(
        f"upstreams:\n  - name: fake\n    base_url: {fake_upstream.url}\n"
        "    models: [fake-1, 'fake-p*']\n"
        "  - name: down\n    base_url: http://127.0.0.1:9\n    models: [gone]\n"
        "    max_retries: 0\n",
        encoding="utf-8",
    )
    registry = build_registry(Settings(upstreams_file=path, data_dir=tmp_path), {})

    async def run() -> list[str]:
        try:
            return [entry.id for entry in await registry.upstream_models()]
        finally:
            await registry.aclose()

    listed = asyncio.run(run())
    assert "fake-pii" in listed  # listed by the upstream and routed to it by a glob
    assert "fake-toxic" not in listed  # listed, but this registry would not route it there
    assert "gone" in listed  # unreachable upstream: its configured names


def _simulated() -> SimulatedUpstream:
    return SimulatedUpstream(SimulatedBackend(seed=7, latency_scale=0))


BODY = {
    "model": "aimonitor-simulated",
    "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is AI monitoring?"},
    ],
}


def test_simulated_stream_is_the_answer_in_deterministic_chunks() -> None:
    async def stream() -> list[dict[str, Any]]:
        body = BODY | {"stream_options": {"include_usage": True}}
        return [chunk async for chunk in _simulated().stream_chat(body)]

    async def whole() -> dict[str, Any]:
        return (await _simulated().chat(BODY)).body

    first, second = asyncio.run(stream()), asyncio.run(stream())
    assert first == second
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in first if c["choices"])
    answer = asyncio.run(whole())
    assert text == answer["choices"][0]["message"]["content"] and len(first) > 5
    assert first[-2]["choices"][0]["finish_reason"] == "stop"
    assert first[-1]["usage"] == answer["usage"]


def test_simulated_embeddings_and_bad_input() -> None:
    upstream = _simulated()
    answer = asyncio.run(upstream.embeddings({"input": ["a cat", "a dog"]}))
    assert len(answer["data"]) == 2 and len(answer["data"][0]["embedding"]) == 256
    with pytest.raises(GatewayError) as info:
        asyncio.run(upstream.embeddings({"input": [1, 2]}))
    assert info.value.status == 400


def test_deltas_and_conversation() -> None:
    assert deltas("one two  three") == ["one", " two", " ", " three"]
    assert "".join(deltas("a b c")) == "a b c"
    prompt, context, history = conversation(
        [
            {"role": "developer", "content": "ctx"},
            {"role": "user", "content": [{"type": "text", "text": "q1"}]},
            {"role": "assistant", "content": "a1"},
            {"role": "tool", "content": "ignored"},
            {"role": "user", "content": "q2"},
        ]
    )
    assert (prompt, context, history) == ("q2", "ctx", [("q1", "a1")])


def test_registry_from_explicit_routes() -> None:
    upstream = _simulated()
    registry = UpstreamRegistry([(("a", "b*"), upstream)])
    assert registry.resolve("bee") is upstream and registry.resolve("c") is None
