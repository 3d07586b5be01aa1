"""Guardrails: the policy that allows, redacts or blocks a request, and the per-client
rate limit. Pure domain code over the detectors' results (see docs/guardrails.md)."""

from __future__ import annotations

from aimonitor.guardrails.clients import client_key, conversation_key
from aimonitor.guardrails.config import (
    GUARDRAIL_NAMES,
    SPECS,
    GuardrailConfig,
    GuardrailSpec,
    default_configs,
    validate_update,
)
from aimonitor.guardrails.engine import GuardrailEngine, InputVerdict, OutputVerdict
from aimonitor.guardrails.errors import (
    GuardrailError,
    InvalidGuardrailConfigError,
    UnknownGuardrailError,
)
from aimonitor.guardrails.ratelimit import RateLimitDecision, RateLimiter

__all__ = [
    "GUARDRAIL_NAMES",
    "SPECS",
    "GuardrailConfig",
    "GuardrailEngine",
    "GuardrailError",
    "GuardrailSpec",
    "InputVerdict",
    "InvalidGuardrailConfigError",
    "OutputVerdict",
    "RateLimitDecision",
    "RateLimiter",
    "UnknownGuardrailError",
    "client_key",
    "conversation_key",
    "default_configs",
    "validate_update",
]
