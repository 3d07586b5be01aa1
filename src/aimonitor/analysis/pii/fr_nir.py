"""French social security number (NIR): 13 characters + a 2-digit key = 97 - n mod 97."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.exceptions import ValidationError
from stdnum.fr import nir as stdnum_nir

from aimonitor.analysis.pii.base import Candidate, ScanContext

# sex, year, month, department (2A/2B for Corsica), commune, order, key; optional spaces.
_PATTERN = re.compile(
    r"[1-478](?<!\w[1-478]) ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AaBb])"
    r" ?\d{3} ?\d{3} ?\d{2}(?![\w])"
)
# 15 characters, 14 of them digits when the department is Corsican ("2A").
_MIN_DIGITS = 14


class FrNirDetector:
    name: str = "fr_nir"
    types: tuple[str, ...] = ("FR_NIR",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        if not ctx.has_digit_run:
            return
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS):
            compact = match.group().replace(" ", "").upper()
            try:
                stdnum_nir.validate(compact)
            except ValidationError:
                continue
            yield Candidate(
                "FR_NIR",
                match.start(),
                match.end(),
                0.85,
                "pattern=fr_nir; validator=nir_key_mod97",
            )
