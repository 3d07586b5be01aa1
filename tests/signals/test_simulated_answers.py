"""The signals against the built-in simulated model: scenario A answers on topic with
no invented facts, scenario B drifts off topic and sometimes fabricates figures,
references and URLs. The simulator never says which answer it fabricated; these
tests check that the analyses find it on their own."""

from __future__ import annotations

import random

from signal_corpora import stream

from aimonitor.backends.simulated import PROFILES, compose_answer
from aimonitor.signals.embedding import HashingEmbedder
from aimonitor.signals.hallucination import detect_hallucination
from aimonitor.signals.quality import assess_quality
from aimonitor.types import Scenario

EMB = HashingEmbedder()
PROMPTS = stream("it", 80, 3) + stream("cooking", 40, 3) + stream("fr_it", 40, 3)


def _answers(scenario: Scenario) -> list[tuple[str, str]]:
    rng = random.Random(f"sim-{scenario}")
    return [(p, compose_answer(rng, p, PROFILES[scenario])) for p in PROMPTS]


def test_scenario_a_meets_the_quality_slo_without_false_hallucinations() -> None:
    answers = _answers(Scenario.A)
    scores = [assess_quality(p, a, EMB).score for p, a in answers]
    assert sum(s >= 0.8 for s in scores) / len(scores) >= 0.95
    flagged = sum(detect_hallucination(p, a).detected for p, a in answers)
    assert flagged / len(answers) <= 0.02


def test_scenario_b_is_caught_by_quality_and_claims() -> None:
    answers = _answers(Scenario.B)
    scores = [assess_quality(p, a, EMB).score for p, a in answers]
    assert sum(scores) / len(scores) < 0.65
    assert sum(s < 0.8 for s in scores) / len(scores) >= 0.9
    results = [detect_hallucination(p, a) for p, a in answers]
    # The simulator fabricates in 40% of scenario B answers.
    assert 0.3 <= sum(r.detected for r in results) / len(results) <= 0.55
    kinds = {k for r in results for k in r.claims}
    assert {"figure", "reference"} <= kinds


CONTEXT = (
    "The VPN client must be updated to version 5.2 before March. Password resets are done "
    "in the self-service portal at https://portal.example.com. Outlook profiles can be "
    "rebuilt by the helpdesk within 2 hours."
)


def test_with_a_context_scenario_a_is_grounded_and_b_is_not() -> None:
    for scenario, low, high in ((Scenario.A, 0.0, 0.02), (Scenario.B, 0.3, 0.8)):
        rng = random.Random(f"ctx-{scenario}")
        results = [
            detect_hallucination(p, compose_answer(rng, p, PROFILES[scenario], context=CONTEXT),
                                 CONTEXT)
            for p in PROMPTS[:80]
        ]  # fmt: skip
        rate = sum(r.detected for r in results) / len(results)
        assert low <= rate <= high, (scenario, rate)
