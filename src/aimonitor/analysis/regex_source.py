"""Walking the source of a regular expression: where a character class or a group ends.

Shared by the stem parser (`stems.py`) and the look-around remover (`pattern_set.py`),
which both skip escapes and classes (a class may hold "(" , ")" or "|") while they scan:
`units` is that walk, once.
"""

from __future__ import annotations

from collections.abc import Iterator


def class_end(source: str, start: int) -> int:
    """Index just after the character class opening at `start` ("]" first is a member)."""
    i = start + 1
    if source.startswith("^", i):
        i += 1
    if source.startswith("]", i):
        i += 1
    while i < len(source):
        if source[i] == "\\":
            i += 2
            continue
        if source[i] == "]":
            return i + 1
        i += 1
    raise ValueError(f"unterminated character class in {source!r}")


def units(source: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of each unit of `source` from `start` on: an escape ("\\d", "\\("), a
    whole character class, or one character. The scanners below walk these, so that a
    "(", ")" or "|" inside an escape or a class is never taken for an operator."""
    i = start
    while i < len(source):
        char = source[i]
        end = i + 2 if char == "\\" else class_end(source, i) if char == "[" else i + 1
        yield i, end
        i = end


def group_end(source: str, start: int) -> int:
    """Index of the ")" closing the group opening at `start`."""
    depth = 0
    for i, end in units(source, start):
        if end - i == 1:
            if source[i] == "(":
                depth += 1
            elif source[i] == ")":
                depth -= 1
                if depth == 0:
                    return i
    raise ValueError(f"unbalanced group in {source!r}")


def split_classes(source: str) -> tuple[str, list[str]]:
    """(the source with every escape and character class taken out, the classes): what
    is left are the pattern's own operators and literal characters."""
    outside: list[str] = []
    classes: list[str] = []
    for i, end in units(source):
        if source[i] == "[":
            classes.append(source[i:end])
        elif source[i] != "\\":
            outside.append(source[i])
    return "".join(outside), classes
