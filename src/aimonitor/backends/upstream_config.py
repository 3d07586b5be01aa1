"""Upstreams by model name: the YAML file of `AIMONITOR_UPSTREAMS_FILE`.

    upstreams:
      - name: openai                    # a label: metrics, logs, the audit trail
        base_url: https://api.openai.com/v1
        api_key_env: OPENAI_API_KEY     # or api_key: ... (the file then holds a secret)
        provider: openai                # gen_ai.provider.name: openai, vllm, ollama...
        models: [gpt-4o-mini, "gpt-4.1*"]   # exact names or shell-style globs
        timeout_s: 60
        max_retries: 2
      - name: local
        base_url: http://127.0.0.1:11434/v1
        provider: ollama
        models: ["llama3*", "qwen*"]

A model name goes to the first upstream that lists it exactly, else to the first whose
glob matches it (in file order). A bad file stops start-up with a message naming the
file and the field.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aimonitor.backends.urls import chat_completions_url
from aimonitor.config import ConfigError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class UpstreamConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    base_url: str
    api_key: str | None = Field(default=None, repr=False)
    api_key_env: str | None = None
    provider: str = "openai"
    models: tuple[str, ...] = Field(min_length=1)
    timeout_s: float = Field(30.0, gt=0, le=3600)
    max_retries: int = Field(1, ge=0, le=5)
    # Ask for `stream_options.include_usage` on streams (some older servers refuse it).
    stream_usage: bool = True

    @field_validator("name", "provider")
    @classmethod
    def _label(cls, value: str) -> str:
        # Used as a metric label: a short closed-set-like name, never free text.
        if not _NAME.match(value):
            raise ValueError("use 1-64 lower-case letters, digits, '.', '_' or '-'")
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        chat_completions_url(value)  # raises ValueError with a clear message
        return value

    @field_validator("models")
    @classmethod
    def _models(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name.strip() for name in value):
            raise ValueError("model names must not be empty")
        return value

    def resolved_api_key(self, environ: Mapping[str, str]) -> str | None:
        if self.api_key_env:
            return environ.get(self.api_key_env) or None
        return self.api_key


class UpstreamsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upstreams: list[UpstreamConfig] = Field(min_length=1)


def parse_upstreams(
    data: Any, source: str, environ: Mapping[str, str] | None = None
) -> list[UpstreamConfig]:
    """Validate the file's content; a missing `api_key_env` variable is an error too."""
    environ = os.environ if environ is None else environ
    try:
        parsed = UpstreamsFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise ConfigError(f"{source}: {problems}") from None
    names = [upstream.name for upstream in parsed.upstreams]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(f"{source}: upstream names must be unique ({', '.join(duplicates)})")
    for upstream in parsed.upstreams:
        if upstream.api_key and upstream.api_key_env:
            raise ConfigError(f"{source}: {upstream.name}: give api_key or api_key_env, not both")
        if upstream.api_key_env and not environ.get(upstream.api_key_env):
            raise ConfigError(
                f"{source}: {upstream.name}: environment variable "
                f"{upstream.api_key_env} (api_key_env) is not set"
            )
    return parsed.upstreams


def load_upstreams_file(
    path: Path, environ: Mapping[str, str] | None = None
) -> list[UpstreamConfig]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"AIMONITOR_UPSTREAMS_FILE: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"AIMONITOR_UPSTREAMS_FILE: {path} is not valid YAML: {exc}") from None
    return parse_upstreams(data, str(path), environ)
