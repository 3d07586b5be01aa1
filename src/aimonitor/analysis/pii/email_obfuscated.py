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

from aimonitor.analysis.pii.base import Candidate

_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
# The "at" markers: bracketed ("[at]", "(@)", "{arobase}"), the French word, a bare " at ",
# an "@". Looked for in the lower-cased text: the words with `str.find`, the brackets with
# a pattern that starts with a character class (`re` skips in C to the next bracket).
_BRACKETED_AT = re.compile(r"[\[({<] ?(?:at|@|arobase|arrobase) ?[\])}>]")
_WORD_ATS = (" arobase ", " arrobase ")
_PLAIN_ATS = (" at ", "@")  # need a spelled dot somewhere in the text
# What a spelled dot needs somewhere in the text ("dot", "point", "[.]"...): without one,
# an "@" or a bare " at " cannot start an obfuscated address.
_DOT_HINTS = ("dot", "point", ".]", ".)", ".}", ".>")
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
def obfuscated_emails(text: str) -> Iterator[Candidate]:
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lowers to two characters: keep the offsets
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    markers = [(m.start(), m.end(), True) for m in _BRACKETED_AT.finditer(lowered)]
    words: tuple[str, ...] = _WORD_ATS
    if any(hint in lowered for hint in _DOT_HINTS):
        words += _PLAIN_ATS
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            markers.append((at, at + len(word), False))
            at = lowered.find(word, at + 1)
    position = 0
    for start, end, bracketed in sorted(markers):
        if start < position:
            continue  # inside the address found last
        marker = lowered[start:end]
        candidate = _candidate(text, start, end, bracketed, marker == " at ", marker == "@")
        if candidate is not None:
            position = candidate.end
            yield candidate


def _candidate(
    text: str, start: int, end: int, bracketed: bool, bare: bool, at_sign: bool
) -> Candidate | None:
    if bracketed:  # "jean [at] example": one space may stand on either side
        if start > 0 and text[start - 1] == " ":
            start -= 1
        if text.startswith(" ", end):
            end += 1
    local_match = _LOCAL.search(text, max(0, start - 64), start)
    domain_match = _DOMAIN.match(text, end)
    if local_match is None or domain_match is None:
        return None
    local = local_match.group().lstrip(".")
    first = start - len(local)
    if not local or ".." in local or (first > 0 and text[first - 1] in "@"):
        return None
    for _ in range(3):
        part = _LOCAL_PART.search(text, max(0, first - 80), first)
        if part is None:
            break
        first = part.start()
    domain = domain_match.group()
    spelled = _SPELLED_DOT.search(domain) is not None
    if at_sign and not spelled:
        return None  # a plain address: EmailDetector's
    labels = re.split(_DOT, domain, flags=re.IGNORECASE)
    tld = labels[-1].lower()
    if not _TLD.fullmatch(tld) or (len(tld) != 2 and tld not in _GENERIC_TLDS):
        return None
    if bare and not (spelled and _looks_like_local(local)):
        return None
    form = "spelled" if bare else "marked"
    return Candidate(
        "EMAIL",
        first,
        end + len(domain),
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
