from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimonitor.guardrails import (
    GuardrailConfig,
    GuardrailEngine,
    RateLimitDecision,
    UnknownGuardrailError,
    default_configs,
    validate_update,
)
from aimonitor.types import (
    Action,
    AttackResult,
    Finding,
    RiskAssessment,
    RiskLevel,
    ScanResult,
    ToxicityResult,
)

EMAIL = Finding("EMAIL", 10, 27, "jane@example.com", 0.95, "email")
PHONE = Finding("PHONE", 0, 8, "0612345678", 0.4, "phone")
MINIMAL = RiskAssessment(RiskLevel.MINIMAL)


def scan(
    findings: tuple[Finding, ...] = (),
    attack: float = 0.0,
    toxicity: float = 0.0,
    families: tuple[str, ...] = (),
) -> ScanResult:
    return ScanResult(
        findings=findings,
        attack=AttackResult(attack, attack >= 0.5, families),
        toxicity=ToxicityResult(toxicity, toxicity >= 0.5, ("insult",) if toxicity else ()),
    )


def engine_with(name: str, enabled: bool = True, threshold: float | None = None,
                action: str | None = None) -> GuardrailEngine:  # fmt: skip
    configs = default_configs(max_prompt_chars=100)
    configs[name] = validate_update(configs[name], name, enabled, threshold, action)
    return GuardrailEngine(configs)


def names(triggers: tuple[object, ...]) -> list[str]:
    return [t.guardrail for t in triggers]  # type: ignore[attr-defined]


def test_clean_prompt_passes() -> None:
    verdict = GuardrailEngine(default_configs()).evaluate_input("hello", scan(), MINIMAL)
    assert verdict.triggers == () and verdict.blocked_by is None and not verdict.blocked
    assert verdict.redact_findings == ()


# --- pii_protection ---------------------------------------------------------------


def test_pii_redacted_by_default_in_order_of_position() -> None:
    verdict = GuardrailEngine(default_configs()).evaluate_input("x", scan((EMAIL, PHONE)), MINIMAL)
    assert verdict.redact_findings == (PHONE, EMAIL)
    assert not verdict.blocked
    (trigger,) = verdict.triggers
    assert trigger.guardrail == "pii_protection" and trigger.action is Action.REDACT
    assert "EMAIL×1" in trigger.reason and "PHONE×1" in trigger.reason
    assert "jane@example.com" not in trigger.reason  # reasons never carry the data


@pytest.mark.parametrize(
    ("threshold", "expected"), [(0.0, (PHONE, EMAIL)), (0.5, (EMAIL,)), (0.95, (EMAIL,)),
                                (0.96, ())],
)  # fmt: skip
def test_pii_threshold_is_the_minimum_finding_score(
    threshold: float, expected: tuple[Finding, ...]
) -> None:
    engine = engine_with("pii_protection", threshold=threshold)
    verdict = engine.evaluate_input("x", scan((EMAIL, PHONE)), MINIMAL)
    assert verdict.redact_findings == expected
    assert bool(verdict.triggers) == bool(expected)


def test_pii_block() -> None:
    verdict = engine_with("pii_protection", action="block").evaluate_input(
        "x", scan((EMAIL,)), MINIMAL
    )
    assert verdict.blocked_by is not None and verdict.blocked_by.guardrail == "pii_protection"
    assert verdict.redact_findings == (EMAIL,)  # still redacted before storage


def test_pii_warn_reports_without_redacting() -> None:
    verdict = engine_with("pii_protection", action="warn").evaluate_input(
        "x", scan((EMAIL,)), MINIMAL
    )
    assert [t.action for t in verdict.triggers] == [Action.WARN]
    assert verdict.redact_findings == () and not verdict.blocked


def test_pii_disabled() -> None:
    verdict = engine_with("pii_protection", enabled=False).evaluate_input(
        "x", scan((EMAIL,)), MINIMAL
    )
    assert verdict.triggers == () and verdict.redact_findings == ()


# --- injection_protection and toxicity_filter ------------------------------------------


@pytest.mark.parametrize(
    ("score", "threshold", "fires"),
    [(0.49, 0.5, False), (0.5, 0.5, True), (0.9, 0.5, True), (0.7, 0.8, False), (1.0, 1.0, True)],
)
def test_injection_blocks_at_or_above_threshold(
    score: float, threshold: float, fires: bool
) -> None:
    engine = engine_with("injection_protection", threshold=threshold)
    verdict = engine.evaluate_input("x", scan(attack=score, families=("jailbreak",)), MINIMAL)
    assert verdict.blocked is fires
    if fires:
        assert verdict.blocked_by is not None
        assert verdict.blocked_by.guardrail == "injection_protection"
        assert "jailbreak" in verdict.blocked_by.reason


def test_injection_warn_serves() -> None:
    verdict = engine_with("injection_protection", action="warn").evaluate_input(
        "x", scan(attack=0.9), MINIMAL
    )
    assert not verdict.blocked and names(verdict.triggers) == ["injection_protection"]


def test_injection_disabled() -> None:
    verdict = engine_with("injection_protection", enabled=False).evaluate_input(
        "x", scan(attack=1.0), MINIMAL
    )
    assert verdict.triggers == ()


@pytest.mark.parametrize(("score", "fires"), [(0.49, False), (0.5, True)])
def test_toxicity_on_input(score: float, fires: bool) -> None:
    verdict = GuardrailEngine(default_configs()).evaluate_input("x", scan(toxicity=score), MINIMAL)
    assert verdict.blocked is fires
    if fires:
        assert verdict.blocked_by is not None and verdict.blocked_by.stage == "input"


def test_toxicity_on_output() -> None:
    engine = GuardrailEngine(default_configs())
    verdict = engine.evaluate_output("answer", scan(toxicity=0.8))
    assert verdict.blocked_by is not None
    assert verdict.blocked_by.guardrail == "toxicity_filter"
    assert verdict.blocked_by.stage == "output" and "answer" in verdict.blocked_by.reason


# --- prompt_length ----------------------------------------------------------------------


@pytest.mark.parametrize(("length", "fires"), [(100, False), (101, True)])
def test_prompt_length(length: int, fires: bool) -> None:
    engine = GuardrailEngine(default_configs(max_prompt_chars=100))
    prompt = "a" * length
    verdict = engine.evaluate_input(prompt, scan(), MINIMAL)
    assert verdict.blocked is fires
    assert (engine.check_length(prompt) is not None) is fires
    if fires:
        assert verdict.blocked_by is not None
        assert verdict.blocked_by.reason == "prompt is 101 characters, the limit is 100"


def test_prompt_length_warn() -> None:
    verdict = engine_with("prompt_length", action="warn").evaluate_input("a" * 500, scan(), MINIMAL)
    assert not verdict.blocked and names(verdict.triggers) == ["prompt_length"]


# --- risk_policy ------------------------------------------------------------------------

SOCIAL = RiskAssessment(RiskLevel.UNACCEPTABLE, "social_scoring", "art5_1c.x", "why")
CREDIT = RiskAssessment(RiskLevel.HIGH, "essential_services", "annex3_5b.x", "why")


def test_risk_policy_blocks_unacceptable_by_default() -> None:
    engine = GuardrailEngine(default_configs())
    verdict = engine.evaluate_input("x", scan(), SOCIAL)
    assert verdict.blocked_by is not None and verdict.blocked_by.guardrail == "risk_policy"
    assert "social_scoring" in verdict.blocked_by.reason
    assert not engine.evaluate_input("x", scan(), CREDIT).blocked


def test_risk_policy_threshold_two_also_catches_high() -> None:
    engine = engine_with("risk_policy", threshold=2, action="warn")
    verdict = engine.evaluate_input("x", scan(), CREDIT)
    assert not verdict.blocked and names(verdict.triggers) == ["risk_policy"]
    assert engine.evaluate_input("x", scan(), MINIMAL).triggers == ()


# --- output_pii_leak --------------------------------------------------------------------


def test_output_pii_leak_redacts_by_default() -> None:
    verdict = GuardrailEngine(default_configs()).evaluate_output("a", scan((EMAIL,)))
    assert verdict.redact_findings == (EMAIL,) and not verdict.blocked
    assert verdict.triggers[0].guardrail == "output_pii_leak"
    assert verdict.triggers[0].stage == "output"


@pytest.mark.parametrize(
    ("action", "blocked", "redacted"), [("block", True, True), ("warn", False, False)]
)
def test_output_pii_leak_actions(action: str, blocked: bool, redacted: bool) -> None:
    verdict = engine_with("output_pii_leak", action=action).evaluate_output("a", scan((EMAIL,)))
    assert verdict.blocked is blocked
    assert bool(verdict.redact_findings) is redacted


def test_input_pii_settings_do_not_apply_to_output() -> None:
    engine = engine_with("pii_protection", enabled=False)
    assert engine.evaluate_output("a", scan((EMAIL,))).redact_findings == (EMAIL,)


# --- precedence, rate limit, updates ---------------------------------------------------


def test_all_triggers_reported_and_precedence_decides_the_blocker() -> None:
    engine = GuardrailEngine(default_configs(max_prompt_chars=10))
    verdict = engine.evaluate_input("a" * 50, scan((EMAIL,), attack=0.9, toxicity=0.9), SOCIAL)
    assert names(verdict.triggers) == [
        "prompt_length", "risk_policy", "injection_protection", "toxicity_filter",
        "pii_protection",
    ]  # fmt: skip
    assert verdict.blocked_by is not None and verdict.blocked_by.guardrail == "prompt_length"


def test_rate_limit_trigger() -> None:
    engine = GuardrailEngine(default_configs())
    assert engine.evaluate_rate_limit(RateLimitDecision(True, 0, 5, 100)) is None
    trigger = engine.evaluate_rate_limit(RateLimitDecision(False, 12, 0, 100))
    assert trigger is not None and trigger.action is Action.BLOCK
    assert "retry after 12 s" in trigger.reason
    warn = engine_with("rate_limiter", action="warn")
    warned = warn.evaluate_rate_limit(RateLimitDecision(False, 12, 0, 100))
    assert warned is not None and warned.action is Action.WARN
    off = engine_with("rate_limiter", enabled=False)
    assert off.evaluate_rate_limit(RateLimitDecision(False, 12, 0, 100)) is None


def test_update_applies_at_once_and_returns_the_previous() -> None:
    engine = GuardrailEngine(default_configs())
    assert engine.evaluate_input("x", scan(attack=0.6), MINIMAL).blocked
    previous = engine.get("injection_protection")
    returned = engine.update(validate_update(previous, "injection_protection", None, 0.7, None))
    assert returned == previous
    assert not engine.evaluate_input("x", scan(attack=0.6), MINIMAL).blocked
    assert engine.configs()["injection_protection"].threshold == 0.7


def test_configs_is_a_copy() -> None:
    engine = GuardrailEngine(default_configs())
    engine.configs().clear()
    assert len(engine.configs()) == 7


def test_unknown_guardrail_update() -> None:
    engine = GuardrailEngine(default_configs())
    with pytest.raises(UnknownGuardrailError):
        engine.update(GuardrailConfig("nope", True, 0.5, Action.BLOCK))


def test_concurrent_updates_and_evaluations_stay_consistent() -> None:
    engine = GuardrailEngine(default_configs())
    errors: list[BaseException] = []

    def flip() -> None:
        for i in range(500):
            threshold = 0.3 if i % 2 else 0.9
            current = engine.get("injection_protection")
            engine.update(validate_update(current, "injection_protection", None, threshold, None))

    def evaluate() -> None:
        try:
            for _ in range(500):
                verdict = engine.evaluate_input("x", scan(attack=0.6), MINIMAL)
                assert verdict.blocked == bool(verdict.triggers)
        except BaseException as exc:  # collected for the main thread
            errors.append(exc)

    threads = [threading.Thread(target=flip), threading.Thread(target=evaluate)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_engine_refuses_a_mislabelled_configuration() -> None:
    configs = default_configs()
    configs["rate_limiter"] = configs["pii_protection"]
    with pytest.raises(ValueError, match="named 'pii_protection'"):
        GuardrailEngine(configs)


def test_engine_without_some_guardrails_skips_them() -> None:
    configs = {"pii_protection": default_configs()["pii_protection"]}
    verdict = GuardrailEngine(configs).evaluate_input("a" * 10**6, scan(attack=1.0), SOCIAL)
    assert verdict.triggers == ()


@given(
    values=st.lists(
        st.from_regex(r"[a-z0-9._-]{1,12}@[a-z0-9-]{1,12}\.[a-z]{2,4}", fullmatch=True),
        min_size=1,
        max_size=4,
    )
)
def test_reasons_never_carry_the_personal_data(values: list[str]) -> None:
    findings = tuple(
        Finding("EMAIL", i * 40, i * 40 + len(v), v, 0.9, "email") for i, v in enumerate(values)
    )
    engine = GuardrailEngine(default_configs())
    verdicts = (
        engine.evaluate_input("x", scan(findings), MINIMAL),
        engine.evaluate_output("x", scan(findings)),
    )
    for verdict in verdicts:
        for trigger in verdict.triggers:
            assert all(value not in trigger.reason for value in values)
