"""French social security number (NIR): 13 characters + a 2-digit key = 97 - n mod 97."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.fr import nir

from aimonitor.analysis.pii.base import Candidate, ScanContext

# sex, year, month, department (2A/2B for Corsica), commune, order, key; optional spaces.
_PATTERN = re.compile(
    r"[1-478](?<!\w[1-478]) ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AaBb])"
    r" ?\d{3} ?\d{3} ?\d{2}(?![\w])"
)
# 15 characters, 14 of them digits when the department is Corsican ("2A").
_MIN_DIGITS = 14
# Every match ends with commune, order and key in one of these shapes (`base.shape_of`).
_SHAPES = (b"ddd ddd dd", b"dddddd dd", b"ddd ddddd", b"dddddddd")


class FrNirDetector:
    name: str = "fr_nir"
    types: tuple[str, ...] = ("FR_NIR",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        if not ctx.has_digit_run:
            return
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS, shapes=_SHAPES):
            if not nir.is_valid(match.group()):
                continue
            yield Candidate(
                "FR_NIR",
                match.start(),
                match.end(),
                0.85,
                "pattern=fr_nir; validator=nir_key_mod97",
            )
