from __future__ import annotations

import numpy as np
import pytest

from aimonitor.signals.embedding import HashingEmbedder
from aimonitor.signals.quality import assess_quality, continuity_of, repetition
from aimonitor.signals.refusal import is_refusal

EMB = HashingEmbedder()
PROMPT = "My Outlook keeps disconnecting every few minutes. How can I fix this?"
GOOD = (
    "Outlook disconnections are often caused by an unstable network or an outdated profile. "
    "Check your Wi-Fi connection first, then restart Outlook in safe mode. "
    "If Outlook still disconnects, recreate your mail profile."
)


def test_on_topic_answer_scores_high() -> None:
    result = assess_quality(PROMPT, GOOD, EMB)
    assert result.score >= 0.8
    assert result.relevance >= 0.8
    assert result.language_match and result.length_ok and not result.refusal


def test_off_topic_answer_scores_below_the_slo_threshold() -> None:
    answer = (
        "The history of the Roman empire spans many centuries. "
        "Many factors contributed to its decline, including economic troubles."
    )
    result = assess_quality(PROMPT, answer, EMB)
    assert result.relevance < 0.2
    assert result.score < 0.6


def test_vague_answer_has_low_coherence() -> None:
    answer = (
        "There are many things to consider in general. It depends on various factors. "
        "Some approaches work better than others in some cases."
    )
    result = assess_quality(PROMPT, answer, EMB)
    assert result.coherence < 0.5
    assert result.score < 0.6


@pytest.mark.parametrize(
    "answer",
    [
        "I'm sorry, but I can't help with that request.",
        "I cannot assist with this.",
        "As an AI language model, I do not have access to your mailbox.",
        "Je suis désolé, mais je ne peux pas répondre à cette demande.",
        "Je ne peux pas vous aider sur ce point.",
    ],
)
def test_refusals_are_detected_and_capped(answer: str) -> None:
    assert is_refusal(answer)
    result = assess_quality(PROMPT, answer, EMB)
    assert result.refusal
    assert result.score <= 0.3


def test_a_refusal_quoted_late_in_a_long_answer_does_not_count() -> None:
    assert not is_refusal(GOOD + " " + "x " * 200 + "I cannot help with that.")


def test_wrong_language_is_penalised() -> None:
    answer = (
        "Les déconnexions d'Outlook viennent souvent du réseau. "
        "Vérifiez votre Wi-Fi et redémarrez Outlook."
    )
    result = assess_quality(PROMPT, answer, EMB)
    assert not result.language_match
    assert result.score < assess_quality(PROMPT, GOOD, EMB).score


def test_degenerate_repetition_is_penalised() -> None:
    answer = "restart outlook " + "restart outlook " * 20
    assert repetition(answer) > 0.8
    assert assess_quality(PROMPT, answer, EMB).score < 0.3


def test_length_sanity() -> None:
    assert not assess_quality(PROMPT, "Yes.", EMB).length_ok
    assert not assess_quality(PROMPT, "", EMB).length_ok
    assert assess_quality(PROMPT, GOOD, EMB).length_ok


def test_context_can_make_an_answer_relevant() -> None:
    context = "Recreating the mail profile fixes Exchange sync loops on version 16 clients."
    answer = "Recreating the mail profile fixes the Exchange sync loops on version 16 clients."
    without = assess_quality("Any idea?", answer, EMB)
    with_context = assess_quality("Any idea?", answer, EMB, context=context)
    assert with_context.relevance > without.relevance
    as_list = assess_quality("Any idea?", answer, EMB, context=[context, "Unrelated."])
    assert as_list.relevance == with_context.relevance


def test_components_are_reported() -> None:
    result = assess_quality(PROMPT, GOOD, EMB)
    assert set(result.components) == {
        "relevance", "coherence", "language", "length", "repetition", "refusal",
    }  # fmt: skip
    assert all(0.0 <= v <= 1.0 for v in result.components.values())


def test_continuity_is_the_mean_cosine_of_adjacent_sentences() -> None:
    rng = np.random.default_rng(3)
    for rows in range(2, 9):
        vectors = rng.normal(size=(rows, 64)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors *= 0.1  # cosines near the mapped range, so that the clip does not hide errors
        pairs = [float(vectors[i] @ vectors[i + 1]) for i in range(rows - 1)]
        expected = min(1.0, max(0.0, sum(pairs) / len(pairs) / 0.12))
        assert continuity_of(vectors) == pytest.approx(expected, abs=1e-6)
    assert continuity_of(vectors[:1]) == 1.0
