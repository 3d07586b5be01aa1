"""Runs the enabled detectors over a text and turns candidates into findings: context words
adjust scores, the reporting floor drops weak matches, overlaps keep the best match."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aimonitor.analysis.pii.base import Candidate, PiiDetector, ScanContext
from aimonitor.types import Finding


@dataclass(frozen=True, slots=True)
class ContextRule:
    """Words that make a weak match more (or less) believable when they are nearby."""

    words: tuple[str, ...] = ()
    negative_words: tuple[str, ...] = ()


_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without accents, so "Numéro" and "numero" are the same context word."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))


class PiiEngine:
    def __init__(
        self,
        detectors: Sequence[PiiDetector],
        context: Mapping[str, ContextRule],
        *,
        min_score: float = 0.5,
        context_window: int = 48,
        context_boost: float = 0.35,
        negative_penalty: float = 0.5,
    ) -> None:
        self.detectors = tuple(detectors)
        self.context = {key: _folded(rule) for key, rule in context.items()}
        # One alternation per word list: a candidate without any context word nearby (the
        # common case) costs two regex searches instead of a Python loop over ~30 words.
        self._any_word = {
            key: (_any_of(rule.negative_words), _any_of(rule.words))
            for key, rule in self.context.items()
        }
        self.min_score = min_score
        self.context_window = context_window
        self.context_boost = context_boost
        self.negative_penalty = negative_penalty

    def scan(self, text: str) -> tuple[Finding, ...]:
        ctx = ScanContext(text)
        scored: list[tuple[Candidate, str, float, str]] = []
        for detector in self.detectors:
            for candidate in detector.detect(ctx):
                score, note = self._contextual_score(text, candidate)
                if score >= self.min_score:
                    scored.append((candidate, detector.name, score, note))
        if not scored:
            return ()
        return tuple(_resolve_overlaps(text, scored))

    def _contextual_score(self, text: str, candidate: Candidate) -> tuple[float, str]:
        rule = self.context.get(candidate.type)
        if rule is None:
            return candidate.score, ""
        window_start = max(0, candidate.start - self.context_window)
        before = fold(text[window_start : candidate.start])
        after = fold(text[candidate.end : candidate.end + 16])
        score = candidate.score
        notes = []
        any_negative, any_word = self._any_word[candidate.type]
        if any_negative is not None and any_negative.search(before):
            for word in rule.negative_words:
                if word in before:
                    score -= self.negative_penalty
                    notes.append(f"negative_context={word}")
                    break
        if any_word is not None and (any_word.search(before) or any_word.search(after)):
            for word in rule.words:
                if word in before or word in after:
                    score = min(1.0, score + self.context_boost)
                    notes.append(f"context={word}")
                    break
        return score, "; ".join(notes)


def _any_of(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Finds any of `words` as a substring (`word in text` for each word, in one pass)."""
    return re.compile("|".join(map(re.escape, words))) if words else None


def _folded(rule: ContextRule) -> ContextRule:
    return ContextRule(
        tuple(fold(word) for word in rule.words), tuple(fold(word) for word in rule.negative_words)
    )


def _resolve_overlaps(text: str, scored: list[tuple[Candidate, str, float, str]]) -> list[Finding]:
    # Best first: higher score, then the longer span (a SIRET beats the SIREN inside it).
    order = sorted(
        range(len(scored)),
        key=lambda i: (-scored[i][2], -(scored[i][0].end - scored[i][0].start), i),
    )
    kept: list[tuple[Candidate, str, float, str]] = []
    for index in order:
        candidate = scored[index][0]
        if all(candidate.end <= k.start or candidate.start >= k.end for k, *_ in kept):
            kept.append(scored[index])
    kept.sort(key=lambda item: item[0].start)
    return [
        Finding(
            type=c.type,
            start=c.start,
            end=c.end,
            text=text[c.start : c.end],
            score=round(score, 4),
            detector=name,
            explanation=c.explanation + (f"; {note}" if note else ""),
        )
        for c, name, score, note in kept
    ]
