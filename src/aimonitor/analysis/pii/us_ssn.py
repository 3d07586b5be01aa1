"""US social security numbers, with the SSA's validity rules."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aimonitor.analysis.pii.base import Candidate, ScanContext, follows_iban_prefix

# 123-45-6789, 123 45 6789, or nine bare digits; the same separator both times.
_PATTERN = re.compile(r"(\d(?<![\d\-.]\d)\d{2})([\- ]?)(\d{2})\2(\d{4})(?![\d\-]|\.\d)")
# Area, group and serial: 3 + 2 + 4 digits.
_MIN_DIGITS = 9
# Every match is written in one of these shapes (`base.shape_of`).
_SHAPES = (b"ddd-dd-dddd", b"ddd dd dddd", b"ddddddddd")


def ssa_valid(area: str, group: str, serial: str) -> bool:
    """No 000, 666 or 9xx area, no 00 group, no 0000 serial (SSA rules since 2011)."""
    if area in ("000", "666") or area.startswith("9"):
        return False
    return group != "00" and serial != "0000"


class UsSsnDetector:
    name: str = "us_ssn"
    types: tuple[str, ...] = ("US_SSN",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        if not ctx.has_digit_run:
            return
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS, shapes=_SHAPES):
            if follows_iban_prefix(ctx.text, match.start()):
                continue
            area, separator, group, serial = match.groups()
            if not ssa_valid(area, group, serial):
                continue
            # Nine bare digits are weak evidence: they need a context word ("SSN").
            score = 0.55 if separator == "-" else 0.3
            yield Candidate(
                "US_SSN",
                match.start(),
                match.end(),
                score,
                f"pattern=ssn_{'dashed' if separator == '-' else 'plain'}; validator=ssa_rules",
            )
