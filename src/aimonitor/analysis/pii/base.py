"""What a personal-data detector is, and the per-text context they share.

A detector proposes `Candidate`s: a span, a base score reflecting how strong its validator
is (a mod-97 check is stronger than a Luhn check on nine digits), and an explanation. The
engine (`pii/engine.py`) then applies context words, the reporting floor and overlap
resolution, so detectors stay small and only know their own format. A costly validator
can be left to the engine (`Candidate.confirm`), which runs it only when the context
leaves the candidate above the floor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from aimonitor.analysis.latin1 import latin1_bytes

# Any run of at least six digits, possibly split by single separators: the gate that lets
# numeric detectors skip texts with no number long enough to be an identifier.
_DIGIT_RUN = re.compile(r"\d(?:[ \t.\-/\u00a0\u202f]{0,3}\d){5}")
# The start of an IBAN written in groups ("FR76 3000 ", "NL34 HQVB "), right before a match.
_IBAN_PREFIX = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4})* ?$")


# Not frozen: a frozen dataclass is slower to build, and every numeric match that
# passes its validator builds one; candidates never leave the engine.
@dataclass(slots=True)
class Candidate:
    type: str
    start: int
    end: int
    score: float
    explanation: str
    # A validator too costly to run on a match that its context words would drop anyway:
    # the engine calls it only for a candidate whose score reaches the reporting floor.
    # It returns the explanation of a valid match, None for an invalid one.
    confirm: Callable[[], str | None] | None = None


# Digits with the separators numbers are written with. Starting with a character class
# lets `re` skip in C to the next digit, "+" or "(".
# Runs shorter than six characters ("14", "2024") cannot hold an identifier, not even a
# split NIR's first part ("185052" before "2A"), and are not worth a Python iteration.
_NUMBER_RUN = re.compile(r"[\d+(][\d \t\-./()\u00a0\u202f]{5,}")
# The same for Latin-1 text, which holds no digits but 0-9 (no Unicode decimal digit lies
# in U+0080-U+00FF): `re` tests [0-9] with a bitmap, \d with a Unicode database call.
_NUMBER_RUN_LATIN1 = re.compile(r"[0-9+(][0-9 \t\-./()\u00a0]{5,}")
_MIN_WINDOW = 7  # "1.2.3.4", the shortest number any numeric detector accepts
_MERGE_GAP = 3  # "1 85 05 2A 006 ...": a NIR's Corsican "2A" splits the run in two
_LOOKAROUND = 3  # characters the patterns' lookaheads inspect after a number


class ScanContext:
    """Per-text facts computed at most once and shared by all detectors."""

    __slots__ = ("_has_digit_run", "_latin1", "_shape", "_window_digits", "_windows", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # Encoded once: the windows pass and the digit counts both read it.
        self._latin1 = latin1_bytes(text)
        self._has_digit_run: bool | None = None
        self._windows: list[tuple[int, int]] | None = None
        self._window_digits: list[int] | None = None
        self._shape: bytes | None = None

    @property
    def has_digit_run(self) -> bool:
        if self._has_digit_run is None:
            # A run of six digits lies inside a number window (or in a six-character run
            # too short to make one, where no detector looks): search only the windows.
            text = self.text
            self._has_digit_run = any(
                _DIGIT_RUN.search(text, start, end) is not None
                for start, end in self.number_windows
            )
        return self._has_digit_run

    @property
    def number_windows(self) -> list[tuple[int, int]]:
        """(start, end) of the stretches of text where a numeric identifier can be: one
        pass over the text instead of one per numeric detector. Detectors run their own
        pattern with `pattern.finditer(text, start, end)`; lookbehinds still see the text
        before `start`, and `end` leaves room for their lookaheads."""
        if self._windows is None:
            self._windows = self._find_windows()
        return self._windows

    def finditer(
        self,
        pattern: re.Pattern[str],
        min_digits: int = 0,
        containing: str = "",
        shapes: tuple[bytes, ...] = (),
    ) -> Iterator[re.Match[str]]:
        """`pattern.finditer` over the number windows. A detector skips the windows where
        its matches cannot be: those holding fewer than `min_digits` digits (`\\d`, as its
        pattern counts them), not holding the string `containing`, or, when `shapes` is
        given, none of these shapes (`shape_of`), one of which every match of the pattern
        holds. A match lies inside its window, so a skipped window could not have produced
        one; a `bytes.find` per shape costs far less than running the pattern."""
        text = self.text
        if self._window_digits is None:
            self._window_digits = _digit_counts(text, self._latin1, self.number_windows)
        shape = self._shape_bytes() if shapes else None
        for (start, end), digits in zip(self.number_windows, self._window_digits, strict=True):
            if digits < min_digits or (containing and text.find(containing, start, end) < 0):
                continue
            if shape is not None and not any(shape.find(s, start, end) >= 0 for s in shapes):
                continue
            yield from pattern.finditer(text, start, end)

    def _shape_bytes(self) -> bytes | None:
        """`shape_of(text)`, for Latin-1 text; None (no shape gate) for other text, where
        `\\d` also matches digits other than 0-9."""
        if self._shape is None and self._latin1 is not None:
            self._shape = self._latin1.translate(_SHAPE)
        return self._shape

    def _find_windows(self) -> list[tuple[int, int]]:
        merged: list[list[int]] = []
        pattern = _NUMBER_RUN_LATIN1 if self._latin1 is not None else _NUMBER_RUN
        for match in pattern.finditer(self.text):
            start, end = match.span()
            if merged and start - merged[-1][1] <= _MERGE_GAP:
                merged[-1][1] = end
            else:
                merged.append([start, end])
        limit = len(self.text)
        return [
            (start, min(limit, end + _LOOKAROUND))
            for start, end in merged
            if end - start >= _MIN_WINDOW
        ]


_ASCII_DIGITS = b"0123456789"

# Latin-1 byte -> its shape: "d" for a digit, the separators " ", "-" and "." as they
# are, "x" for anything else (the letter "d" included).
_SHAPE = bytes(
    ord("d") if chr(byte).isdigit() and byte < 128 else byte if chr(byte) in " -." else ord("x")
    for byte in range(256)
)


def shape_of(text: str) -> str:
    """The shape a number gate looks for: "123-45-6789" -> "ddd-dd-dddd" (see `_SHAPE`)."""
    return text.encode("latin-1").translate(_SHAPE).decode("ascii")


def _digit_counts(text: str, raw: bytes | None, windows: list[tuple[int, int]]) -> list[int]:
    """How many `\\d` characters each window holds. Latin-1 text (`raw`, its encoding)
    holds no decimal digit but 0-9, so its windows are counted on bytes, deleting the ten
    digits in one C pass."""
    if raw is None:
        return [len(digits_of(text[start:end])) for start, end in windows]
    return [
        end - start - len(raw[start:end].translate(None, _ASCII_DIGITS)) for start, end in windows
    ]


class PiiDetector(Protocol):
    """One recognizer: a name (used in findings) and the types it may emit."""

    name: str
    types: tuple[str, ...]

    def detect(self, ctx: ScanContext) -> Iterable[Candidate]: ...


_NON_DIGITS = re.compile(r"\D+")


def digits_of(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def digit_count(text: str) -> int:
    """`len(digits_of(text))`, without building the digits for ASCII text: counted, as
    the windows' digits are, by deleting the ten digits in one C pass."""
    if text.isascii():
        return len(text) - len(text.encode("ascii").translate(None, _ASCII_DIGITS))
    return len(digits_of(text))


def follows_iban_prefix(text: str, start: int) -> bool:
    """True when a number continues an IBAN-like group sequence: it is part of that IBAN
    (valid or not), never a phone or card number of its own."""
    low = max(0, start - 40)
    window = text[low:start]
    if window == window.lower():
        return False  # no capital letter, so no country code: the common case, decided fast
    return _IBAN_PREFIX.search(text, low, start) is not None


def _re2_module() -> Any:
    try:
        import re2
    except ImportError:  # no wheel for this platform: gates run with `re`
        return None
    return re2


_RE2 = _re2_module()


def gate(pattern: str, fallback: re.Pattern[str]) -> Callable[[str], Iterator[tuple[int, int]]]:
    r"""The spans where `pattern` matches in a text, for gates that let a detector skip
    texts, or stretches of text, where it cannot find anything. RE2 runs an alternation
    of many words in one linear pass, where `re` tries each word at each position;
    without RE2 installed, `fallback` (a `re` pattern) does. `pattern` must match wherever
    the detector could (a superset): RE2 reads `\b`, `\s` and `\d` as ASCII only, so a
    gate writes `\pN`, `\pZ` where Unicode matters. One `finditer` per text: RE2's
    Python binding encodes the text on every call."""
    finditer = _RE2.compile(pattern).finditer if _RE2 is not None else fallback.finditer

    def spans(text: str) -> Iterator[tuple[int, int]]:
        for match in finditer(text):
            yield int(match.start()), int(match.end())

    return spans
