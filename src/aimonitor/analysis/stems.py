"""Literal word stems that any match of a regular expression must start with.

Used as exact gates: a rule whose every match starts with "ignor" or "oubli" cannot match
a text where neither occurs, and can only match where one of them occurs. The parser
understands the subset of regex syntax the rules use (alternations, non-capturing groups,
optional trailing characters) and answers None for anything else, which means "no gate".
"""

from __future__ import annotations

import re

from aimonitor.analysis.regex_source import group_end, units

_MAX_STEM_HITS = 8


def _alternatives(src: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, end in units(src):
        if end - i != 1:
            continue  # an escape or a class
        char = src[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(src[start:i])
            start = i + 1
    parts.append(src[start:])
    return parts


def literal_stems(src: str, min_len: int = 3, max_len: int = 8) -> frozenset[str] | None:
    """Literal word prefixes one of which starts any match of `src`, or None when an
    alternative does not start with a literal word of at least three characters."""
    stems: set[str] = set()
    for alternative in _alternatives(src):
        alternative = alternative.removeprefix("\\b")
        if alternative.startswith("(?:"):
            end = group_end(alternative, 0)
            quantifier = alternative[end + 1 : end + 2]
            if quantifier == "{":
                return None
            inner = literal_stems(alternative[3:end], min_len, max_len)
            if inner is None:
                return None
            stems |= inner
            if quantifier in ("?", "*"):
                # An optional group: a match may also start with what follows it.
                rest = alternative[end + 2 :]
                rest = rest[1:] if rest[:1] in ("?", "+") else rest  # lazy or possessive
                after = literal_stems(rest, min_len, max_len)
                if after is None:
                    return None
                stems |= after
            continue
        length = 0
        while length < len(alternative) and (
            alternative[length].isalnum() or alternative[length] == "_"
        ):
            length += 1
        if alternative[length : length + 1] in ("?", "*", "{"):
            length -= 1  # the last character is optional
        stem = alternative[:length][:max_len]
        if len(stem) < min_len:
            return None
        stems.add(stem)
    return frozenset(stems)


def search_at_stems(
    pattern: re.Pattern[str],
    text: str,
    stems: frozenset[str] | None,
    low: int = 0,
    high: int | None = None,
) -> bool:
    """`pattern.search(text, low, high) is not None`. When every match of the pattern starts
    with one of `stems` (`literal_stems`), only the places where a stem occurs can start a
    match: `str.find` locates them in C and `pattern.match` tries each, instead of `re`
    trying every position of the region. Falls back to the search when stems are many."""
    end = len(text) if high is None else high
    if stems is not None:
        starts: list[int] = []
        for stem in stems:
            position = text.find(stem, low, end)
            while position >= 0 and len(starts) <= _MAX_STEM_HITS:
                starts.append(position)
                position = text.find(stem, position + 1, end)
            if len(starts) > _MAX_STEM_HITS:
                break
        else:
            return any(pattern.match(text, start, end) is not None for start in starts)
    return pattern.search(text, low, end) is not None
