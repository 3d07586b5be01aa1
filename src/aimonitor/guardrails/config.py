"""The guardrail policy model: which guardrails exist, what their threshold means,
which actions each accepts, and the validation of an operator's update.

Every guardrail has `enabled`, `threshold` and `action`. The meaning of the threshold
depends on the guardrail (see `SPECS` and docs/guardrails.md); an update that does not
fit is refused with a message that says what would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from aimonitor.guardrails.errors import InvalidGuardrailConfigError, UnknownGuardrailError
from aimonitor.types import Action

PII_PROTECTION = "pii_protection"
INJECTION_PROTECTION = "injection_protection"
TOXICITY_FILTER = "toxicity_filter"
RATE_LIMITER = "rate_limiter"
PROMPT_LENGTH = "prompt_length"
OUTPUT_PII_LEAK = "output_pii_leak"
RISK_POLICY = "risk_policy"

# Largest values accepted for the integer thresholds: beyond them the guardrail would
# be disabled in all but name, and `enabled: false` says that more honestly.
MAX_RATE_PER_MINUTE = 1_000_000
MAX_PROMPT_CHARS_LIMIT = 10_000_000


@dataclass(frozen=True, slots=True)
class GuardrailSpec:
    """What one guardrail accepts."""

    name: str
    description: str
    threshold_meaning: str
    minimum: float
    maximum: float
    minimum_inclusive: bool
    integer: bool
    actions: tuple[Action, ...]
    default_action: Action
    default_threshold: float

    def check_threshold(self, value: float) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidGuardrailConfigError(f"{self.name}: threshold must be a number")
        if not math.isfinite(value):
            raise InvalidGuardrailConfigError(f"{self.name}: threshold must be a finite number")
        low_ok = value >= self.minimum if self.minimum_inclusive else value > self.minimum
        if not low_ok or value > self.maximum or (self.integer and value != int(value)):
            raise InvalidGuardrailConfigError(
                f"{self.name}: threshold {value!r} is out of range; expected {self.range_text()}"
                f" ({self.threshold_meaning})"
            )

    def range_text(self) -> str:
        kind = "an integer" if self.integer else "a number"
        low = "≥" if self.minimum_inclusive else ">"
        return f"{kind} {low} {_fmt(self.minimum)} and ≤ {_fmt(self.maximum)}"

    def check_action(self, value: str) -> Action:
        allowed = ", ".join(action.value for action in self.actions)
        try:
            action = Action(value)
        except ValueError:
            raise InvalidGuardrailConfigError(
                f"{self.name}: unknown action {value!r}; allowed: {allowed}"
            ) from None
        if action not in self.actions:
            raise InvalidGuardrailConfigError(
                f"{self.name}: action {value!r} is not allowed; allowed: {allowed}"
            )
        return action


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _score_spec(
    name: str,
    description: str,
    meaning: str,
    actions: tuple[Action, ...],
    default: Action,
    threshold: float,
    zero_allowed: bool,
) -> GuardrailSpec:
    return GuardrailSpec(
        name=name,
        description=description,
        threshold_meaning=meaning,
        minimum=0.0,
        maximum=1.0,
        minimum_inclusive=zero_allowed,
        integer=False,
        actions=actions,
        default_action=default,
        default_threshold=threshold,
    )


_ALL = (Action.BLOCK, Action.REDACT, Action.WARN)
_NO_REDACT = (Action.BLOCK, Action.WARN)


def build_specs(
    max_prompt_chars: int = 32_000, rate_limit_per_minute: int = 100
) -> dict[str, GuardrailSpec]:
    """The specification of every guardrail, in the order they are evaluated."""
    specs = [
        GuardrailSpec(
            name=PROMPT_LENGTH,
            description="Refuses prompts longer than the threshold (HTTP 413 when blocking)",
            threshold_meaning="maximum prompt length in characters",
            minimum=1,
            maximum=MAX_PROMPT_CHARS_LIMIT,
            minimum_inclusive=True,
            integer=True,
            actions=_NO_REDACT,
            default_action=Action.BLOCK,
            default_threshold=float(max_prompt_chars),
        ),
        GuardrailSpec(
            name=RISK_POLICY,
            description="Blocks requests classified unacceptable under the AI Act (Article 5)",
            threshold_meaning="lowest AI Act level that triggers: 3 unacceptable, 2 high, "
            "1 limited",
            minimum=1,
            maximum=3,
            minimum_inclusive=True,
            integer=True,
            actions=_NO_REDACT,
            default_action=Action.BLOCK,
            default_threshold=3.0,
        ),
        _score_spec(
            INJECTION_PROTECTION,
            "Blocks prompt injection and jailbreak attempts at or above the attack score",
            "attack score from 0 to 1 at or above which the guardrail triggers",
            _NO_REDACT,
            Action.BLOCK,
            0.5,
            zero_allowed=False,
        ),
        _score_spec(
            TOXICITY_FILTER,
            "Blocks toxic prompts and toxic answers at or above the toxicity score",
            "toxicity score from 0 to 1 at or above which the guardrail triggers",
            _NO_REDACT,
            Action.BLOCK,
            0.5,
            zero_allowed=False,
        ),
        _score_spec(
            PII_PROTECTION,
            "Redacts personal data from the prompt before the model sees it (or blocks)",
            "lowest detector score of a finding that counts; 0 counts every finding",
            _ALL,
            Action.REDACT,
            0.0,
            zero_allowed=True,
        ),
        _score_spec(
            OUTPUT_PII_LEAK,
            "Redacts personal data that the model writes in its answer (or blocks the answer)",
            "lowest detector score of a finding that counts; 0 counts every finding",
            _ALL,
            Action.REDACT,
            0.0,
            zero_allowed=True,
        ),
        GuardrailSpec(
            name=RATE_LIMITER,
            description="Limits each client (user id, else API key, else address) per minute",
            threshold_meaning="requests per minute per client (moving window)",
            minimum=1,
            maximum=MAX_RATE_PER_MINUTE,
            minimum_inclusive=True,
            integer=True,
            actions=_NO_REDACT,
            default_action=Action.BLOCK,
            default_threshold=float(rate_limit_per_minute),
        ),
    ]
    return {spec.name: spec for spec in specs}


SPECS: dict[str, GuardrailSpec] = build_specs()
GUARDRAIL_NAMES: tuple[str, ...] = tuple(SPECS)


@dataclass(frozen=True, slots=True)
class GuardrailConfig:
    """The live configuration of one guardrail."""

    name: str
    enabled: bool
    threshold: float
    action: Action
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        spec = SPECS.get(self.name)
        return {
            "name": self.name,
            "enabled": self.enabled,
            "threshold": int(self.threshold) if spec and spec.integer else self.threshold,
            "action": self.action.value,
            "description": self.description,
            "threshold_meaning": spec.threshold_meaning if spec else "",
            "allowed_actions": [a.value for a in spec.actions] if spec else [],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GuardrailConfig:
        """Rebuild a stored configuration, validating it like an update."""
        name = str(data.get("name", ""))
        return validate_update(
            None,
            name,
            enabled=bool(data.get("enabled", True)),
            threshold=data.get("threshold"),
            action=data.get("action"),
        )


def default_configs(
    max_prompt_chars: int = 32_000, rate_limit_per_minute: int = 100
) -> dict[str, GuardrailConfig]:
    """Every guardrail enabled with its default threshold and action.

    `max_prompt_chars` and `rate_limit_per_minute` come from the settings
    (`AIMONITOR_MAX_PROMPT_CHARS`, `AIMONITOR_RATE_LIMIT_PER_MINUTE`)."""
    specs = build_specs(max_prompt_chars, rate_limit_per_minute)
    for spec in specs.values():
        spec.check_threshold(spec.default_threshold)
    return {
        spec.name: GuardrailConfig(
            name=spec.name,
            enabled=True,
            threshold=spec.default_threshold,
            action=spec.default_action,
            description=spec.description,
        )
        for spec in specs.values()
    }


def validate_update(
    current: GuardrailConfig | None,
    name: str,
    enabled: bool | None,
    threshold: float | None,
    action: str | None,
) -> GuardrailConfig:
    """The configuration `current` with the given fields changed, or an error.

    `None` leaves a field as it is. With no `current`, the defaults are the base.
    Raises `UnknownGuardrailError` for an unknown name and
    `InvalidGuardrailConfigError` for a threshold or action the guardrail refuses.
    """
    spec = SPECS.get(name)
    if spec is None:
        known = ", ".join(GUARDRAIL_NAMES)
        raise UnknownGuardrailError(f"unknown guardrail {name!r}; known guardrails: {known}")
    if current is not None and current.name != name:
        raise InvalidGuardrailConfigError(
            f"configuration of {current.name!r} cannot be updated as {name!r}"
        )
    base = current if current is not None else default_configs()[name]
    if enabled is not None and not isinstance(enabled, bool):
        raise InvalidGuardrailConfigError(f"{name}: enabled must be true or false")
    if threshold is not None:
        spec.check_threshold(threshold)
    new_action = spec.check_action(action) if action is not None else base.action
    return replace(
        base,
        enabled=base.enabled if enabled is None else enabled,
        threshold=base.threshold if threshold is None else float(threshold),
        action=new_action,
        description=spec.description,
    )


# --- the prompt-attack guardrail's policy ---------------------------------------------

MAX_ALLOW_PHRASES = 200
MAX_PHRASE_CHARS = 500
MAX_OVERRIDES = 10_000
MAX_OVERRIDE_KEY_CHARS = 200


class AttackOverride(StrEnum):
    """What `injection_protection` does for one client or route, instead of its action."""

    BLOCK = "block"
    WARN = "warn"  # served; the trigger is recorded
    ALLOW = "allow"  # the guardrail does not apply


@dataclass(frozen=True, slots=True)
class AttackPolicy:
    """Operator exceptions to `injection_protection`, on top of its threshold and action.

    - `allow_phrases`: a prompt that contains one of them (case and runs of spaces ignored)
      is served with a warning instead of blocked: for a support bot that answers questions
      *about* prompt injection. Anyone who knows a phrase can add it to an attack, so keep
      phrases long and specific, or use a route or client override instead.
    - `clients` / `routes`: `block`, `warn` or `allow` for a client key name or a route
      (`predict`, `chat`); a client's override wins over its route's.
    """

    allow_phrases: tuple[str, ...] = ()
    clients: Mapping[str, AttackOverride] = field(default_factory=dict)
    routes: Mapping[str, AttackOverride] = field(default_factory=dict)
    _folded: tuple[str, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "_folded", tuple(_fold(p) for p in self.allow_phrases))

    def override_for(self, client: str | None, route: str | None) -> AttackOverride | None:
        if client is not None and client in self.clients:
            return self.clients[client]
        if route is not None and route in self.routes:
            return self.routes[route]
        return None

    def allowed_phrase(self, prompt: str) -> int | None:
        """The position of the first allow-phrase the prompt contains, or None."""
        if not self.allow_phrases:
            return None
        text = _fold(prompt)
        return next((i for i, phrase in enumerate(self._folded) if phrase in text), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "allow_phrases": list(self.allow_phrases),
            "clients": {key: value.value for key, value in self.clients.items()},
            "routes": {key: value.value for key, value in self.routes.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> AttackPolicy:
        """Validate an operator's policy; `InvalidGuardrailConfigError` says what is wrong."""
        if not isinstance(data, dict):
            raise InvalidGuardrailConfigError("attack policy: expected an object")
        unknown = set(data) - {"allow_phrases", "clients", "routes"}
        if unknown:
            raise InvalidGuardrailConfigError(
                f"attack policy: unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                "known: allow_phrases, clients, routes"
            )
        return cls(
            allow_phrases=_phrases(data.get("allow_phrases", [])),
            clients=_overrides(data.get("clients", {}), "clients"),
            routes=_overrides(data.get("routes", {}), "routes"),
        )


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _phrases(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise InvalidGuardrailConfigError("attack policy: allow_phrases must be a list of strings")
    if len(value) > MAX_ALLOW_PHRASES:
        raise InvalidGuardrailConfigError(
            f"attack policy: at most {MAX_ALLOW_PHRASES} allow_phrases, got {len(value)}"
        )
    for phrase in value:
        if not _fold(phrase) or len(phrase) > MAX_PHRASE_CHARS:
            raise InvalidGuardrailConfigError(
                f"attack policy: each allow phrase must hold 1 to {MAX_PHRASE_CHARS} characters "
                "besides spaces"
            )
    return tuple(value)


def _overrides(value: Any, what: str) -> dict[str, AttackOverride]:
    if not isinstance(value, dict):
        raise InvalidGuardrailConfigError(f"attack policy: {what} must be an object")
    if len(value) > MAX_OVERRIDES:
        raise InvalidGuardrailConfigError(
            f"attack policy: at most {MAX_OVERRIDES} {what}, got {len(value)}"
        )
    allowed = ", ".join(o.value for o in AttackOverride)
    result: dict[str, AttackOverride] = {}
    for key, action in value.items():
        if not isinstance(key, str) or not key or len(key) > MAX_OVERRIDE_KEY_CHARS:
            raise InvalidGuardrailConfigError(
                f"attack policy: {what} keys must be 1 to {MAX_OVERRIDE_KEY_CHARS} characters"
            )
        try:
            result[key] = AttackOverride(action)
        except ValueError:
            raise InvalidGuardrailConfigError(
                f"attack policy: {what}[{key!r}]: unknown action {action!r}; allowed: {allowed}"
            ) from None
    return result
