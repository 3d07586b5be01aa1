from __future__ import annotations

import pytest

from aimonitor.signals.tokens import estimate_tokens

# Token counts of OpenAI's cl100k_base encoding for these strings.
KNOWN = [
    ("Hello world", 2),
    ("The quick brown fox jumps over the lazy dog.", 10),
    ("tiktoken is great!", 6),
    ("1234567890", 4),
]


@pytest.mark.parametrize(("text", "count"), KNOWN)
def test_close_to_known_counts(text: str, count: int) -> None:
    assert abs(estimate_tokens(text) - count) <= max(1, 0.25 * count)


def test_total_over_known_counts_within_15_percent() -> None:
    estimated = sum(estimate_tokens(t) for t, _ in KNOWN)
    actual = sum(c for _, c in KNOWN)
    assert abs(estimated - actual) <= 0.15 * actual


def test_rule_of_thumb_on_prose() -> None:
    # ~4 characters per token on English prose.
    text = (
        "Monitoring an AI application in production means watching latency, errors, the "
        "quality of answers, the drift of inputs and the cost of every request. "
    ) * 10
    assert 0.8 * len(text) / 4 <= estimate_tokens(text) <= 1.2 * len(text) / 4


def test_empty_and_whitespace() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("   \n") == 0
    assert estimate_tokens("a") == 1


def test_monotone_in_length() -> None:
    assert estimate_tokens("word " * 100) > estimate_tokens("word " * 10)
