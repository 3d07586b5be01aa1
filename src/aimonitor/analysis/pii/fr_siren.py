"""French company identifiers: SIREN (9 digits) and SIRET (SIREN + 5-digit NIC), Luhn."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

from aimonitor.analysis.pii.base import Candidate, ScanContext, digits_of, follows_iban_prefix

# 123 456 789 / 123456789 and 123 456 789 00012 / 12345678900012.
_PATTERN = re.compile(r"\d(?<![\d\-.]\d)\d{2} ?\d{3} ?\d{3}(?: ?\d{5})?(?![\d\-]|[.,]\d)")
# A SIREN has 9 digits, a SIRET 14.
_MIN_DIGITS = 9
# Every match begins with a SIREN in one of these shapes (`base.shape_of`).
_SHAPES = (b"ddd ddd ddd", b"dddddd ddd", b"ddd dddddd", b"ddddddddd")

# La Poste's SIRETs (SIREN 356000000) use a digit-sum rule instead of Luhn.
_LA_POSTE = "356000000"


class FrSirenDetector:
    name: str = "fr_siren"
    types: tuple[str, ...] = ("FR_SIREN", "FR_SIRET")

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        if not ctx.has_digit_run:
            return
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS, shapes=_SHAPES):
            if follows_iban_prefix(ctx.text, match.start()):
                continue
            digits = digits_of(match.group())
            if len(digits) == 14:
                valid = luhn.is_valid(digits) or (
                    digits.startswith(_LA_POSTE) and sum(map(int, digits)) % 5 == 0
                )
                kind = "FR_SIRET"
            else:
                valid = luhn.is_valid(digits)
                kind = "FR_SIREN"
            if not valid or digits == "0" * len(digits):
                continue
            # One random number in ten passes Luhn: without a context word ("SIRET",
            # "société"...) this stays below the reporting floor.
            yield Candidate(
                kind,
                match.start(),
                match.end(),
                0.3,
                f"pattern={kind.lower()}; validator=luhn",
            )
