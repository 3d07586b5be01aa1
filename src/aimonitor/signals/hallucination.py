"""Hallucination signals that can be computed honestly from the text alone.

Two sources (the third, user feedback with category "hallucination", is counted by
the caller when the feedback arrives):

- "unverifiable_claim": the answer contains claims (see `claims`: URLs,
  references, precise figures, dates) that appear neither in the prompt nor in the
  context. A model that invents a statistic, a link or a citation is caught here;
  an answer that only restates what it was given is not. "Unverifiable" is not
  "false": a real model may know a true figure; the signal says it cannot be
  traced to the input.
- "unsupported_context" (only when a context is given, e.g. RAG documents): the
  share of answer sentences that the prompt and context do not back. A sentence
  (with 3 or more content words; "Sure!" is not judged) is unsupported when fewer
  than half of its content words appear in the prompt or context AND it names
  something they do not contain: a number or a capitalised term (a name, a product,
  a place) after its first word. Generic advice or filler without such an anchor
  cannot be checked against documents and is not counted against the answer.
  Detected when the share is `UNSUPPORTED_RATIO_ALERT` (0.5) or more.

Results carry claim kinds only, never the claim text, which could be personal data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aimonitor.signals.claims import Source, extract_claims
from aimonitor.signals.language import STOPWORDS
from aimonitor.signals.text import sentences, words

UNSUPPORTED_RATIO_ALERT: Final = 0.5
SENTENCE_SUPPORT_MIN: Final = 0.5
_MIN_CONTENT_WORDS: Final = 3
_STEM: Final = 6  # compare word prefixes: "servers" ~ "server", "configurer" ~ "configuration"
_ALL_STOPWORDS: Final = frozenset().union(*STOPWORDS.values())
# A word starting with a capital (a name, a product, a place) or a number.
_ANCHOR: Final = re.compile(r"\b(?:[A-ZÀ-Ý][\w'’-]*|\d[\d.,]*\d|\d)")


@dataclass(frozen=True, slots=True)
class HallucinationResult:
    detected: bool
    sources: tuple[str, ...] = ()  # from {"unsupported_context", "unverifiable_claim"}
    unsupported_ratio: float | None = None  # None without context
    claims: tuple[str, ...] = ()  # kind of each unverifiable claim, sorted ("figure", "url"...)


def _stems(tokens: list[str]) -> set[str]:
    return {w[:_STEM] for w in tokens if len(w) >= 3 and w not in _ALL_STOPWORDS}


def _anchors(sentence: str) -> list[str]:
    """Numbers, and capitalised words other than the sentence's first word."""
    start = len(sentence) - len(sentence.lstrip())
    return [
        m.group()
        for m in _ANCHOR.finditer(sentence)
        if m.group()[0].isdigit() or m.start() != start
    ]


def _new_anchor(sentence: str, source_words: set[str]) -> bool:
    """Does the sentence name something (number, capitalised term) absent from the source?"""
    return any(not set(words(anchor)) <= source_words for anchor in _anchors(sentence))


def unsupported_ratio(answer: str, context: str, prompt: str = "") -> float | None:
    """Share of judged answer sentences that prompt and context do not back; None if
    no sentence was judged."""
    source_words = set(words(prompt + "\n" + context))
    source_stems = _stems(list(source_words))
    judged = unsupported = 0
    for sentence in sentences(answer):
        stems = _stems(words(sentence))
        if len(stems) < _MIN_CONTENT_WORDS:
            continue
        judged += 1
        weakly_supported = len(stems & source_stems) / len(stems) < SENTENCE_SUPPORT_MIN
        if weakly_supported and _new_anchor(sentence, source_words):
            unsupported += 1
    return unsupported / judged if judged else None


def detect_hallucination(
    prompt: str, answer: str, context: str | Sequence[str] | None = None
) -> HallucinationResult:
    context_text = context if isinstance(context, str) or context is None else "\n".join(context)
    claims = extract_claims(answer)
    unverified: list[str] = []
    if claims:  # the source is indexed only when there is something to look up
        source = Source(prompt + "\n" + (context_text or ""))
        unverified = sorted(c.kind for c in claims if not source.supports(c))
    sources: list[str] = []
    ratio = None
    if context_text:
        ratio = unsupported_ratio(answer, context_text, prompt)
        if ratio is not None and ratio >= UNSUPPORTED_RATIO_ALERT:
            sources.append("unsupported_context")
    if unverified:
        sources.append("unverifiable_claim")
    return HallucinationResult(bool(sources), tuple(sources), ratio, tuple(unverified))
