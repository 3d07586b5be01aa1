"""Settings, from environment variables or `.env`.

The seed's own names are honoured as written (`OTEL_*`, `SLO_*`); ours carry the
`AIMONITOR_` prefix. Every variable is listed, with its default, in `.env.example`
and `docs/configuration.md`. A bad value stops start-up with a message naming the
variable (see `load_settings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "AIMONITOR_"

# Seed variables keep their names; the prefix does not apply to them.
_SEED_NAMES: dict[str, str] = {
    "otel_service_name": "OTEL_SERVICE_NAME",
    "otel_exporter_otlp_endpoint": "OTEL_EXPORTER_OTLP_ENDPOINT",
    "otel_exporter_otlp_protocol": "OTEL_EXPORTER_OTLP_PROTOCOL",
    "slo_latency_threshold_ms": "SLO_LATENCY_THRESHOLD_MS",
    "slo_quality_threshold": "SLO_QUALITY_THRESHOLD",
}


def _seed(name: str) -> AliasChoices:
    return AliasChoices(_SEED_NAMES[name], name)


class ConfigError(ValueError):
    """A setting has a bad value; the message names the environment variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # --- the seed's names -------------------------------------------------
    otel_service_name: str = Field("aimonitor", validation_alias=_seed("otel_service_name"))
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias=_seed("otel_exporter_otlp_endpoint")
    )
    otel_exporter_otlp_protocol: Literal["http/protobuf", "grpc"] = Field(
        "http/protobuf", validation_alias=_seed("otel_exporter_otlp_protocol")
    )
    slo_latency_threshold_ms: float = Field(
        1000.0, gt=0, validation_alias=_seed("slo_latency_threshold_ms")
    )
    slo_quality_threshold: float = Field(
        0.8, ge=0, le=1, validation_alias=_seed("slo_quality_threshold")
    )

    # --- service ------------------------------------------------------------
    environment: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    data_dir: Path = Path("data")
    log_dir: Path = Path("logs")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Writing raw prompt/response text to logs is an explicit operator decision.
    log_text: bool = False
    database_url: str | None = None  # default: sqlite under data_dir
    admin_api_key: str | None = None
    max_prompt_chars: int = Field(32_000, ge=1)

    # --- model backend ------------------------------------------------------
    backend: Literal["simulated", "openai"] = "simulated"
    sim_latency_scale: float = Field(1.0, ge=0)
    sim_seed: int = 42
    upstream_url: str | None = None
    upstream_api_key: str | None = None
    upstream_model: str = "gpt-4o-mini"
    upstream_timeout_s: float = Field(30.0, gt=0)
    upstream_retries: int = Field(1, ge=0, le=5)

    # --- guardrails, privacy, audit ------------------------------------------
    rate_limit_per_minute: int = Field(100, ge=1, le=1_000_000)
    rate_limit_storage: str = "memory://"
    redaction_mode: Literal["tag", "mask", "hash"] = "tag"
    audit_store_text: Literal["redacted", "none", "full"] = "redacted"
    retention_days: int = Field(0, ge=0)  # 0 keeps content forever
    ai_act_use_case: str | None = None
    trust_proxy_headers: bool = False

    # --- signals ------------------------------------------------------------
    drift_reference_size: int = Field(200, ge=10)
    drift_window_size: int = Field(100, ge=10)
    drift_embedder: Literal["hashing", "minilm"] = "hashing"
    daily_budget_eur: float | None = Field(None, ge=0)
    prices_file: Path | None = None

    # --- store writer -------------------------------------------------------
    write_batch_size: int = Field(200, ge=1)
    write_flush_interval_s: float = Field(0.2, gt=0)
    write_queue_max: int = Field(100_000, ge=100)

    @field_validator("otel_exporter_otlp_endpoint", "admin_api_key", "upstream_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _check_combinations(self) -> Settings:
        if self.backend == "openai" and not self.upstream_url:
            raise ValueError("backend 'openai' needs AIMONITOR_UPSTREAM_URL")
        weak_key = self.admin_api_key is not None and (
            len(self.admin_api_key) < 16 or self.admin_api_key in {"changeme", "admin"}
        )
        if weak_key and self.environment == "production":
            raise ValueError(
                "AIMONITOR_ADMIN_API_KEY is too weak for production (16 characters or more)"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'aimonitor.db').as_posix()}"

    @property
    def slo_latency_threshold_s(self) -> float:
        return self.slo_latency_threshold_ms / 1000.0


def env_name(field: str) -> str:
    """The environment variable that sets `field`."""
    return _SEED_NAMES.get(field, ENV_PREFIX + field.upper())


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, turning validation errors into one
    readable `ConfigError` that names each offending variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            name = env_name(loc[0]) if loc else "settings"
            message = error["msg"]
            if not loc:
                problems.append(message.removeprefix("Value error, "))
            else:
                problems.append(f"{name}: {message} (got {error.get('input')!r})")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
