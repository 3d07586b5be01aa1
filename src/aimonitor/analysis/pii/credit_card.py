"""Payment card numbers: 13-19 digits, Luhn checksum and a known issuer range."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

from aimonitor.analysis.pii.base import Candidate, ScanContext, digits_of, follows_iban_prefix

# Groups of digits joined by at most one space, dash or dot; never starts or ends inside a
# longer run of digits, so a 25-digit reference number is not cut into a card.
# The lookbehind sits after the first digit: a pattern that starts with a character class
# lets `re` skip to candidate positions in C; a leading lookbehind would disable that.
_PATTERN = re.compile(r"\d(?<![\d\-.]\d)(?:[ \-.]?\d){12,18}+(?!\d|\.\d)")
# Every match holds 13 to 19 digits.
_MIN_DIGITS = 13

# Group lengths accepted when the separator is a dot: 4-4-4-4 (and 4-4-4-4-3), Amex 4-6-5.
_DOTTED_GROUPS = ([4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 6, 5])

# (issuer, prefix ranges as (low, high, prefix length), allowed lengths)
_ISSUERS: tuple[tuple[str, tuple[tuple[int, int, int], ...], tuple[int, ...]], ...] = (
    ("visa", ((4, 4, 1),), (13, 16, 19)),
    ("mastercard", ((51, 55, 2), (2221, 2720, 4)), (16,)),
    ("amex", ((34, 34, 2), (37, 37, 2)), (15,)),
    ("discover", ((6011, 6011, 4), (644, 649, 3), (65, 65, 2)), (16, 19)),
    ("diners", ((300, 305, 3), (36, 36, 2), (38, 39, 2)), (14, 16)),
    ("jcb", ((3528, 3589, 4),), (16, 19)),
    ("unionpay", ((62, 62, 2),), (16, 17, 18, 19)),
    ("maestro", ((5018, 5018, 4), (5020, 5020, 4), (5038, 5038, 4), (6304, 6304, 4)), (12, 19)),
)


def issuer_of(digits: str) -> str | None:
    if len(digits) < 4:
        return _issuer_by_ranges(digits)
    # Every issuer range is decided by the first four digits: one lookup instead of a loop
    # over eight issuers that converts a prefix to int for each range.
    size = len(digits)
    for issuer, lengths in _ISSUERS_BY_PREFIX.get(digits[:4], ()):
        if size in lengths or (issuer == "maestro" and 12 <= size <= 19):
            return issuer
    return None


def _issuer_by_ranges(digits: str) -> str | None:
    for issuer, ranges, lengths in _ISSUERS:
        if len(digits) not in lengths and not (issuer == "maestro" and 12 <= len(digits) <= 19):
            continue
        for low, high, size in ranges:
            if low <= int(digits[:size]) <= high:
                return issuer
    return None


def _by_prefix() -> dict[str, tuple[tuple[str, tuple[int, ...]], ...]]:
    """Four-digit prefix -> the issuers whose ranges hold it, in `_ISSUERS` order."""
    table: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for issuer, ranges, lengths in _ISSUERS:
        prefixes: set[int] = set()
        for low, high, size in ranges:
            scale = 10 ** (4 - size)
            prefixes.update(range(low * scale, (high + 1) * scale))
        for prefix in sorted(prefixes):
            table.setdefault(f"{prefix:04d}", []).append((issuer, lengths))
    return {prefix: tuple(issuers) for prefix, issuers in table.items()}


_ISSUERS_BY_PREFIX = _by_prefix()


class CreditCardDetector:
    name: str = "credit_card"
    types: tuple[str, ...] = ("CREDIT_CARD",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        if not ctx.has_digit_run:
            return
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS):
            raw = match.group()
            # Issuer and checksum first: they turn away most matches (the tail of an IBAN,
            # a NIR) for less than the layout checks cost.
            digits = digits_of(raw)
            issuer = issuer_of(digits)
            if issuer is None or not luhn.is_valid(digits):
                continue
            # The pattern allows no other separator than these three.
            separators = {ch for ch in " -." if ch in raw}
            if len(separators) > 1:
                continue  # "4111-1111 1111" mixes separators: not how cards are written
            if separators == {"."} and [len(g) for g in raw.split(".")] not in _DOTTED_GROUPS:
                continue  # dots make decimals too ("3.14159..."): only card-shaped groups
            if follows_iban_prefix(ctx.text, match.start()):
                continue
            yield Candidate(
                "CREDIT_CARD",
                match.start(),
                match.end(),
                0.9,
                f"pattern=card_{len(digits)}_digits; validator=luhn+issuer_range({issuer})",
            )
