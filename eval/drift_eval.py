"""The drift alarm on streams whose truth is known (`make eval`, section "Drift").

    python eval/drift_eval.py [--runs 30] [--length 10000] [--delay-runs 40]

False alarms: `--runs` independent runs of stationary traffic (60 % IT support, 25 %
cooking, 15 % French IT support, drawn i.i.d.), each `--length` requests after its own
200-prompt reference; every drift episode started is a false alarm. Reported per
100,000 requests (goal ≤ 1), with the share of 1,000-request stretches that raised one.

Detection delay: after a reference and a full window of English IT-support prompts, the
stream switches at once to cooking questions (topic) or to French IT support (language);
the delay is the number of shifted prompts until the alarm (score ≥ 0.7). Goals: topic
within 60 prompts, language within 20.

The prompts come from the seeded generators the signal tests use; their features
(embedding, words, language) are computed once per distinct prompt and handed to
`DriftDetector.observe`, which gives the same result as computing them there.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from aimonitor.signals.drift import ALERT_LEVEL, DriftDetector
from aimonitor.signals.embedding import HashingEmbedder
from aimonitor.signals.language import detect_language_of_words
from aimonitor.signals.text import words

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "signals"))

from signal_corpora import (  # noqa: E402  (the tests' prompt generators, not a package)
    cooking_prompt,
    french_it_prompt,
    it_support_prompt,
    mixed_prompt,
)

REFERENCE = 200
WINDOW = 100
TOPIC_GOAL = 60
LANGUAGE_GOAL = 20
FALSE_ALARM_GOAL = 1.0  # per 100,000 stationary requests


@dataclass(frozen=True, slots=True)
class _Prompt:
    text: str
    embedding: npt.NDArray[np.float32]
    tokens: list[str]
    language: str


class _Features:
    """Each distinct prompt's features, computed once."""

    def __init__(self, embedder: HashingEmbedder) -> None:
        self.embedder = embedder
        self._cache: dict[str, _Prompt] = {}

    def __call__(self, text: str) -> _Prompt:
        prompt = self._cache.get(text)
        if prompt is None:
            tokens = words(text)
            prompt = _Prompt(
                text, self.embedder.embed(text), tokens, detect_language_of_words(tokens)
            )
            self._cache[text] = prompt
        return prompt


def _observe(detector: DriftDetector, prompt: _Prompt) -> float:
    update = detector.observe(prompt.text, prompt.embedding, prompt.tokens, prompt.language)
    return update.score


@dataclass(frozen=True, slots=True)
class FalseAlarms:
    runs: int
    requests: int  # observed after the reference, over all runs
    episodes: int
    stretches: int  # 1,000-request stretches
    stretches_with_alarm: int

    @property
    def per_100k(self) -> float:
        return 100_000 * self.episodes / self.requests


def false_alarms(runs: int, length: int, features: _Features) -> FalseAlarms:
    episodes = stretches = alarmed = 0
    for run in range(runs):
        rng = random.Random(f"stationary-{run}")
        detector = DriftDetector(embedder=features.embedder, seed=run)
        for _ in range(REFERENCE):
            _observe(detector, features(mixed_prompt(rng)))
        for start in range(0, length, 1000):
            before = detector.episodes
            for _ in range(min(1000, length - start)):
                _observe(detector, features(mixed_prompt(rng)))
            stretches += 1
            alarmed += detector.episodes > before
        episodes += detector.episodes
    return FalseAlarms(runs, runs * length, episodes, stretches, alarmed)


def detection_delays(
    runs: int, shifted: Callable[[random.Random], str], features: _Features, limit: int = 300
) -> list[int | None]:
    """Shifted prompts until the alarm, per run (None: not within `limit`)."""
    delays: list[int | None] = []
    for run in range(runs):
        rng = random.Random(f"shift-{run}")
        detector = DriftDetector(embedder=features.embedder, seed=run)
        for _ in range(REFERENCE + WINDOW):
            _observe(detector, features(it_support_prompt(rng)))
        delay = None
        for i in range(limit):
            if _observe(detector, features(shifted(rng))) >= ALERT_LEVEL:
                delay = i + 1
                break
        delays.append(delay)
    return delays


def _delay_row(name: str, goal: int, delays: Sequence[int | None]) -> str:
    found = sorted(d for d in delays if d is not None)
    within = sum(d <= goal for d in found)
    median = f"{statistics.median(found):.0f}" if found else "-"
    worst = str(found[-1]) if len(found) == len(delays) else "not detected"
    return f"| {name} | ≤ {goal} | {within}/{len(delays)} | {median} | {worst} |"


def report(runs: int, length: int, delay_runs: int) -> str:
    features = _Features(HashingEmbedder())
    fa = false_alarms(runs, length, features)
    topic = detection_delays(delay_runs, cooking_prompt, features)
    language = detection_delays(delay_runs, french_it_prompt, features)
    lines = [
        f"Stationary traffic: {fa.runs} runs x {length:,} requests after a "
        f"{REFERENCE}-prompt reference (window {WINDOW}, a check every 10 requests).",
        "",
        "| false alarms | goal | measured | 1,000-request stretches with an alarm |",
        "|---|---|---:|---:|",
        f"| per 100,000 requests | ≤ {FALSE_ALARM_GOAL:g} | {fa.per_100k:.2f} "
        f"({fa.episodes} in {fa.requests:,}) | {fa.stretches_with_alarm}/{fa.stretches} |",
        "",
        f"Abrupt shifts after an English IT-support reference ({delay_runs} runs each):",
        "",
        "| shift | goal (prompts) | within goal | median delay | worst |",
        "|---|---|---:|---:|---:|",
        _delay_row("IT support -> cooking (topic)", TOPIC_GOAL, topic),
        _delay_row("English -> French (language)", LANGUAGE_GOAL, language),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="stationary runs")
    parser.add_argument("--length", type=int, default=10_000, help="requests per run")
    parser.add_argument("--delay-runs", type=int, default=40, help="runs per shift")
    args = parser.parse_args(argv)
    print(f"## Drift\n\n{report(args.runs, args.length, args.delay_runs)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
