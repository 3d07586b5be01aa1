"""The built-in simulated model: a deterministic stand-in for an LLM that plays the
seed's three scenarios (A baseline, B data drift, C stress). See docs/scenarios.md.

Determinism: each call draws from its own `random.Random`, seeded from the backend's
seed, a call counter and a hash of the prompt, so the same seed and the same sequence
of calls give the same answers, latencies and failures. No global random state.

The simulator never reports what it did (drifted, fabricated, ...): the answer carries
only text, model name and measured latency, and the analyses must find the rest.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import math
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aimonitor.backends.base import UpstreamError
from aimonitor.backends.templates import AUTHORS, BANKS, SLUGS, Bank
from aimonitor.backends.text import detect_language, keywords
from aimonitor.types import ModelAnswer, Scenario

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ScenarioProfile:
    """Latency and failure model of one scenario (seconds, before `latency_scale`)."""

    latency_median_s: float  # lognormal body
    latency_sigma: float
    tail_probability: float = 0.0  # share of calls drawn from the Pareto tail instead
    tail_min_s: float = 0.0  # Pareto scale x_m
    tail_alpha: float = 1.5  # Pareto shape (lower = heavier)
    error_rate: float = 0.0  # -> UpstreamError("upstream_error", 502)
    timeout_rate: float = 0.0  # -> UpstreamError("upstream_timeout", 504)
    drift: bool = False  # answer drifts to an unrelated subject
    fabrication_rate: float = 0.0  # share of answers with invented facts


PROFILES: dict[Scenario, ScenarioProfile] = {
    Scenario.A: ScenarioProfile(latency_median_s=0.040, latency_sigma=0.25),
    Scenario.B: ScenarioProfile(
        latency_median_s=0.100, latency_sigma=0.35, drift=True, fabrication_rate=0.40
    ),
    Scenario.C: ScenarioProfile(
        latency_median_s=0.250,
        latency_sigma=0.45,
        tail_probability=0.15,
        tail_min_s=0.8,
        tail_alpha=1.5,
        error_rate=0.03,
        timeout_rate=0.02,
    ),
}

MAX_LATENCY_S = 10.0  # cap of the Pareto tail
TIMEOUT_AFTER_S = 3.0  # how long a simulated timeout hangs before failing
ERROR_LATENCY_MEDIAN_S = 0.050  # upstream errors fail fast
DRIFT_NOD_PROBABILITY = 0.30


def call_seed(seed: int, counter: int, prompt: str) -> int:
    """The seed of one call's private random generator."""
    prompt_hash = hashlib.sha256(prompt.encode("utf-8", "surrogatepass")).digest()
    digest = hashlib.sha256(f"{seed}:{counter}:".encode() + prompt_hash).digest()
    return int.from_bytes(digest[:8], "big")


def draw_latency(rng: random.Random, profile: ScenarioProfile) -> float:
    if profile.tail_probability and rng.random() < profile.tail_probability:
        # Inverse-CDF Pareto draw: x_m / U^(1/alpha), U in (0, 1].
        value = profile.tail_min_s / float((1.0 - rng.random()) ** (1.0 / profile.tail_alpha))
    else:
        value = rng.lognormvariate(math.log(profile.latency_median_s), profile.latency_sigma)
    return min(value, MAX_LATENCY_S)


class SimulatedBackend:
    """Deterministic model of scenarios A/B/C. `latency_scale=0` never sleeps (the
    failures of scenario C still happen). `sleep` is injectable for tests."""

    name = "simulated"
    provider = "aimonitor.simulated"

    def __init__(
        self,
        seed: int = 42,
        latency_scale: float = 1.0,
        model: str = "aimonitor-sim-1",
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if latency_scale < 0:
            raise ValueError("latency_scale must be >= 0")
        self.seed = seed
        self.latency_scale = latency_scale
        self.model = model
        self._sleep = sleep
        self._calls = 0

    async def generate(
        self,
        prompt: str,
        scenario: Scenario,
        *,
        context: str | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> ModelAnswer:
        started = time.perf_counter()
        # The counter is taken before any await, so the order of calls decides the draw.
        counter = self._calls
        self._calls += 1
        rng = random.Random(call_seed(self.seed, counter, prompt))
        profile = PROFILES[Scenario(scenario)]

        outcome = rng.random()
        if outcome < profile.error_rate:
            await self._wait(rng.lognormvariate(math.log(ERROR_LATENCY_MEDIAN_S), 0.3))
            raise UpstreamError("upstream_error", 502, "simulated upstream failure")
        if outcome < profile.error_rate + profile.timeout_rate:
            await self._wait(TIMEOUT_AFTER_S)
            raise UpstreamError(
                "upstream_timeout", 504, f"simulated upstream gave no answer in {TIMEOUT_AFTER_S} s"
            )

        await self._wait(draw_latency(rng, profile))
        text = compose_answer(rng, prompt, profile, context=context, history=history)
        return ModelAnswer(text=text, model=self.model, latency_s=time.perf_counter() - started)

    async def _wait(self, seconds: float) -> None:
        if self.latency_scale > 0:
            await self._sleep(seconds * self.latency_scale)

    async def aclose(self) -> None:
        return None


# --- answer text --------------------------------------------------------------------


def compose_answer(
    rng: random.Random,
    prompt: str,
    profile: ScenarioProfile,
    *,
    context: str | None = None,
    history: Sequence[tuple[str, str]] = (),
) -> str:
    language, prompt_keywords = _read_prompt(prompt)
    bank = BANKS[language]
    topic_words = list(prompt_keywords)
    if len(topic_words) < 2 and history:
        # A terse follow-up ("an example?") keeps the topic of the previous turn.
        earlier = [word for word in keywords(history[-1][0]) if word not in topic_words]
        topic_words = (topic_words + earlier)[:3]
    if profile.drift:
        return _drifting_answer(rng, bank, topic_words, profile.fabrication_rate)
    return _on_topic_answer(rng, bank, topic_words, context, bool(history))


@functools.lru_cache(maxsize=256)
def _read_prompt(prompt: str) -> tuple[str, tuple[str, ...]]:
    # Load tests repeat the same prompts: reading them once keeps the simulator cheap.
    return detect_language(prompt), tuple(keywords(prompt))


def _slots(bank: Bank, topic_words: list[str]) -> dict[str, str]:
    if not topic_words:
        topic = bank.no_topic
    elif len(topic_words) == 1:
        topic = topic_words[0]
    else:
        topic = f"{', '.join(topic_words[:-1])} {bank.joiner} {topic_words[-1]}"
    k1 = topic_words[0] if topic_words else bank.no_topic
    k2 = topic_words[1] if len(topic_words) > 1 else k1
    return {"topic": topic, "topic_cap": topic[:1].upper() + topic[1:], "k1": k1, "k2": k2}


def _on_topic_answer(
    rng: random.Random,
    bank: Bank,
    topic_words: list[str],
    context: str | None,
    followup: bool,
) -> str:
    slots = _slots(bank, topic_words)
    parts = [
        rng.choice(bank.openings).format(**slots),
        rng.choice(bank.bodies).format(**slots),
    ]
    if context:
        parts.append(bank.context_lead + _best_context_sentence(context, topic_words))
    parts.append(rng.choice(bank.closings).format(**slots))
    text = " ".join(parts)
    if followup:
        lead = rng.choice(bank.followup)
        text = lead + text[:1].lower() + text[1:]
    return text


def _drifting_answer(
    rng: random.Random, bank: Bank, topic_words: list[str], fabrication_rate: float
) -> str:
    slots = _slots(bank, topic_words) | {"drift": rng.choice(bank.drift_subjects)}
    sentences = rng.sample(bank.drift_sentences, k=rng.randint(2, 3))
    parts = [sentence.format(**slots) for sentence in sentences]
    if topic_words and rng.random() < DRIFT_NOD_PROBABILITY:
        parts.insert(0, rng.choice(bank.drift_nod).format(**slots))
    if rng.random() < fabrication_rate:
        for template in rng.sample(bank.fabrications, k=rng.randint(1, 2)):
            parts.append(_fabricate(rng, bank, template))
    return " ".join(parts)


def _fabricate(rng: random.Random, bank: Bank, template: str) -> str:
    count = rng.randint(1_200, 98_000)
    return template.format(
        pct=f"{rng.uniform(11.0, 97.0):.1f}".replace(".", bank.decimal_mark),
        weeks=rng.randint(2, 12),
        count=f"{count:,}".replace(",", " "),
        author=rng.choice(AUTHORS),
        year=rng.randint(2008, 2023),
        iso=rng.choice((27999, 42017, 31337, 9127)),
        rfc=rng.randint(9700, 9990),
        slug=rng.choice(SLUGS),
        doc_id=rng.randint(1000, 9999),
    )


def _best_context_sentence(context: str, topic_words: list[str], limit: int = 300) -> str:
    sentences = [s.strip() for s in context.replace("\n", " ").split(". ") if s.strip()]
    if not sentences:
        return ""
    lowered = [sentence.lower() for sentence in sentences]
    scores = [sum(word in sentence for word in topic_words) for sentence in lowered]
    best = sentences[max(range(len(sentences)), key=lambda index: scores[index])]
    best = best if best.endswith((".", "!", "?")) else best + "."
    return best[:limit]
