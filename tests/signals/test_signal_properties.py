"""Properties that must hold for any text: scores stay in range, nothing raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aimonitor.signals.embedding import HashingEmbedder
from aimonitor.signals.hallucination import detect_hallucination
from aimonitor.signals.quality import assess_quality
from aimonitor.signals.tokens import estimate_tokens
from aimonitor.signals.trust import compute_trust, security_score

EMB = HashingEmbedder(dim=256)
TEXT = st.text(max_size=400)
UNIT = st.floats(min_value=-1.0, max_value=2.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(prompt=TEXT, answer=TEXT, context=st.none() | TEXT | st.lists(TEXT, max_size=3))
def test_quality_and_hallucination_are_total(
    prompt: str, answer: str, context: str | list[str] | None
) -> None:
    quality = assess_quality(prompt, answer, EMB, context=context)
    assert 0.0 <= quality.score <= 1.0
    assert all(0.0 <= v <= 1.0 for v in quality.components.values())
    result = detect_hallucination(prompt, answer, context)
    assert result.detected == bool(result.sources)
    assert result.unsupported_ratio is None or 0.0 <= result.unsupported_ratio <= 1.0
    assert set(result.claims) <= {"url", "reference", "figure", "date"}


@settings(max_examples=150, deadline=None)
@given(text=TEXT)
def test_token_estimate_is_non_negative_and_zero_only_for_blank_text(text: str) -> None:
    tokens = estimate_tokens(text)
    assert tokens >= 0
    assert (tokens == 0) == (not text.strip())


@settings(max_examples=200, deadline=None)
@given(q=UNIT, s=UNIT, c=UNIT, d=UNIT, f=st.none() | UNIT)
def test_trust_stays_in_range(q: float, s: float, c: float, d: float, f: float | None) -> None:
    assert 0.0 <= compute_trust(q, s, c, d, f).score <= 1.0


@given(attack=UNIT, toxicity=UNIT, pii=st.integers(min_value=-3, max_value=50))
def test_security_stays_in_range(attack: float, toxicity: float, pii: int) -> None:
    assert 0.0 <= security_score(attack, toxicity, pii) <= 1.0
