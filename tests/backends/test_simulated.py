from __future__ import annotations

import asyncio
import random
import re
import statistics
from collections import Counter
from collections.abc import Sequence

import pytest

from aimonitor.backends import SimulatedBackend, UpstreamError
from aimonitor.backends.simulated import PROFILES, compose_answer
from aimonitor.backends.text import detect_language, keywords
from aimonitor.types import ModelAnswer, Scenario

ENGLISH_PROMPTS = [
    "How do I set up Prometheus alerts for latency?",
    "Explain the difference between precision and recall in classification",
    "What is retrieval augmented generation and when should I use embeddings?",
    "Summarise the GDPR obligations for a chatbot that stores conversations",
    "Which metrics describe the reliability of a payment service?",
    "How can I reduce the cost of tokens in production?",
    "Give me tips to write unit tests for asynchronous Python code",
    "What causes drift in a recommendation model over time?",
]
FRENCH_PROMPTS = [
    "Explique le monitoring IA",
    "Quelles sont les bonnes pratiques pour détecter la dérive d'un modèle de langage ?",
    "Comment configurer des alertes Prometheus sur la latence ?",
    "Peux-tu résumer les obligations du RGPD pour un assistant conversationnel ?",
    "Pourquoi la qualité des réponses baisse-t-elle après une mise à jour du modèle ?",
    "Donne-moi des conseils pour réduire le coût des requêtes",
]
PROMPTS = ENGLISH_PROMPTS + FRENCH_PROMPTS

# What the analyses would call fabricated facts: precise figures, references, URLs.
FABRICATION = re.compile(
    r"\d+[.,]\d+ %|\d{1,3}(?: \d{3})+|et al\.|ISO \d{4,5}|RFC \d{4}|https?://", re.UNICODE
)


class RecordingSleep:
    """Stands in for asyncio.sleep: records the durations, never waits."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)


Outcome = ModelAnswer | UpstreamError


def _run(backend: SimulatedBackend, calls: Sequence[tuple[str, Scenario]]) -> list[Outcome]:
    async def go() -> list[Outcome]:
        outcomes: list[Outcome] = []
        for prompt, scenario in calls:
            try:
                outcomes.append(await backend.generate(prompt, scenario))
            except UpstreamError as error:
                outcomes.append(error)
        return outcomes

    return asyncio.run(go())


def _calls(scenario: Scenario, count: int) -> list[tuple[str, Scenario]]:
    return [(PROMPTS[index % len(PROMPTS)], scenario) for index in range(count)]


def _texts(outcomes: Sequence[Outcome]) -> list[str]:
    return [item.text for item in outcomes if isinstance(item, ModelAnswer)]


def _signature(outcomes: Sequence[Outcome]) -> list[str]:
    return [o.text if isinstance(o, ModelAnswer) else f"{o.kind}:{o.status}" for o in outcomes]


def test_same_seed_same_sequence_gives_same_answers() -> None:
    calls = [call for scenario in Scenario for call in _calls(scenario, 60)]
    first = _run(SimulatedBackend(seed=7, latency_scale=0), calls)
    second = _run(SimulatedBackend(seed=7, latency_scale=0), calls)
    other_seed = _run(SimulatedBackend(seed=8, latency_scale=0), calls)

    assert _signature(first) == _signature(second)
    assert _signature(first) != _signature(other_seed)


def test_same_prompt_twice_in_a_row_varies_with_the_call_counter() -> None:
    texts = _texts(_run(SimulatedBackend(latency_scale=0), [(PROMPTS[0], Scenario.A)] * 20))
    assert len(set(texts)) > 1


def test_scenario_a_restates_every_prompt_keyword() -> None:
    outcomes = _run(SimulatedBackend(latency_scale=0), _calls(Scenario.A, 140))
    assert all(isinstance(item, ModelAnswer) for item in outcomes)
    for (prompt, _), text in zip(_calls(Scenario.A, 140), _texts(outcomes), strict=True):
        words = keywords(prompt)
        assert words, prompt
        assert all(word in text for word in words), (prompt, text)
        assert not FABRICATION.search(text), text


def test_scenario_b_drifts_off_topic() -> None:
    calls = _calls(Scenario.B, 280)
    texts = _texts(_run(SimulatedBackend(latency_scale=0), calls))
    coverage = [
        sum(word in text for word in keywords(prompt)) / len(keywords(prompt))
        for (prompt, _), text in zip(calls, texts, strict=True)
    ]
    # A restates every keyword (coverage 1.0); B mostly talks about something else.
    assert statistics.mean(coverage) < 0.3


def test_scenario_b_fabricates_facts_in_about_forty_percent_of_answers() -> None:
    texts = _texts(_run(SimulatedBackend(seed=3, latency_scale=0), _calls(Scenario.B, 1000)))
    share = sum(bool(FABRICATION.search(text)) for text in texts) / len(texts)
    assert 0.34 <= share <= 0.46


def test_scenario_c_fails_with_errors_and_timeouts_at_the_documented_rates() -> None:
    outcomes = _run(SimulatedBackend(seed=11, latency_scale=0), _calls(Scenario.C, 3000))
    kinds = Counter(o.kind if isinstance(o, UpstreamError) else "ok" for o in outcomes)
    statuses = {o.kind: o.status for o in outcomes if isinstance(o, UpstreamError)}

    assert 0.02 <= kinds["upstream_error"] / 3000 <= 0.04
    assert 0.012 <= kinds["upstream_timeout"] / 3000 <= 0.028
    assert statuses == {"upstream_error": 502, "upstream_timeout": 504}


@pytest.mark.parametrize("scenario", [Scenario.A, Scenario.B])
def test_scenarios_a_and_b_never_fail(scenario: Scenario) -> None:
    outcomes = _run(SimulatedBackend(latency_scale=0), _calls(scenario, 500))
    assert all(isinstance(item, ModelAnswer) for item in outcomes)


def test_zero_latency_scale_never_sleeps_but_still_fails() -> None:
    sleep = RecordingSleep()
    backend = SimulatedBackend(seed=11, latency_scale=0, sleep=sleep)
    outcomes = _run(backend, _calls(Scenario.C, 300) + _calls(Scenario.A, 50))
    assert sleep.durations == []
    assert any(isinstance(item, UpstreamError) for item in outcomes)


def _sleeps(scenario: Scenario, count: int, scale: float = 1.0) -> list[float]:
    sleep = RecordingSleep()
    _run(SimulatedBackend(seed=5, latency_scale=scale, sleep=sleep), _calls(scenario, count))
    return sleep.durations


def _quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def test_latency_model_a_fast_b_slower_c_heavy_tailed() -> None:
    a, b, c = _sleeps(Scenario.A, 1000), _sleeps(Scenario.B, 1000), _sleeps(Scenario.C, 2000)

    assert 0.035 <= statistics.median(a) <= 0.045
    assert _quantile(a, 0.95) < 0.1
    assert statistics.median(a) < statistics.median(b) < statistics.median(c)
    assert _quantile(b, 0.95) < 0.5
    over_one_second = sum(value > 1.0 for value in c) / len(c)
    assert 0.05 <= over_one_second <= 0.2
    assert _quantile(c, 0.99) > 2.0
    assert max(c) <= 10.0


def test_latency_scale_multiplies_every_sleep() -> None:
    unit, doubled = _sleeps(Scenario.C, 200), _sleeps(Scenario.C, 200, scale=2.0)
    assert doubled == pytest.approx([2 * value for value in unit])


def test_simulated_timeout_hangs_before_failing() -> None:
    sleep = RecordingSleep()
    outcomes = _run(SimulatedBackend(seed=11, sleep=sleep), _calls(Scenario.C, 300))
    timeouts = [
        o for o in outcomes if isinstance(o, UpstreamError) and o.kind == "upstream_timeout"
    ]
    assert timeouts
    assert sleep.durations.count(3.0) == len(timeouts)


def test_latency_s_is_measured_not_invented() -> None:
    [answer] = _run(SimulatedBackend(latency_scale=0), [(PROMPTS[0], Scenario.A)])
    assert isinstance(answer, ModelAnswer)
    assert 0 <= answer.latency_s < 1.0
    assert answer.tokens_input is None and answer.tokens_output is None
    assert answer.model == "aimonitor-sim-1"


@pytest.mark.parametrize("scenario", list(Scenario))
def test_french_prompts_get_french_answers(scenario: Scenario) -> None:
    calls = [(prompt, scenario) for prompt in FRENCH_PROMPTS] * 10
    texts = _texts(_run(SimulatedBackend(latency_scale=0), calls))
    assert texts
    assert all(detect_language(text) == "fr" for text in texts), texts


@pytest.mark.parametrize("scenario", list(Scenario))
def test_english_prompts_get_english_answers(scenario: Scenario) -> None:
    calls = [(prompt, scenario) for prompt in ENGLISH_PROMPTS] * 10
    texts = _texts(_run(SimulatedBackend(latency_scale=0), calls))
    assert all(detect_language(text) == "en" for text in texts), texts


def test_context_is_quoted_in_a_grounded_answer() -> None:
    context = "The service runs in Paris. Prometheus scrapes latency metrics every 15 seconds."

    async def go() -> ModelAnswer:
        backend = SimulatedBackend(latency_scale=0)
        return await backend.generate(
            "How often does Prometheus scrape latency?", Scenario.A, context=context
        )

    text = asyncio.run(go()).text
    assert "According to the provided context: Prometheus scrapes latency metrics" in text


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("How do I configure Prometheus alerting?", "And then?", ["prometheus", "alerting"]),
        ("How do I configure Prometheus alerting?", "Can you give an example?", ["prometheus"]),
        ("Comment configurer des alertes Prometheus ?", "Et ensuite ?", ["alertes", "prometheus"]),
    ],
)
def test_terse_follow_up_keeps_the_previous_topic(
    first: str, follow_up: str, expected: list[str]
) -> None:
    async def go() -> ModelAnswer:
        backend = SimulatedBackend(latency_scale=0)
        return await backend.generate(follow_up, Scenario.A, history=[(first, "Start there.")])

    text = asyncio.run(go()).text
    assert all(word in text for word in expected), text
    assert "ensuite" not in text


def test_identity_for_metric_labels() -> None:
    backend = SimulatedBackend()
    assert (backend.name, backend.provider, backend.model) == (
        "simulated",
        "aimonitor.simulated",
        "aimonitor-sim-1",
    )


def test_negative_latency_scale_is_refused() -> None:
    with pytest.raises(ValueError):
        SimulatedBackend(latency_scale=-1)


@pytest.mark.parametrize("prompt", ["?", "Hi", "Salut !", "How?", *PROMPTS])
def test_answers_never_repeat_a_word_back_to_back(prompt: str) -> None:
    doubled = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)
    for seed in range(60):
        for scenario in Scenario:
            answer = compose_answer(random.Random(seed), prompt, PROFILES[scenario])
            assert not doubled.search(answer), answer
