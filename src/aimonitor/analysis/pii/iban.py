"""IBAN: country code, check digits, BBAN; mod-97 and per-country format by python-stdnum."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban

from aimonitor.analysis.pii.base import Candidate, ScanContext

# No separate gate: starting with a capital letter, this pattern is itself the cheapest
# pass over the text (`re` skips in C to capitals).
# Country + check digits, then up to 30 alphanumerics in groups split by single spaces.
_PATTERN = re.compile(r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]){10,30}+(?![A-Za-z0-9])")
_TRAILING_WORD = re.compile(r" [A-Z0-9]{1,4}$")


class IbanDetector:
    name: str = "iban"
    types: tuple[str, ...] = ("IBAN",)

    def __init__(self) -> None:
        iban.is_valid("GB82WEST12345698765432")  # loads stdnum's registry now, not in a request

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        text = ctx.text
        for match in _PATTERN.finditer(text):
            raw = match.group()
            # A spaced IBAN may be followed by an unrelated short word ("... 189 EUR"):
            # retry without trailing groups until the checksum holds.
            while raw:
                compact = raw.replace(" ", "")
                if iban.is_valid(compact):
                    yield Candidate(
                        "IBAN",
                        match.start(),
                        match.start() + len(raw),
                        0.95,
                        f"pattern=iban_{compact[:2]}; validator=mod97+country_length",
                    )
                    break
                trimmed = _TRAILING_WORD.sub("", raw)
                if trimmed == raw:
                    break
                raw = trimmed
