"""E-mail addresses written to dodge scrapers: `jean.obf [at] example [dot] com`,
`jean (at) example (dot) com`, `jean at example dot com`, `jean arobase exemple point fr`,
`jean@example[dot]com`.

Found from each "at" marker, like plain addresses from each "@": the local part is the
word right before it, the domain the labels right after it, joined by "dot" markers or
dots. A bracketed marker ("[at]", "(dot)") or a French "arobase" is written on purpose;
a bare " at " is common prose ("meet at noon"), so it counts only when the domain is
spelled with a "dot" word ("jean at example dot com") after a word that is not common
prose ("look at", "meet at"). Every form ends with a known top-level domain. Every
part is bounded, so the cost stays linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aimonitor.analysis.pii.base import Candidate, gate

_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
# Group "marked": a bracketed "at", an "@" or the French names; group "bare": " at ".
_AT = re.compile(
    rf" ?{_OPEN} ?(?:at|@|arobase|arrobase) ?{_CLOSE} ?|(?P<word> (?:arobase|arrobase|AROBASE) )"
    r"|(?P<bare> (?:at|AT) )|@",
    re.IGNORECASE,
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_DOT = rf"(?: ?{_OPEN} ?(?:dot|point|\.) ?{_CLOSE} ?| (?:dot|DOT|point|POINT) |\.)"
_DOMAIN = re.compile(rf"{_LABEL}(?:{_DOT}{_LABEL}){{1,6}}", re.IGNORECASE)
_SPELLED_DOT = re.compile(rf"{_OPEN} ?(?:dot|point|\.) ?{_CLOSE}| (?:dot|point) ", re.IGNORECASE)
# "jean dot dupont at ...": spelled dots inside the local part, read backwards.
_LOCAL_PART = re.compile(rf"[\w%+\-]{{1,64}}{_DOT}$", re.IGNORECASE)
_LOCAL = re.compile(r"[\w.%+\-]{1,64}$")
_TLD = re.compile(r"[A-Za-z]{2,24}")
# Top-level domains an obfuscated address may end with: every two-letter country code,
# and these generic ones; so that prose ("the arrays [at] and (dot) are") is not read as
# an address.
_GENERIC_TLDS = frozenset({
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "pro", "name", "mobi",
    "app", "dev", "io", "ai", "tech", "online", "site", "shop", "store", "cloud", "xyz",
    "email", "club", "live", "blog", "page", "today", "group", "company", "agency", "media",
    "solutions", "consulting", "eus", "bzh", "paris", "alsace", "corsica", "swiss", "berlin",
})  # fmt: skip
# Words that only mark an obfuscated address: a text without any is skipped at once.
_MARKER = r"(?i)dot|point|arobase|arrobase|[\[\(\{<] ?(?:at|@|\.) ?[\]\)\}>]"
_MARKERS = gate(_MARKER, re.compile(_MARKER))


def obfuscated_emails(text: str) -> Iterator[Candidate]:
    if next(_MARKERS(text), None) is None:
        return
    position = 0
    for at in _AT.finditer(text):
        if at.start() < position:
            continue  # inside the address found last
        candidate = _candidate(text, at)
        if candidate is not None:
            position = candidate.end
            yield candidate


def _candidate(text: str, at: re.Match[str]) -> Candidate | None:
    local_match = _LOCAL.search(text, max(0, at.start() - 64), at.start())
    domain_match = _DOMAIN.match(text, at.end())
    if local_match is None or domain_match is None:
        return None
    local = local_match.group().lstrip(".")
    start = at.start() - len(local)
    if not local or ".." in local or (start > 0 and text[start - 1] in "@"):
        return None
    for _ in range(3):
        part = _LOCAL_PART.search(text, max(0, start - 80), start)
        if part is None:
            break
        start = part.start()
    domain = domain_match.group()
    spelled = _SPELLED_DOT.search(domain) is not None
    if at.group() == "@" and not spelled:
        return None  # a plain address: EmailDetector's
    labels = re.split(_DOT, domain, flags=re.IGNORECASE)
    tld = labels[-1].lower()
    if not _TLD.fullmatch(tld) or (len(tld) != 2 and tld not in _GENERIC_TLDS):
        return None
    bare = at.group("bare") is not None
    if bare and not (spelled and _looks_like_local(local)):
        return None
    form = "spelled" if bare else "marked"
    return Candidate(
        "EMAIL",
        start,
        at.end() + len(domain),
        0.7 if bare else 0.85,
        f"pattern=email_obfuscated_{form}; validator=domain_structure",
    )


def _looks_like_local(local: str) -> bool:
    """A bare "at" follows a word; one that is a common word of prose ("look at", "meet
    at") is not a mailbox."""
    return local.lower() not in _PROSE_WORDS


_PROSE_WORDS = frozenset({
    "look", "looking", "looked", "meet", "meeting", "arrive", "arrived", "arriving", "be",
    "is", "are", "was", "were", "am", "been", "me", "us", "you", "him", "her", "them", "it",
    "this", "that", "there", "here", "stay", "stayed", "staying", "work", "working",
    "worked", "live", "living", "lived", "good", "bad", "best", "better", "great", "aim",
    "aimed", "aiming", "point", "pointed", "laugh", "laughed", "laughing", "stare",
    "staring", "stared", "glance", "glanced", "glancing",
})  # fmt: skip
