"""Plain data shared by the layers: what detectors find, what guardrails decide,
what signals measure. No behaviour beyond small helpers, no I/O.

These dataclasses are the contracts between `analysis`, `guardrails`, `signals`,
`pipeline`, `store` and `api`; change them with care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Scenario(StrEnum):
    """The seed's three test scenarios for the simulated model.

    `Scenario(value)` (and so pydantic) also accepts the seed's names for them, in any
    case: see `parse` and `SCENARIO_ALIASES`."""

    A = "A"  # baseline
    B = "B"  # data drift
    C = "C"  # stress

    @classmethod
    def parse(cls, value: str) -> Scenario:
        """A, B or C in any case, or one of the seed's aliases ("baseline", "drift",
        "latency-spike"...); ValueError naming the accepted values otherwise."""
        key = value.strip().upper()
        if key in cls.__members__:
            return cls[key]
        alias = SCENARIO_ALIASES.get(value.strip().lower())
        if alias is None:
            accepted = ", ".join([*cls.__members__, *SCENARIO_ALIASES])
            raise ValueError(f"unknown scenario {value!r}; accepted: {accepted}")
        return cls(alias)

    @classmethod
    def _missing_(cls, value: object) -> Scenario | None:
        if not isinstance(value, str):
            return None
        try:
            return cls.parse(value)
        except ValueError:
            return None


# The seed's scenario names (its `normalize_scenario`) and the scenario that plays each
# (docs/scenarios.md). Attacks, toxicity and AI Act risk are measured from the prompt,
# never taken from the scenario: the "risky" names only choose the degraded model.
SCENARIO_ALIASES: dict[str, str] = {
    "baseline": "A",
    "nominal": "A",
    "after-mitigation": "A",
    "mitigated": "A",
    "drift": "B",
    "prompt-injection": "B",
    "injection": "B",
    "high-risk": "B",
    "risk": "B",
    "toxic": "B",
    "latency-spike": "C",
    "stress": "C",
}


class Action(StrEnum):
    """What a guardrail does when it triggers."""

    BLOCK = "block"
    REDACT = "redact"
    WARN = "warn"


class Decision(StrEnum):
    """The outcome of one request, as recorded in the audit trail."""

    SERVED = "served"
    REDACTED = "redacted"  # served, with personal data redacted before the model
    BLOCKED = "blocked"
    RATE_LIMITED = "rate_limited"
    ERROR = "error"  # upstream error or timeout
    REJECTED = "rejected"  # invalid input (413 ...)
    CANCELLED = "cancelled"  # the client went away before the answer was complete


class RiskLevel(StrEnum):
    """AI Act risk tiers, from most to least severe."""

    UNACCEPTABLE = "unacceptable"
    HIGH = "high"
    LIMITED = "limited"
    MINIMAL = "minimal"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data (or a secret) found in a text."""

    # EMAIL, PHONE, CREDIT_CARD, US_SSN, FR_NIR, IBAN, IP_ADDRESS, FR_SIREN, FR_SIRET, SECRET
    type: str
    start: int
    end: int
    text: str
    score: float
    detector: str
    explanation: str = ""

    def to_dict(self, include_text: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "detector": self.detector,
            "explanation": self.explanation,
        }
        if include_text:
            data["text"] = self.text
        return data


@dataclass(frozen=True, slots=True)
class AttackResult:
    """Prompt-attack analysis of one text."""

    score: float
    detected: bool
    families: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    # Canonicalisation steps that changed the text (e.g. "nfkc", "zero_width", "base64").
    transforms: tuple[str, ...] = ()
    # The tier whose score is `score`: "rules", "learned" or "heavy" (attacks/verdict.py).
    tier: str = "rules"
    rules_score: float = 0.0
    learned_score: float | None = None  # the learned model's probability; None when off
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class ToxicityResult:
    score: float
    detected: bool
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything the detectors say about one text."""

    findings: tuple[Finding, ...]
    attack: AttackResult
    toxicity: ToxicityResult
    # Per-detector wall time in seconds, for the latency histogram.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """AI Act classification of one request."""

    level: RiskLevel
    domain: str | None = None  # Annex III domain when high; Article 5 practice when unacceptable
    rule: str | None = None  # the rule that decided
    explanation: str = ""  # from the rule's text only: never quotes the prompt

    def to_dict(self) -> dict[str, str | None]:
        """The `risk` object of the API's answer (docs/ai-act.md)."""
        return {
            "level": self.level.value,
            "domain": self.domain,
            "rule": self.rule,
            "explanation": self.explanation,
        }


@dataclass(frozen=True, slots=True)
class GuardrailTrigger:
    """One guardrail that fired on a request."""

    guardrail: str
    action: Action
    reason: str
    stage: str = "input"  # "input" or "output"


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    """What a model backend returns."""

    text: str
    model: str
    tokens_input: int | None = None  # from the upstream's usage, when it gives one
    tokens_output: int | None = None
    latency_s: float = 0.0
    finish_reason: str | None = None
