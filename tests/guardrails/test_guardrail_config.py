from __future__ import annotations

import math

import pytest

from aimonitor.guardrails import (
    GUARDRAIL_NAMES,
    GuardrailConfig,
    InvalidGuardrailConfigError,
    UnknownGuardrailError,
    default_configs,
    validate_update,
)
from aimonitor.telemetry import metrics
from aimonitor.types import Action

SEED_GUARDRAILS = (
    "pii_protection",
    "injection_protection",
    "toxicity_filter",
    "rate_limiter",
    "prompt_length",
)


def test_defaults_cover_the_seed_guardrails_and_the_two_new_ones() -> None:
    configs = default_configs()
    assert set(configs) == {*SEED_GUARDRAILS, "output_pii_leak", "risk_policy"}
    assert set(configs) == set(GUARDRAIL_NAMES)
    assert set(GUARDRAIL_NAMES) == set(metrics.GUARDRAILS)
    assert {a.value for a in Action} == set(metrics.GUARDRAIL_ACTIONS)
    assert all(config.enabled for config in configs.values())


@pytest.mark.parametrize(
    ("name", "threshold", "action"),
    [
        ("pii_protection", 0.0, Action.REDACT),
        ("injection_protection", 0.5, Action.BLOCK),
        ("toxicity_filter", 0.5, Action.BLOCK),
        ("rate_limiter", 100.0, Action.BLOCK),
        ("prompt_length", 32_000.0, Action.BLOCK),
        ("output_pii_leak", 0.0, Action.REDACT),
        ("risk_policy", 3.0, Action.BLOCK),
    ],
)
def test_default_threshold_and_action(name: str, threshold: float, action: Action) -> None:
    config = default_configs()[name]
    assert config.threshold == threshold
    assert config.action is action
    assert config.description


def test_defaults_follow_the_settings() -> None:
    configs = default_configs(max_prompt_chars=1000, rate_limit_per_minute=7)
    assert configs["prompt_length"].threshold == 1000
    assert configs["rate_limiter"].threshold == 7


def test_to_dict_and_back() -> None:
    config = default_configs()["rate_limiter"]
    data = config.to_dict()
    assert data["name"] == "rate_limiter"
    assert data["threshold"] == 100 and isinstance(data["threshold"], int)
    assert data["action"] == "block"
    assert data["allowed_actions"] == ["block", "warn"]
    assert GuardrailConfig.from_dict(data) == config


def test_update_changes_only_what_is_given() -> None:
    current = default_configs()["injection_protection"]
    updated = validate_update(current, "injection_protection", None, 0.8, None)
    assert updated.threshold == 0.8
    assert updated.enabled is current.enabled and updated.action is current.action
    disabled = validate_update(updated, "injection_protection", False, None, "warn")
    assert not disabled.enabled and disabled.action is Action.WARN and disabled.threshold == 0.8


def test_update_without_current_starts_from_the_defaults() -> None:
    updated = validate_update(None, "pii_protection", True, 0.0, "block")
    assert updated.action is Action.BLOCK and updated.threshold == 0.0


def test_unknown_guardrail() -> None:
    with pytest.raises(UnknownGuardrailError, match=r"unknown guardrail 'pii'.*pii_protection"):
        validate_update(None, "pii", True, None, None)


@pytest.mark.parametrize(
    ("name", "threshold", "message"),
    [
        ("injection_protection", 0.0, r"> 0 and ≤ 1"),
        ("injection_protection", 1.5, r"> 0 and ≤ 1"),
        ("toxicity_filter", -0.1, r"> 0 and ≤ 1"),
        ("pii_protection", 1.01, r"≥ 0 and ≤ 1"),
        ("output_pii_leak", -1, r"≥ 0 and ≤ 1"),
        ("rate_limiter", 0, r"integer ≥ 1"),
        ("rate_limiter", 10.5, r"integer ≥ 1"),
        ("rate_limiter", 2_000_000, r"≤ 1000000"),
        ("prompt_length", 0, r"maximum prompt length"),
        ("risk_policy", 0, r"3 unacceptable, 2 high"),
        ("risk_policy", 2.5, r"integer"),
        ("injection_protection", math.nan, r"finite"),
        ("injection_protection", math.inf, r"finite"),
    ],
)
def test_bad_thresholds_say_what_is_allowed(name: str, threshold: float, message: str) -> None:
    with pytest.raises(InvalidGuardrailConfigError, match=message):
        validate_update(None, name, None, threshold, None)


@pytest.mark.parametrize(
    ("name", "action", "message"),
    [
        ("injection_protection", "redact", r"not allowed; allowed: block, warn"),
        ("rate_limiter", "redact", r"not allowed; allowed: block, warn"),
        ("toxicity_filter", "redact", r"not allowed"),
        ("pii_protection", "drop", r"unknown action 'drop'; allowed: block, redact, warn"),
        ("prompt_length", "BLOCK", r"unknown action"),
    ],
)
def test_bad_actions_say_what_is_allowed(name: str, action: str, message: str) -> None:
    with pytest.raises(InvalidGuardrailConfigError, match=message):
        validate_update(None, name, None, None, action)


@pytest.mark.parametrize(
    ("name", "threshold", "action"),
    [
        ("rate_limiter", 1, "warn"),
        ("rate_limiter", 1_000_000, "block"),
        ("prompt_length", 10, "warn"),
        ("risk_policy", 2, "warn"),
        ("injection_protection", 1.0, "block"),
        ("output_pii_leak", 0.9, "block"),
    ],
)
def test_accepted_updates(name: str, threshold: float, action: str) -> None:
    updated = validate_update(None, name, None, threshold, action)
    assert updated.threshold == threshold and updated.action.value == action


def test_bool_is_not_a_threshold() -> None:
    with pytest.raises(InvalidGuardrailConfigError, match="number"):
        validate_update(None, "rate_limiter", None, True, None)


def test_current_of_another_guardrail_is_refused() -> None:
    with pytest.raises(InvalidGuardrailConfigError):
        validate_update(default_configs()["pii_protection"], "rate_limiter", None, 5, None)


def test_stored_configuration_is_validated_on_load() -> None:
    data = default_configs()["toxicity_filter"].to_dict() | {"action": "redact"}
    with pytest.raises(InvalidGuardrailConfigError, match="toxicity_filter"):
        GuardrailConfig.from_dict(data)
