"""A 0-1 quality score for one answer, from signals that can be measured.

Components (each in [0, 1]):

- relevance: cosine of the embeddings of the prompt's and the answer's content
  words (function words removed, so that shared "the", "many", "de" do not count as
  relevance; with a context, the better of prompt and context), mapped linearly so
  that 0.05 → 0 and 0.2 → 1 (hashed n-gram embeddings put unrelated texts at
  0-0.06 and on-topic answers at 0.2-0.7).
- coherence: (1 - repetition) x continuity, where continuity is the mean cosine of
  adjacent sentences mapped so that 0 → 0 and 0.12 → 1 (a one-sentence answer
  has continuity 1): answers that hop between unrelated statements score low.
- language: 1 if the answer is in the prompt's language (or either is undetermined).
- length: 1 if the answer has 3 to 1,500 words.
- repetition: 1 - distinct/total word trigrams (loops and degeneration; about 0
  for normal prose).

    score = (0.5·relevance + 0.3·coherence + 0.1·language + 0.1·length) x (1 - repetition)

and a refusal (see `refusal`) caps the score at 0.3: a refusal is not a useful
answer, whatever its wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from aimonitor.signals.embedding import Embedder
from aimonitor.signals.language import STOPWORDS, detect_language_of_words
from aimonitor.signals.refusal import is_refusal
from aimonitor.signals.text import sentences, words

WEIGHTS: Final = {
    "relevance": 0.5,
    "coherence": 0.3,
    "language": 0.1,
    "length": 0.1,
}
REFUSAL_CAP: Final = 0.3
_RELEVANCE_RANGE: Final = (0.05, 0.2)
_CONTINUITY_FULL: Final = 0.12
_MIN_WORDS, _MAX_WORDS = 3, 1500
_MAX_SENTENCES: Final = 8  # bounded cost on long answers
_ALL_STOPWORDS: Final = frozenset().union(*STOPWORDS.values())


@dataclass(frozen=True, slots=True)
class QualityResult:
    score: float
    coherence: float
    relevance: float
    refusal: bool
    language_match: bool
    repetition: float
    length_ok: bool
    components: dict[str, float]


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, value))


def content_text(tokens: list[str]) -> str:
    """The words (from `text.words`) without function words, as one string."""
    return " ".join(w for w in tokens if w not in _ALL_STOPWORDS)


def repetition(text: str | list[str]) -> float:
    """1 - distinct/total word trigrams; 0 for texts under 6 words."""
    tokens = words(text) if isinstance(text, str) else text
    if len(tokens) < 6:
        return 0.0
    trigrams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
    return 1.0 - len(set(trigrams)) / len(trigrams)


def continuity_of(sentence_vectors: np.ndarray) -> float:
    """Mean cosine of adjacent sentences, mapped to [0, 1]; 1 for a single sentence."""
    if len(sentence_vectors) < 2:
        return 1.0
    # The sum of all adjacent products over the pair count is the mean of the pairs'
    # dot products: one flat dot product of the two (contiguous, uncopied) row ranges,
    # which `vdot` does with less dispatch than `einsum`.
    total = float(np.vdot(sentence_vectors[:-1], sentence_vectors[1:]))
    return _clip01(total / (len(sentence_vectors) - 1) / _CONTINUITY_FULL)


@dataclass(frozen=True, slots=True)
class QualityInputs:
    """The tokenised texts of one assessment and what to embed for it, so that a caller
    can embed them together with its own texts in one `embed_many` call."""

    prompt_words: list[str]
    answer_words: list[str]
    prompt_language: str  # `detect_language_of_words(prompt_words)`
    texts: list[str]  # answer, prompt (and context) content words, then the sentences
    sources: int  # texts[1:sources] are what the answer is compared with


def quality_inputs(
    prompt: str, answer: str, context: str | Sequence[str] | None = None
) -> QualityInputs:
    if context is not None and not isinstance(context, str):
        context = "\n".join(context)
    answer_words, prompt_words = words(answer), words(prompt)
    parts = sentences(answer)[:_MAX_SENTENCES]
    texts = [content_text(answer_words), content_text(prompt_words)]
    if context:
        texts.append(content_text(words(context)))
    sources = len(texts)
    return QualityInputs(
        prompt_words,
        answer_words,
        detect_language_of_words(prompt_words),
        texts + (parts if len(parts) > 1 else []),
        sources,
    )


def assess_quality(
    prompt: str, answer: str, embedder: Embedder, context: str | Sequence[str] | None = None
) -> QualityResult:
    inputs = quality_inputs(prompt, answer, context)
    # One vectorised call for the answer, the prompt, the context and the sentences.
    return score_quality(inputs, answer, embedder.embed_many(inputs.texts))


def score_quality(inputs: QualityInputs, answer: str, vectors: np.ndarray) -> QualityResult:
    """The assessment from `inputs` and the embeddings of `inputs.texts` (extra rows
    after those are ignored)."""
    answer_words, n_texts = inputs.answer_words, inputs.sources
    answer_vec, sources = vectors[0], vectors[1:n_texts]
    cosine = float(max((sources @ answer_vec).tolist()))
    low, high = _RELEVANCE_RANGE
    relevance = _clip01((cosine - low) / (high - low))
    rep = repetition(answer_words)
    coherence = (1.0 - rep) * continuity_of(vectors[n_texts : len(inputs.texts)])
    prompt_lang = inputs.prompt_language
    answer_lang = detect_language_of_words(answer_words)
    language_match = "other" in (prompt_lang, answer_lang) or prompt_lang == answer_lang
    n_words = len(answer_words)
    length_ok = _MIN_WORDS <= n_words <= _MAX_WORDS
    refusal = is_refusal(answer)
    components = {
        "relevance": relevance,
        "coherence": coherence,
        "language": float(language_match),
        "length": float(length_ok),
    }
    score = sum(WEIGHTS[k] * v for k, v in components.items()) * (1.0 - rep)
    if refusal:
        score = min(score, REFUSAL_CAP)
    components["repetition"] = rep
    components["refusal"] = float(refusal)
    return QualityResult(
        score=round(score, 4),
        coherence=round(coherence, 4),
        relevance=round(relevance, 4),
        refusal=refusal,
        language_match=language_match,
        repetition=round(rep, 4),
        length_ok=length_ok,
        components={k: round(v, 4) for k, v in components.items()},
    )
