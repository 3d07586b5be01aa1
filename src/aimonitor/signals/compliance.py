"""Per-request compliance score and its rolling mean (the `ai_compliance_score` gauge).

The score is the weighted share of the applicable checks that passed:

    score = Σ w_c · pass_c / Σ w_c      over the checks c that apply to the request

| check                       | applies when              | passes when                     | w    |
|-----------------------------|---------------------------|---------------------------------|------|
| pii_redacted_before_model   | personal data in prompt   | the model did not see it raw    | 0.25 |
| pii_redacted_before_storage | personal data in prompt   | what was stored is redacted     | 0.20 |
| no_pii_leak                 | always                    | no personal data in the answer  | 0.25 |
| transparency                | transparency required     | the AI disclosure was given     | 0.10 |
| high_risk_logged            | AI Act high-risk request  | its audit record says so        | 0.10 |
| audit_written               | always                    | the audit record was accepted   | 0.10 |

A check that does not apply is reported as None and left out of both sums, so a
request without personal data is not rewarded or punished for the PII checks.
`no_pii_leak` and `audit_written` always apply, so the denominator is never zero.
docs/compliance.md maps each check to the GDPR and AI Act articles it evidences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aimonitor.rolling import RollingMean
from aimonitor.types import RiskAssessment, RiskLevel

WEIGHTS: dict[str, float] = {
    "pii_redacted_before_model": 0.25,
    "pii_redacted_before_storage": 0.20,
    "no_pii_leak": 0.25,
    "transparency": 0.10,
    "high_risk_logged": 0.10,
    "audit_written": 0.10,
}
CHECKS: tuple[str, ...] = tuple(WEIGHTS)


@dataclass(frozen=True, slots=True)
class ComplianceInput:
    """What the pipeline knows about one request once it has been answered."""

    pii_found_input: bool
    # True when the model never saw the raw personal data: redacted, or request blocked.
    pii_redacted_before_model: bool
    pii_redacted_before_storage: bool
    # Personal data left in the answer the client received (after output guardrails).
    pii_leaked_in_answer: bool
    transparency_required: bool
    transparency_given: bool
    high_risk: bool
    high_risk_logged: bool
    audit_written: bool


@dataclass(frozen=True, slots=True)
class ComplianceResult:
    score: float  # 0..1
    checks: dict[str, bool | None]  # None: not applicable to this request

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(name for name, passed in self.checks.items() if passed is False)


def transparency_required(risk: RiskAssessment) -> bool:
    """Article 50 applies to every system above minimal risk that people talk to;
    the risk classifier's floor already encodes whether people talk to it."""
    return risk.level is not RiskLevel.MINIMAL


def high_risk(risk: RiskAssessment) -> bool:
    """High-risk requests (and refused unacceptable ones) must be traceable (Art. 12)."""
    return risk.level in (RiskLevel.HIGH, RiskLevel.UNACCEPTABLE)


def compliance_checks(inp: ComplianceInput) -> dict[str, bool | None]:
    pii = inp.pii_found_input
    return {
        "pii_redacted_before_model": inp.pii_redacted_before_model if pii else None,
        "pii_redacted_before_storage": inp.pii_redacted_before_storage if pii else None,
        "no_pii_leak": not inp.pii_leaked_in_answer,
        "transparency": inp.transparency_given if inp.transparency_required else None,
        "high_risk_logged": inp.high_risk_logged if inp.high_risk else None,
        "audit_written": inp.audit_written,
    }


def compliance_score(inp: ComplianceInput) -> ComplianceResult:
    checks = compliance_checks(inp)
    applicable = {name: passed for name, passed in checks.items() if passed is not None}
    total = sum(WEIGHTS[name] for name in applicable)
    passed = sum(WEIGHTS[name] for name, ok in applicable.items() if ok)
    return ComplianceResult(score=passed / total, checks=checks)


class RollingCompliance(RollingMean):
    """Mean score of the last `window` requests, for the `ai_compliance_score` gauge.

    Before the first request `value` is NaN: no traffic is no evidence either way,
    and Prometheus shows NaN as a gap rather than a reassuring 1 or an alarming 0."""

    def __init__(self, window: int = 500) -> None:
        super().__init__(window)

    def add(self, score: float) -> float:
        if not 0.0 <= score <= 1.0:
            raise ValueError(f"a compliance score is between 0 and 1, got {score!r}")
        return super().add(score)

    @property
    def value(self) -> float:
        mean = super().value
        return math.nan if mean is None else mean

    @property
    def count(self) -> int:
        return len(self)
