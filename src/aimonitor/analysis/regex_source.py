"""Walking the source of a regular expression: where a character class or a group ends.

Shared by the stem parser (`stems.py`) and the look-around remover (`pattern_set.py`),
which both skip escapes and classes (a class may hold "(" , ")" or "|") while they scan.
"""

from __future__ import annotations


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


def group_end(source: str, start: int) -> int:
    """Index of the ")" closing the group opening at `start`."""
    depth, i = 0, start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = class_end(source, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced group in {source!r}")


def split_classes(source: str) -> tuple[str, list[str]]:
    """(the source with every escape and character class taken out, the classes): what
    is left are the pattern's own operators and literal characters."""
    outside: list[str] = []
    classes: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            end = class_end(source, i)
            classes.append(source[i:end])
            i = end
            continue
        outside.append(char)
        i += 1
    return "".join(outside), classes
