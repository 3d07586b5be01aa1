"""The explicit list of personal-data detectors, by name (as used in `defaults.yaml`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aimonitor.analysis.pii.base import PiiDetector
from aimonitor.analysis.pii.credit_card import CreditCardDetector
from aimonitor.analysis.pii.email import EmailDetector
from aimonitor.analysis.pii.fr_nir import FrNirDetector
from aimonitor.analysis.pii.fr_siren import FrSirenDetector
from aimonitor.analysis.pii.iban import IbanDetector
from aimonitor.analysis.pii.ip import IpDetector
from aimonitor.analysis.pii.phone import DEFAULT_REGIONS, PhoneDetector
from aimonitor.analysis.pii.secrets import SecretsDetector
from aimonitor.analysis.pii.us_ssn import UsSsnDetector


def _phone(options: Mapping[str, Any]) -> PiiDetector:
    regions: Sequence[str] = options.get("regions") or DEFAULT_REGIONS
    return PhoneDetector(regions)


# Order matters only for ties in overlap resolution: earlier wins.
REGISTRY: dict[str, Callable[[Mapping[str, Any]], PiiDetector]] = {
    "secrets": lambda _options: SecretsDetector(),
    "email": lambda _options: EmailDetector(),
    "iban": lambda _options: IbanDetector(),
    "credit_card": lambda _options: CreditCardDetector(),
    "fr_nir": lambda _options: FrNirDetector(),
    "us_ssn": lambda _options: UsSsnDetector(),
    "fr_siren": lambda _options: FrSirenDetector(),
    "phone": _phone,
    "ip": lambda _options: IpDetector(),
}


def build(name: str, options: Mapping[str, Any]) -> PiiDetector:
    try:
        factory = REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown PII detector {name!r}; known: {sorted(REGISTRY)}") from None
    return factory(options)
