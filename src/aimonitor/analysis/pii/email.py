"""E-mail addresses: a broad linear-time pattern, then a structural check of the domain."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aimonitor.analysis.pii.base import Candidate, ScanContext

# The lookbehind makes a match start only at the beginning of a run of local-part
# characters, and possessive quantifiers forbid backtracking: linear on any input.
_PATTERN = re.compile(r"(?<![\w.%+\-])[\w.%+\-]++@[A-Za-z0-9.\-]++")
_TLD = re.compile(r"[A-Za-z]{2,24}")


class EmailDetector:
    name: str = "email"
    types: tuple[str, ...] = ("EMAIL",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        text = ctx.text
        if "@" not in text:
            return
        for match in _PATTERN.finditer(text):
            local, _, domain = match.group().partition("@")
            domain = domain.rstrip(".-")
            local = local.lstrip(".")
            if not local or len(local) > 64 or ".." in local:
                continue
            labels = domain.split(".")
            if len(labels) < 2 or not all(labels) or not _TLD.fullmatch(labels[-1]):
                continue
            if any(label.startswith("-") or label.endswith("-") for label in labels):
                continue
            start = match.start() + (len(match.group().partition("@")[0]) - len(local))
            end = start + len(local) + 1 + len(domain)
            yield Candidate("EMAIL", start, end, 0.9, "pattern=email; validator=domain_structure")
