"""IP addresses: IPv4 and IPv6, validated by the standard library's `ipaddress`."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from aimonitor.analysis.pii.base import Candidate, ScanContext

_IPV4 = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\w]|\.\w)")
# Every IPv4 match holds a digit, a dot and a digit (`base.shape_of`).
_IPV4_SHAPES = (b"d.d",)
_IPV6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f:.]{2,45}+(?![\w:])")


class IpDetector:
    name: str = "ip"
    types: tuple[str, ...] = ("IP_ADDRESS",)

    def detect(self, ctx: ScanContext) -> Iterator[Candidate]:
        text = ctx.text
        if "." in text:
            for match in _ipv4_matches(ctx):
                try:
                    ipaddress.IPv4Address(match.group())
                except ValueError:
                    continue
                yield Candidate(
                    "IP_ADDRESS",
                    match.start(),
                    match.end(),
                    0.6,
                    "pattern=ipv4; validator=ipaddress",
                )
        if "::" in text or text.count(":") >= 7:
            for match in _IPV6.finditer(text):
                raw = match.group().rstrip(".")
                if raw.count(":") < 2 or sum(ch.isalnum() for ch in raw) < 2:
                    continue
                try:
                    ipaddress.IPv6Address(raw)
                except ValueError:
                    continue
                yield Candidate(
                    "IP_ADDRESS",
                    match.start(),
                    match.start() + len(raw),
                    0.75,
                    "pattern=ipv6; validator=ipaddress",
                )


def _ipv4_matches(ctx: ScanContext) -> Iterator[re.Match[str]]:
    # Four numbers of one to three digits, joined by three dots.
    return ctx.finditer(_IPV4, min_digits=4, containing=".", shapes=_IPV4_SHAPES)
