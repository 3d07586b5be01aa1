"""E-mail addresses: found from each "@", then a structural check of the domain; and
addresses written to dodge scrapers ("jean [at] example [dot] com", `email_obfuscated`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aimonitor.analysis.pii.base import Candidate, ScanContext
from aimonitor.analysis.pii.email_obfuscated import obfuscated_emails

# Anchored on the "@" signs (found with str.find), so the cost is proportional to their
# number, not to the length of the text; both parts are bounded (RFC 5321 limits).
_LOCAL = re.compile(r"[\w.%+\-]{1,64}$")
_DOMAIN = re.compile(r"[A-Za-z0-9.\-]{1,253}")
_TLD = re.compile(r"[A-Za-z]{2,24}")


class EmailDetector:
    name: str = "email"
    types: tuple[str, ...] = ("EMAIL",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        text = ctx.text
        at = text.find("@")
        while at >= 0:
            candidate = _candidate(text, at)
            if candidate is not None:
                yield candidate
            at = text.find("@", at + 1)
        yield from obfuscated_emails(text)


def _candidate(text: str, at: int) -> Candidate | None:
    local_match = _LOCAL.search(text, max(0, at - 64), at)
    domain_match = _DOMAIN.match(text, at + 1)
    if local_match is None or domain_match is None:
        return None
    local = local_match.group().lstrip(".")
    domain = domain_match.group().rstrip(".-")
    if not local or ".." in local or (at - len(local) > 0 and text[at - len(local) - 1] == "@"):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels) or not _TLD.fullmatch(labels[-1]):
        return None
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return None
    return Candidate(
        "EMAIL",
        at - len(local),
        at + 1 + len(domain),
        0.9,
        "pattern=email; validator=domain_structure",
    )
