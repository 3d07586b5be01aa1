from __future__ import annotations

import math
from dataclasses import replace

import pytest

from aimonitor.signals.compliance import (
    CHECKS,
    WEIGHTS,
    ComplianceInput,
    RollingCompliance,
    compliance_score,
    high_risk,
    transparency_required,
)
from aimonitor.telemetry import metrics
from aimonitor.types import RiskAssessment, RiskLevel

# A chat request with personal data, everything done right.
GOOD = ComplianceInput(
    pii_found_input=True,
    pii_redacted_before_model=True,
    pii_redacted_before_storage=True,
    pii_leaked_in_answer=False,
    transparency_required=True,
    transparency_given=True,
    high_risk=True,
    high_risk_logged=True,
    audit_written=True,
)


def test_check_names_match_the_metrics_catalogue() -> None:
    assert CHECKS == (
        "pii_redacted_before_model",
        "pii_redacted_before_storage",
        "no_pii_leak",
        "transparency",
        "high_risk_logged",
        "audit_written",
    )
    assert math.isclose(sum(WEIGHTS.values()), 1.0)
    assert CHECKS == metrics.COMPLIANCE_CHECKS


def test_everything_right_scores_one() -> None:
    result = compliance_score(GOOD)
    assert result.score == 1.0
    assert all(result.checks[name] is True for name in CHECKS)
    assert result.failed == ()


@pytest.mark.parametrize(
    ("change", "failed", "expected"),
    [
        ({"pii_redacted_before_model": False}, "pii_redacted_before_model", 0.75),
        ({"pii_redacted_before_storage": False}, "pii_redacted_before_storage", 0.80),
        ({"pii_leaked_in_answer": True}, "no_pii_leak", 0.75),
        ({"transparency_given": False}, "transparency", 0.90),
        ({"high_risk_logged": False}, "high_risk_logged", 0.90),
        ({"audit_written": False}, "audit_written", 0.90),
    ],
)
def test_each_failed_check_costs_its_weight(
    change: dict[str, bool], failed: str, expected: float
) -> None:
    result = compliance_score(replace(GOOD, **change))
    assert result.failed == (failed,)
    assert math.isclose(result.score, expected)


def test_checks_that_do_not_apply_are_left_out() -> None:
    plain = ComplianceInput(
        pii_found_input=False,
        pii_redacted_before_model=False,  # irrelevant: nothing to redact
        pii_redacted_before_storage=False,
        pii_leaked_in_answer=False,
        transparency_required=False,
        transparency_given=False,
        high_risk=False,
        high_risk_logged=False,
        audit_written=True,
    )
    result = compliance_score(plain)
    assert result.score == 1.0
    assert result.checks == {
        "pii_redacted_before_model": None,
        "pii_redacted_before_storage": None,
        "no_pii_leak": True,
        "transparency": None,
        "high_risk_logged": None,
        "audit_written": True,
    }


def test_weighted_mean_over_applicable_checks_only() -> None:
    # Only no_pii_leak (0.25, fails) and audit_written (0.10, passes) apply.
    inp = ComplianceInput(False, False, False, True, False, False, False, False, True)
    assert math.isclose(compliance_score(inp).score, 0.10 / 0.35)


def test_everything_wrong_scores_zero() -> None:
    inp = ComplianceInput(True, False, False, True, True, False, True, False, False)
    result = compliance_score(inp)
    assert result.score == 0.0
    assert set(result.failed) == set(CHECKS)


@pytest.mark.parametrize(
    ("level", "transparency", "risky"),
    [
        (RiskLevel.MINIMAL, False, False),
        (RiskLevel.LIMITED, True, False),
        (RiskLevel.HIGH, True, True),
        (RiskLevel.UNACCEPTABLE, True, True),
    ],
)
def test_risk_helpers(level: RiskLevel, transparency: bool, risky: bool) -> None:
    risk = RiskAssessment(level)
    assert transparency_required(risk) is transparency
    assert high_risk(risk) is risky


def test_rolling_mean_over_the_window() -> None:
    rolling = RollingCompliance(window=3)
    assert math.isnan(rolling.value) and rolling.count == 0
    assert rolling.add(1.0) == 1.0
    assert rolling.add(0.5) == 0.75
    assert math.isclose(rolling.add(0.0), 0.5)
    assert math.isclose(rolling.add(0.0), 0.5 / 3)  # the first 1.0 left the window
    assert math.isclose(rolling.value, 0.5 / 3)
    assert rolling.count == 3


def test_rolling_mean_stays_exact_over_many_values() -> None:
    rolling = RollingCompliance(window=7)
    values = [(i % 10) / 10 for i in range(10_000)]
    for value in values:
        rolling.add(value)
    assert math.isclose(rolling.value, math.fsum(values[-7:]) / 7, abs_tol=1e-12)


def test_rolling_refuses_out_of_range() -> None:
    rolling = RollingCompliance()
    with pytest.raises(ValueError):
        rolling.add(1.5)
    with pytest.raises(ValueError):
        RollingCompliance(window=0)


@pytest.mark.parametrize(
    ("inp", "expected"),
    [
        # The examples of docs/compliance.md.
        (ComplianceInput(False, False, False, False, True, True, False, False, True), 1.0),
        (ComplianceInput(True, False, True, False, True, True, False, False, True), 0.65 / 0.9),
        (ComplianceInput(False, False, False, True, False, False, False, False, True), 0.1 / 0.35),
        (ComplianceInput(False, False, False, True, False, False, False, False, False), 0.0),
    ],
)
def test_documented_examples(inp: ComplianceInput, expected: float) -> None:
    assert math.isclose(compliance_score(inp).score, expected)
