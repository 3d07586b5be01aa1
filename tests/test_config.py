from __future__ import annotations

import pytest

from aimonitor.config import ConfigError, env_name, load_settings


def test_defaults_match_the_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")  # no .env here
    settings = load_settings()
    assert settings.slo_latency_threshold_ms == 1000
    assert settings.slo_quality_threshold == 0.8
    assert settings.backend == "simulated"
    assert settings.resolved_database_url == "sqlite:///data/aimonitor.db"
    assert settings.admin_api_key is None


def test_seed_names_are_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLO_LATENCY_THRESHOLD_MS", "250")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "ai-lab-app")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    settings = load_settings()
    assert settings.slo_latency_threshold_s == 0.25
    assert settings.slo_thresholds.latency_ms == 250  # what the store's hourly counts use
    assert settings.otel_service_name == "ai-lab-app"
    assert settings.otel_exporter_otlp_endpoint == "http://collector:4318"


def test_prefixed_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMONITOR_MAX_PROMPT_CHARS", "100")
    monkeypatch.setenv("AIMONITOR_DATABASE_URL", "postgresql+psycopg://u@h/db")
    settings = load_settings()
    assert settings.max_prompt_chars == 100
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SLO_QUALITY_THRESHOLD", "1.5"),
        ("SLO_LATENCY_THRESHOLD_MS", "fast"),
        ("AIMONITOR_PORT", "70000"),
        ("AIMONITOR_BACKEND", "gpt"),
        ("AIMONITOR_AUDIT_STORE_TEXT", "everything"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon"),
        ("AIMONITOR_DATABASE_URL", "bogus://x"),
        ("AIMONITOR_RATE_LIMIT_STORAGE", "foo://bar"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    # The exact name, not a prefixed variant of it.
    with pytest.raises(ConfigError, match=rf"(?<![A-Z_]){variable}:"):
        load_settings()


def test_openai_backend_needs_an_upstream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMONITOR_BACKEND", "openai")
    with pytest.raises(ConfigError, match="AIMONITOR_UPSTREAM_URL"):
        load_settings()


def test_weak_admin_key_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMONITOR_ENVIRONMENT", "production")
    monkeypatch.setenv("AIMONITOR_ADMIN_API_KEY", "admin")
    with pytest.raises(ConfigError, match="AIMONITOR_ADMIN_API_KEY"):
        load_settings()


def test_env_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / ".env").write_text("AIMONITOR_RATE_LIMIT_PER_MINUTE=7\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().rate_limit_per_minute == 7


def test_env_name() -> None:
    assert env_name("slo_quality_threshold") == "SLO_QUALITY_THRESHOLD"
    assert env_name("data_dir") == "AIMONITOR_DATA_DIR"
    assert env_name("SLO_LATENCY_THRESHOLD_MS") == "SLO_LATENCY_THRESHOLD_MS"


def test_empty_variables_mean_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMONITOR_DAILY_BUDGET_EUR", "")
    monkeypatch.setenv("AIMONITOR_PORT", "")
    settings = load_settings()
    assert settings.daily_budget_eur is None
    assert settings.port == 8000
