"""Checkable claims in a text: URLs, references and precise figures.

A claim is something a reader would take as a fact that came from somewhere: a
link, a citation or a standard's number, a percentage, a number with three or
more significant digits, a date or a year. Each claim has a `kind` ("url",
"reference", "figure", "date") and a normalised `key` used to look for it in the
prompt and context; the raw text is never reported outside this module.

Numbers that read as identifiers in technical text (an HTTP status after
"error", a port after "port", a version after "version"/"v") are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_MONTHS: Final = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
    "novembre|décembre|decembre"
)
_URL = re.compile(
    r"\bhttps?://[^\s<>\"'()\[\]]+|\bwww\.[^\s<>\"'()\[\]]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|ai|dev|fr|de|eu|gov|edu|info|co)(?:/[^\s<>\"'()]*)?\b",
    re.IGNORECASE,
)
# Every match of _URL contains one of these: most answers have none, and this search is
# about twice as fast as _URL's, which then does not run.
_URL_HINT = re.compile(
    r"https?://|www\.|\.(?:com|org|net|io|ai|dev|fr|de|eu|gov|edu|info|co)", re.IGNORECASE
)
_REFERENCES = [
    re.compile(r"\b10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE),  # DOI
    re.compile(r"\barxiv:?\s?\d{4}\.\d{4,5}(?:v\d+)?", re.IGNORECASE),
    re.compile(
        r"\b(?:ISO(?:/IEC)?|IEC|RFC|IEEE|NIST\s+SP|CVE|EN|NF|BS|DIN)[\s-]?\d[\d.:-]*\d?",
    ),
    # (Smith et al., 2019) / (Smith & Jones, 2020) / (Dupont, 2018a)
    re.compile(
        r"\(\s*[A-Z][\w'’-]+(?:\s+et\s+al\.?|\s+(?:and|&|et)\s+[A-Z][\w'’-]+)?,?\s+"
        r"(?:19|20)\d{2}[a-z]?\s*\)"
    ),
    # Smith et al. (2019) / Smith and Jones (2020) / Dupont (2018)
    re.compile(
        r"\b[A-Z][\w'’-]+(?:\s+et\s+al\.?|\s+(?:and|&|et)\s+[A-Z][\w'’-]+)?\s+"
        r"\(\s*(?:19|20)\d{2}[a-z]?\s*\)"
    ),
    re.compile(r"\[\d{1,3}(?:[,-]\s?\d{1,3})*\]"),  # numeric citation markers [3], [1, 4]
]
_DATES = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    re.compile(rf"\b\d{{1,2}}(?:er)?\s+(?:{_MONTHS})\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(rf"\b(?:{_MONTHS})\s+\d{{1,2}},?\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(r"\b(?:1[6-9]|20)\d{2}\b"),  # a year
]
_PERCENT = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:%|percent\b|pour\s?cent\b)", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[ ,.\u202f]\d{3})+(?:[.,]\d+)?(?![\w])|\b\d+(?:[.,]\d+)?\b"
)
_DIGIT = re.compile(r"\d")
_IDENTIFIER_BEFORE = re.compile(
    r"(?:port|error|erreur|code|status|version|v|build|ticket|line|ligne|step|étape|#)\s*[:#]?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Claim:
    kind: str  # "url" | "reference" | "figure" | "date"
    key: str  # normalised form used for matching; never reported


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def significant_digits(number: str) -> int:
    """Significant digits of a written number: "1,250" -> 3, "1000" -> 1, "3.10" -> 3."""
    decimal = re.search(r"[.,]\d{1,2}$", number) is not None and not re.search(
        r"[.,]\d{3}$", number
    )
    digits = _digits(number).lstrip("0")
    if not decimal:
        digits = digits.rstrip("0")
    return len(digits)


def _normalise_url(url: str) -> str:
    url = re.sub(r"^https?://", "", url.lower())
    url = url.removeprefix("www.")
    return url.rstrip("/.,;:!?")


def normalise_text(text: str) -> str:
    """Lower-case, punctuation folded to single spaces: the haystack for references."""
    return " " + re.sub(r"[^\w%]+", " ", text.lower()) + " "


def extract_claims(text: str) -> list[Claim]:
    """Claims in `text`, each span counted once (URLs first, then references, dates, figures)."""
    taken: list[tuple[int, int]] = []
    claims: list[Claim] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: str, key: str, span: tuple[int, int]) -> None:
        taken.append(span)
        claims.append(Claim(kind, key))

    if _URL_HINT.search(text):
        for match in _URL.finditer(text):
            add("url", _normalise_url(match.group()), match.span())
    if not _DIGIT.search(text):
        return claims  # every other kind of claim has a digit in it
    for pattern in _REFERENCES:
        for match in pattern.finditer(text):
            if free(*match.span()):
                add("reference", normalise_text(match.group()).strip(), match.span())
    for pattern in _DATES:
        for match in pattern.finditer(text):
            if free(*match.span()):
                add("date", _digits(match.group()), match.span())
    for match in _PERCENT.finditer(text):
        if free(*match.span()):
            add("figure", _digits(match.group()), match.span())
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if not free(start, end) or significant_digits(match.group()) < 3:
            continue
        if _IDENTIFIER_BEFORE.search(text[max(0, start - 12) : start]):
            continue
        add("figure", _digits(match.group()), match.span())
    return claims


class Source:
    """The prompt and context, indexed once for claim look-ups."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lower = text.lower()
        self._normalised_text: str | None = None
        self._number_set: set[str] | None = None

    @property
    def _normalised(self) -> str:
        if self._normalised_text is None:
            self._normalised_text = normalise_text(self._text)
        return self._normalised_text

    @property
    def _numbers(self) -> set[str]:
        if self._number_set is None:
            text = self._text
            numbers = {_digits(m.group()) for m in _NUMBER.finditer(text)}
            numbers |= {_digits(m.group()) for p in _DATES for m in p.finditer(text)}
            self._number_set = numbers
        return self._number_set

    def supports(self, claim: Claim) -> bool:
        if claim.kind == "url":
            host = claim.key.split("/", 1)[0]
            return claim.key in self._lower or (host != "" and host in self._lower)
        if claim.kind == "reference":
            return f" {claim.key} " in self._normalised
        return claim.key in self._numbers
