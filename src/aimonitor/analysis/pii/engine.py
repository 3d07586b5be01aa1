"""Runs the enabled detectors over a text and turns candidates into findings: context words
adjust scores, the reporting floor drops weak matches, overlaps keep the best match."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aimonitor.analysis.latin1 import byte_table, latin1_bytes
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


# `fold` works character by character on Latin-1 text (lower-casing and decomposing are
# per character there, and every combining mark they produce is removed), so a byte
# table folds a whole Latin-1 text in one C pass; a text holding a character listed
# apart is folded slice by slice, since its offsets would shift.
_LATIN1_FOLD, _LATIN1_APART = byte_table(fold)


def fold_whole(text: str) -> str | None:
    """`fold(text)` when it keeps every character at its offset, so that
    `fold_whole(text)[a:b] == fold(text[a:b])`; None otherwise."""
    if text.isascii():
        return text.lower()
    raw = latin1_bytes(text)
    if raw is None or len(raw.translate(None, _LATIN1_APART)) != len(raw):
        return None
    return raw.translate(_LATIN1_FOLD).decode("latin-1")


class _FoldedSlices:
    """`fold(text[a:b])` for many slices of one text: the whole text folded once (on first
    use) and sliced, when folding keeps offsets; each slice folded on its own otherwise."""

    __slots__ = ("_folded", "_ready", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._ready = False

    def slice(self, start: int, end: int) -> str:
        if not self._ready:
            self._folded = fold_whole(self.text)
            self._ready = True
        if self._folded is None:
            return fold(self.text[start:end])
        return self._folded[start:end]


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
        folded = _FoldedSlices(text)
        scored: list[tuple[Candidate, str, float, str]] = []
        for detector in self.detectors:
            for candidate in detector.detect(ctx):
                score, note = self._contextual_score(folded, candidate)
                if score < self.min_score:
                    continue
                if candidate.confirm is not None:
                    explanation = candidate.confirm()
                    if explanation is None:
                        continue  # invalid: the validator said no
                    candidate.explanation = explanation
                scored.append((candidate, detector.name, score, note))
        if not scored:
            return ()
        return tuple(_resolve_overlaps(text, scored))

    def _contextual_score(self, folded: _FoldedSlices, candidate: Candidate) -> tuple[float, str]:
        rule = self.context.get(candidate.type)
        if rule is None:
            return candidate.score, ""
        window_start = max(0, candidate.start - self.context_window)
        before = folded.slice(window_start, candidate.start)
        after = folded.slice(candidate.end, candidate.end + 16)
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
    ranked = sorted(
        (-score, candidate.start - candidate.end, index)
        for index, (candidate, _, score, _) in enumerate(scored)
    )
    kept: list[tuple[Candidate, str, float, str]] = []
    # The kept spans never overlap, so sorted by start they are sorted by end too: a new
    # span overlaps one of them only if it overlaps a neighbour (no quadratic scan when a
    # text holds thousands of findings).
    starts: list[int] = []
    ends: list[int] = []
    for *_, index in ranked:
        candidate = scored[index][0]
        start, end = candidate.start, candidate.end
        at = bisect.bisect_right(starts, start)
        if (at > 0 and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            continue  # overlaps a better finding
        kept.append(scored[index])
        starts.insert(at, start)
        ends.insert(at, end)
    kept.sort(key=lambda item: item[0].start)
    return [
        Finding(
            c.type,
            c.start,
            c.end,
            text[c.start : c.end],
            round(score, 4),
            name,
            c.explanation + (f"; {note}" if note else ""),
        )
        for c, name, score, note in kept
    ]
