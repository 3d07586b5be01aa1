"""Prompt-attack detector: canonicalise, run the triggered rules on every view, combine.

The score is a noisy-OR of the weights of the distinct rules that matched, on any view:
1 - Π(1 - w). Two extra signals are added as pseudo-rules: a rule that matched only on a
decoded or de-obfuscated view (`obfuscation`), since hiding an instruction is itself
suspicious, and a match on the re-joined string literals (`payload_splitting.joined`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Sequence

from aimonitor.analysis.attacks.normalize import (
    Canonical,
    ascii_twin,
    canonicalize,
    has_word,
    words_of,
)
from aimonitor.analysis.attacks.rules import LOCAL_RADIUS, RULES, Rule
from aimonitor.analysis.pattern_set import PatternSet
from aimonitor.analysis.stems import literal_stems, search_at_stems
from aimonitor.types import AttackResult

_OBFUSCATION_WEIGHT = 0.3
_JOINED_PAYLOAD_WEIGHT = 0.5
# Views whose matches count as hidden: the instruction was not readable as written.
_HIDDEN_SOURCES = frozenset({"base64", "hex", "url", "tags", "payload_join"})


class AttackDetector:
    def __init__(self, rules: Sequence[Rule] = RULES, threshold: float = 0.5) -> None:
        self.rules = tuple(rules)
        self.threshold = threshold
        self._order = {rule.name: position for position, rule in enumerate(self.rules)}
        self._by_name = {rule.name: rule for rule in self.rules}
        self._ascii = {rule.name: ascii_twin(rule.pattern) for rule in self.rules}
        self._stems = {rule.name: _stems_of(rule.pattern) for rule in self.rules}
        # On an ASCII view every rule RE2 accepts runs in one pass (`pattern_set.py`);
        # `re` runs the others one by one, and every rule on the views RE2 cannot take.
        self._one_pass = PatternSet((rule.name, self._ascii[rule.name]) for rule in self.rules)
        self._index = _trigger_index(self.rules)
        self._index_outside_pass = _trigger_index(
            [rule for rule in self.rules if rule.name not in self._one_pass.names]
        )

    def detect(self, text: str, canonical: Canonical | None = None) -> AttackResult:
        canonical = canonical if canonical is not None else canonicalize(text)
        matched: dict[str, Rule] = {}
        plain_matches: set[str] = set()
        joined_payload = False
        for view in canonical.views:
            known = canonical if view.source == "canonical" else None
            for rule in self._matching_rules(view.text, known):
                matched.setdefault(rule.name, rule)
                if view.source in ("canonical", "raw") and not _obfuscated_only(
                    canonical, view.source
                ):
                    plain_matches.add(rule.name)
                if view.source == "payload_join":
                    joined_payload = True
                if view.source == "raw":
                    plain_matches.add(rule.name)
        if not matched:
            return AttackResult(0.0, False, (), (), canonical.transforms)
        rules = sorted(matched.values(), key=lambda r: self._order[r.name])
        weights = [rule.weight for rule in rules]
        names = [rule.name for rule in rules]
        families = [rule.family for rule in rules]
        hidden = [name for name in names if name not in plain_matches]
        if hidden:
            weights.append(_OBFUSCATION_WEIGHT)
            names.append("obfuscation.hidden_match")
        if joined_payload:
            weights.append(_JOINED_PAYLOAD_WEIGHT)
            names.append("payload_splitting.joined_literals")
            families.append("payload_splitting")
        remaining = 1.0
        for weight in weights:
            remaining *= 1.0 - weight
        score = round(1.0 - remaining, 4)
        return AttackResult(
            score=score,
            detected=score >= self.threshold,
            families=tuple(dict.fromkeys(families)),
            rules=tuple(names),
            transforms=canonical.transforms,
            tier="rules",
            rules_score=score,
        )

    def _matching_rules(self, text: str, known: Canonical | None) -> list[Rule]:
        """The rules that match this view. A rule is only tried when one of its trigger
        words occurs (and one of its `requires` strings): the same gate on both paths.
        `known` holds the view's words when it is the canonical view."""
        in_one_pass = self._one_pass.names_matching(text)
        found: list[Rule] = []
        if in_one_pass is not None and not in_one_pass and not self._index_outside_pass:
            return found  # the common case: nothing matched, no word lists needed
        words: Container[str]
        if in_one_pass is None:
            words = _words(text, known)
            candidates = _candidates(self._index, text, words)
        else:
            # Only the few rules that matched ask about their trigger words: answered from
            # the text, unless its set of words is already built (`_WordTest`).
            words = _WordTest(text, known)
            candidates = (
                _candidates(self._index_outside_pass, text, _words(text, known))
                if self._index_outside_pass
                else []
            )
            to_confirm = self._one_pass.to_confirm
            for rule in map(self._by_name.__getitem__, in_one_pass):
                if not any(word in words for word in rule.triggers):
                    continue
                if not _has_required(rule, text):
                    continue
                if rule.name in to_confirm:
                    candidates.append(rule)  # matched without its look-arounds: ask `re`
                else:
                    found.append(rule)
        if candidates:
            ascii_only = text.isascii()
            occurrences: dict[str, tuple[int, ...] | None] = {}  # shared by the view's rules
            for rule in candidates:
                pattern = self._ascii[rule.name] if ascii_only else rule.pattern
                if _matches(rule, pattern, text, words, self._stems[rule.name], occurrences):
                    found.append(rule)
        return found


def _words(text: str, known: Canonical | None) -> frozenset[str]:
    return known.words if known is not None else words_of(text)


class _WordTest:
    """`word in words_of(text)`, from the set when the canonical view already built it,
    from the text (`has_word`) otherwise."""

    __slots__ = ("_known", "_text")

    def __init__(self, text: str, known: Canonical | None) -> None:
        self._text = text
        self._known = known

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        known = self._known
        if known is not None and known.words_ready:
            return word in known.words
        return has_word(self._text, word)


def _trigger_index(rules: Sequence[Rule]) -> dict[str, list[Rule]]:
    index: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        for word in rule.triggers:
            index[word].append(rule)
    return dict(index)


def _has_required(rule: Rule, text: str) -> bool:
    return not rule.requires or any(part in text for part in rule.requires)


def _candidates(index: dict[str, list[Rule]], text: str, words: frozenset[str]) -> list[Rule]:
    seen: dict[str, Rule] = {}
    for word in index.keys() & words:
        for rule in index[word]:
            if rule.name not in seen and _has_required(rule, text):
                seen[rule.name] = rule
    return list(seen.values())


def _stems_of(pattern: re.Pattern[str]) -> frozenset[str] | None:
    try:
        return literal_stems(pattern.pattern, min_len=2, max_len=64)
    except ValueError:  # a construct the stem parser does not follow: no shortcut
        return None


def _obfuscated_only(canonical: Canonical, source: str) -> bool:
    """The canonical view counts as obfuscated when a character-level trick was undone."""
    if source != "canonical":
        return False
    tricks = {"zero_width", "homoglyph", "leetspeak", "spaced_letters", "nfkc"}
    return any(step in tricks for step in canonical.transforms)


_MAX_OCCURRENCES = 4
# The stem shortcut costs one `str.find` per stem, the plain search a pass over the
# region: with more stems than 3 per 100 characters, searching the region is cheaper.
# Both answer the same (the stems are exact gates).
_STEMS_PER_CHAR = 0.03


def _matches(
    rule: Rule,
    pattern: re.Pattern[str],
    text: str,
    words: Container[str],
    stems: frozenset[str] | None = None,
    occurrences: dict[str, tuple[int, ...] | None] | None = None,
) -> bool:
    regions = _regions(rule, text, words, {} if occurrences is None else occurrences)
    if stems is None:
        return any(pattern.search(text, low, high) is not None for low, high in regions)
    count = len(stems)
    return any(
        search_at_stems(pattern, text, stems, low, high)
        if count <= _STEMS_PER_CHAR * (high - low)
        else pattern.search(text, low, high) is not None
        for low, high in regions
    )


def _occurrences(text: str, word: str) -> tuple[int, ...] | None:
    """Where `word` occurs (non-overlapping), or None when more than `_MAX_OCCURRENCES`."""
    found: list[int] = []
    position = text.find(word)
    for _ in range(_MAX_OCCURRENCES):
        if position < 0:
            return tuple(found)
        found.append(position)
        position = text.find(word, position + len(word))
    return tuple(found) if position < 0 else None


def _regions(
    rule: Rule, text: str, words: Container[str], occurrences: dict[str, tuple[int, ...] | None]
) -> list[tuple[int, int]]:
    """Where to search: only around the rule's trigger words when the rule is local, a few
    hundred characters instead of the whole text. The whole text when a trigger occurs
    too often for windows to pay off. `occurrences` caches trigger positions across the
    rules of one view (many share "instructions", "prompt"...)."""
    limit = len(text)
    if not rule.local or limit <= 3 * LOCAL_RADIUS:
        return [(0, limit)]
    windows: list[tuple[int, int]] = []
    for word in rule.triggers:
        if word not in words:
            continue
        if word not in occurrences:
            occurrences[word] = _occurrences(text, word)
        positions = occurrences[word]
        if positions is None:
            return [(0, limit)]
        for position in positions:
            windows.append((max(0, position - LOCAL_RADIUS), position + len(word) + LOCAL_RADIUS))
    windows.sort()
    regions: list[tuple[int, int]] = []
    low, high = windows[0]
    for start, end in windows[1:]:
        if start <= high:
            high = max(high, end)
            continue
        regions.append((low, min(high, limit)))
        low, high = start, end
    regions.append((low, min(high, limit)))
    return regions
