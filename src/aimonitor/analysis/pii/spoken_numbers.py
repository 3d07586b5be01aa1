"""Phone numbers written in words: "zero six one two three four five six seven eight",
"zéro six douze trente-quatre cinquante-six soixante-dix-huit", "oh seven seven double
nine...": the digits they spell, for the phone detector to validate like any number.

A run of number words (English or French) is read left to right: a unit word is one
digit, a teen or a tens word two ("douze" → 12, "soixante-dix-huit" → 78, "forty two" →
42), "double"/"triple" repeat the next digit. A run is at least five number words, after
an optional "+33", "plus" or digit group. Counting ("one, two, three, four...") is not a
number. Nothing is guessed beyond that; `phonenumbers` decides whether the digits are a
number.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from aimonitor.analysis.pii.base import gate

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9,
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "sept": 7, "huit": 8, "neuf": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}  # fmt: skip
_REPEATS = {"double": 2, "triple": 3}
_JOINERS = frozenset({"et", "and"})
_WORDS = [*_UNITS, *_TEENS, *_TENS, *_REPEATS]
# A run of at least five number words joined by spaces, commas, dots or hyphens, and
# "et"/"and" ("vingt et un"), after an optional "+33", "plus" or first digit group ("06
# douze trente-quatre..."). Each token is bounded, so a run is matched in linear time.
_WORD = "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True))
_SEPARATOR = r"(?:[\s,.\-]{1,3}(?:(?:et|and)[\s\-]{1,3})?)"
_PREFIX = r"(?:(?:\+\d{1,3}|plus|\d{1,4})[\s,.\-]{1,3})?"
_RUN = re.compile(
    rf"(?<![\w+]){_PREFIX}(?:{_WORD})(?:{_SEPARATOR}(?:{_WORD})){{4,24}}(?!\w)", re.IGNORECASE
)
_SPLIT = re.compile(r"[\s,.\-]+")
# Where a run may start: the same pattern in RE2, without the look-arounds and with
# Unicode classes for separators and digits, so it matches wherever `_RUN` can (and at
# a few more places, which `_RUN` then refuses), in one linear pass over the text.
_SEPARATOR_RE2 = r"(?:[\s\pZ,.\-]{1,3}(?:(?:et|and)[\s\pZ\-]{1,3})?)"
_RUN_STARTS = gate(
    rf"(?i)(?:(?:\+\pN{{1,3}}|plus|\pN{{1,4}})[\s\pZ,.\-]{{1,3}})?(?:{_WORD})"
    rf"(?:{_SEPARATOR_RE2}(?:{_WORD})){{4}}",
    _RUN,
)


@dataclass(frozen=True, slots=True)
class SpokenNumber:
    start: int
    end: int
    digits: str  # with a leading "+" when the run starts with "+" or "plus"


def spoken_numbers(text: str) -> Iterator[SpokenNumber]:
    """Runs of number words and the digits they spell."""
    done = 0
    for start, end in _RUN_STARTS(text):
        if end <= done:
            continue
        match = _first_run(text, max(start, done), end)
        if match is None:
            continue
        digits = _digits(match.group())
        if digits is not None:
            yield SpokenNumber(match.start(), match.end(), digits)
        done = match.end()


def _first_run(text: str, start: int, end: int) -> re.Match[str] | None:
    """The run `_RUN` accepts from one of the token starts RE2 saw five words at: RE2
    may start inside a word ("b|one two..."), which the look-behind refuses."""
    for position in range(start, end):
        if position == start or not text[position - 1].isalnum():
            match = _RUN.match(text, position)
            if match is not None:
                return match
    return None


def _digits(raw: str) -> str | None:
    tokens = [t for t in _SPLIT.split(raw.lower()) if t and t not in _JOINERS]
    international = raw.startswith("+") or tokens[0] == "plus"
    if tokens[0] == "plus":
        tokens = tokens[1:]
    out = ["+"] if international else []
    if _counting(tokens):
        return None
    repeat = 1
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("+")
        index += 1
        if token.isdigit():
            out.append(token * repeat)
        elif token in _REPEATS:
            repeat = _REPEATS[token]
            continue
        elif token in _UNITS:
            if token == "quatre" and index < len(tokens) and tokens[index] in ("vingt", "vingts"):
                value, index = _after_tens(80, tokens, index + 1)  # quatre-vingt(s)
                out.append(str(value))
            else:
                out.append(str(_UNITS[token]) * repeat)
        elif token in _TEENS:
            value, index = _after_teen(_TEENS[token], tokens, index)
            out.append(str(value) * repeat)
        else:
            value, index = _after_tens(_TENS[token], tokens, index)
            out.append(str(value) * repeat)
        repeat = 1
    return "".join(out)


def _after_teen(value: int, tokens: list[str], index: int) -> tuple[int, int]:
    """ "dix-sept" → 17: French teens past 16 are "dix" and a unit."""
    if value == 10 and index < len(tokens) and tokens[index] in ("sept", "huit", "neuf"):
        return 10 + _UNITS[tokens[index]], index + 1
    return value, index


def _after_tens(value: int, tokens: list[str], index: int) -> tuple[int, int]:
    """ "forty two" → 42, "soixante-dix-huit" → 78, "quatre-vingt-onze" → 91."""
    if index >= len(tokens):
        return value, index
    token = tokens[index]
    if value in (60, 80) and token in _TEENS:
        teen, after = _after_teen(_TEENS[token], tokens, index + 1)
        return value + teen, after
    if token in _UNITS and token not in ("zero", "zéro", "oh") and _UNITS[token] > 0:
        return value + _UNITS[token], index + 1
    return value, index


def _counting(tokens: list[str]) -> bool:
    """ "one, two, three, four, five...": each word one more (or less) than the last."""
    values = [_UNITS.get(t, _TEENS.get(t, -100)) for t in tokens if not t.isdigit()]
    steps = {b - a for a, b in itertools.pairwise(values)}
    return len(values) >= 5 and (steps == {1} or steps == {-1})
