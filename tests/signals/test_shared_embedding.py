"""The pipeline embeds quality's texts and the drift prompt in one `embed_many` call and
hands the prompt's tokens to the drift detector: the results must be exactly those of
separate calls."""

from __future__ import annotations

import random

import numpy as np
from signal_corpora import stream

from aimonitor.backends.simulated import PROFILES, compose_answer
from aimonitor.signals.drift import DriftDetector
from aimonitor.signals.embedding import HashingEmbedder
from aimonitor.signals.language import detect_language_of_words
from aimonitor.signals.quality import assess_quality, quality_inputs, score_quality
from aimonitor.signals.text import words
from aimonitor.types import Scenario


def _pairs(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    prompts = stream("it", count // 2, seed) + stream("fr_it", count // 2, seed + 1)
    return [
        (p, compose_answer(rng, p, PROFILES[Scenario.A if i % 2 else Scenario.B]))
        for i, p in enumerate(prompts)
    ]


def test_quality_from_a_shared_embedding_call_is_identical() -> None:
    embedder = HashingEmbedder()
    for prompt, answer in _pairs(300, 11):
        for context in (None, "The VPN client needs version 5.2; restart it after the update."):
            inputs = quality_inputs(prompt, answer, context)
            vectors = embedder.embed_many([*inputs.texts, prompt])
            assert score_quality(inputs, answer, vectors) == assess_quality(
                prompt, answer, embedder, context
            )
            assert np.array_equal(vectors[-1], embedder.embed(prompt))


def test_drift_with_precomputed_embedding_and_tokens_is_identical() -> None:
    embedder = HashingEmbedder()
    plain = DriftDetector(embedder=embedder, reference_size=50, window_size=20, seed=3)
    shared = DriftDetector(embedder=embedder, reference_size=50, window_size=20, seed=3)
    prompts = stream("it", 120, 4) + stream("cooking", 60, 5) + ["x" * 5000 + " the end"]
    for prompt in prompts:
        vectors = embedder.embed_many(["an unrelated text", prompt])
        expected = plain.observe(prompt)
        tokens = words(prompt)
        language = detect_language_of_words(tokens)
        assert shared.observe(prompt, vectors[-1], tokens, language) == expected
    assert plain.explain() == shared.explain()
