"""French social security number (NIR): 13 characters + a 2-digit key = 97 - n mod 97."""

from __future__ import annotations

import re
from collections.abc import Iterator

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


# Corsica's departments count as these numbers in the key.
_CORSICA = {"2A": "19", "2B": "18"}


def nir_valid(compact: str) -> bool:
    """`stdnum.fr.nir.is_valid` (the same answer, tested on random input): fifteen ASCII
    characters, digits but for a Corsican department, and the key 97 - n mod 97. Written
    out because the library's exceptions and string helpers cost ~4 µs a number."""
    if len(compact) != 15 or not compact.isascii():
        return False
    department = compact[5:7]
    body = compact[:5] + _CORSICA.get(department, department) + compact[7:13]
    key = compact[13:]
    if not body.isdigit() or not key.isdigit():
        return False
    return 97 - int(body) % 97 == int(key)


class FrNirDetector:
    name: str = "fr_nir"
    types: tuple[str, ...] = ("FR_NIR",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        if not ctx.has_digit_run:
            return
        for match in ctx.finditer(_PATTERN, min_digits=_MIN_DIGITS, shapes=_SHAPES):
            if not nir_valid(match.group().replace(" ", "").upper()):
                continue
            yield Candidate(
                "FR_NIR",
                match.start(),
                match.end(),
                0.85,
                "pattern=fr_nir; validator=nir_key_mod97",
            )
